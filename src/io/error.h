#pragma once
// The one exception type of emosync's C++ layers. Messages name what went wrong
// and where (file, line, field) so a user can fix their input; the C API turns
// them into error codes.
#include <stdexcept>
#include <string>

namespace emosync {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace emosync
