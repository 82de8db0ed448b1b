#pragma once
// What the API's endpoints share (api.cpp, animate.cpp): client errors that name the
// field, JSON replies, number checks. Internal to src/server.
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>

#include "io/json_file.h"
#include "server/server.h"

namespace emosync::server::detail {

// A client error: status + message naming the field ("field: what is wrong").
struct BadRequest {
  int status;
  std::string message;
};
[[noreturn]] inline void bad(const std::string& msg, int status = 400) { throw BadRequest{status, msg}; }

// Invalid UTF-8 that slipped into a reply (an echoed name, say) becomes U+FFFD instead of
// nlohmann's exception: a reply is always sent.
inline Reply json_reply(const io::Json& j, int status = 200) {
  return {status, "application/json", j.dump(-1, ' ', false, io::Json::error_handler_t::replace)};
}
inline Reply error_reply(int status, const std::string& msg) { return json_reply(io::Json{{"error", msg}}, status); }

// A number for messages and tags: 600 (not 600.0), 0.5.
inline std::string format_number(double v) {
  if (v == std::round(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  return io::Json(v).dump();
}

// The offset of the first byte of `s` that is not well-formed UTF-8 (overlong forms,
// surrogates and code points past U+10FFFF included), or npos.
std::size_t utf8_error_at(std::string_view s);
// 400 naming `field` when `value` is not well-formed UTF-8.
void require_utf8(const std::string& field, std::string_view value);

// The 52 ARKit names in channel order.
io::Json names_json();
// Values rounded to 1e-5 (the JSON stays small; far below what a face shows).
io::Json vec(const float* v, std::size_t n);

// POST /api/animate (animate.cpp).
Reply animate_api(const Options& opt, const Request& req);

}  // namespace emosync::server::detail
