#pragma once
// Subcommand registry. A command file defines
//   static const bool registered = emosync::cli::register_command({"name", "one-line help", setup});
// where setup(CLI::App& sub) adds options and sets sub.callback(...). Callbacks throw
// emosync::Error for bad input; main() prints it and exits non-zero.
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace emosync::cli {

struct Command {
  std::string name;
  std::string help;
  std::function<void(CLI::App&)> setup;
};

bool register_command(Command c);
const std::vector<Command>& commands();

// Splits "a,b,c" into floats; throws naming `what` on a bad element or count.
std::vector<float> parse_floats(const std::string& text, std::size_t expected, const std::string& what);

}  // namespace emosync::cli
