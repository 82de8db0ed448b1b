#pragma once
// Small helpers shared by the test suites (header-only; tests/ is on every test's
// include path through emosync_test).
#include <filesystem>
#include <functional>
#include <string>

#include "io/error.h"

namespace emosync::test_support {

// The message of the emosync::Error that `f` throws, or "(no error)".
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// A scratch path under the build tree: <build>/test_tmp/<suite>/<name>.
inline std::string temp_path(const std::string& suite, const std::string& name) {
  return (std::filesystem::path(EMOSYNC_BINARY_DIR) / "test_tmp" / suite / name).string();
}

}  // namespace emosync::test_support
