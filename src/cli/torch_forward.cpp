// Built into `emosync` only: the libtorch commands live in emosync-torch, so that the
// binary users run every day (say, animate, serve, ...) does not load libtorch (about
// 140 MB of resident memory before any work is done).
#include "cli/torch_forward.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <vector>

#include "cli/command.h"

namespace emosync::cli {

namespace {
constexpr std::string_view kTorchCommands[] = {"train", "export", "textemotion"};

// Entries in `emosync --help`; parsing never reaches them (main hands over first).
void placeholder(CLI::App& app) { app.allow_extras(); }
const bool registered = [] {
  register_command({"train", "Train the FiLM model (base or V3) from triples; plot metrics [emosync-torch]", placeholder});
  register_command({"export", "Export a training checkpoint to a safetensors model [emosync-torch]", placeholder});
  register_command({"textemotion", "Train and evaluate the text-emotion model [emosync-torch]", placeholder});
  return true;
}();
}  // namespace

bool needs_torch(int argc, char** argv) {
  if (argc < 2) return false;
  const std::string_view cmd = argv[1];
  for (auto c : kTorchCommands)
    if (cmd == c) return true;
  if (cmd == "teacher")
    for (int i = 2; i < argc; ++i)
      if (std::string_view(argv[i]).rfind("--torchscript", 0) == 0) return true;
  return false;
}

std::string exec_torch_binary(int argc, char** argv) {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  const auto torch = (ec ? std::filesystem::path(argv[0]) : self).parent_path() / "emosync-torch";
  if (!std::filesystem::exists(torch))
    return "'" + std::string(argv[1]) + "' needs libtorch: " + torch.string() +
           " is not built here (build with libtorch, EMOSYNC_WITH_TORCH=ON)";
  std::vector<char*> args(argv, argv + argc);
  const std::string path = torch.string();
  args[0] = const_cast<char*>(path.c_str());
  args.push_back(nullptr);
  execv(path.c_str(), args.data());
  return "cannot run " + path + ": " + std::strerror(errno);
}

}  // namespace emosync::cli
