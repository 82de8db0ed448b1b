#pragma once
// The commands only emosync-torch has (they need libtorch), and the hand-over from the
// everyday `emosync` binary to it.
#include <string>

namespace emosync::cli {

// True when argv asks for a libtorch command: train, export, textemotion, or teacher
// with --torchscript.
bool needs_torch(int argc, char** argv);

// Replaces this process with emosync-torch (next to this binary) and the same
// arguments; returns only on failure, with the reason.
std::string exec_torch_binary(int argc, char** argv);

}  // namespace emosync::cli
