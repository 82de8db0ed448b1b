#pragma once
// Small helpers shared by the test suites (header-only; tests/ is on every test's
// include path through emosync_test).
#include <array>
#include <cstdio>
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

// Runs the emosync command built beside the tests (as the README does) with `args`;
// returns the exit code (-1 when it did not exit normally) and stdout+stderr.
struct CommandResult {
  int rc = -1;
  std::string out;
};
inline CommandResult run_emosync(const std::string& args) {
  const std::string cmd = std::string(EMOSYNC_BINARY_DIR) + "/emosync " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return {};
  CommandResult r;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace emosync::test_support
