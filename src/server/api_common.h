#pragma once
// What the API's endpoints share (api.cpp, animate.cpp): client errors that name the
// field, JSON replies, number checks. Internal to src/server.
#include <cstddef>
#include <string>

#include "io/json_file.h"
#include "server/server.h"

namespace emosync::server::detail {

// A client error: status + message naming the field ("field: what is wrong").
struct BadRequest {
  int status;
  std::string message;
};
[[noreturn]] inline void bad(const std::string& msg, int status = 400) { throw BadRequest{status, msg}; }

inline Reply json_reply(const io::Json& j, int status = 200) { return {status, "application/json", j.dump()}; }
inline Reply error_reply(int status, const std::string& msg) { return json_reply(io::Json{{"error", msg}}, status); }

// The 52 ARKit names in channel order.
io::Json names_json();
// Values rounded to 1e-5 (the JSON stays small; far below what a face shows).
io::Json vec(const float* v, std::size_t n);

// POST /api/animate (animate.cpp).
Reply animate_api(const Options& opt, const Request& req);

}  // namespace emosync::server::detail
