#include "cli/command.h"

#include <sstream>

#include "io/error.h"

namespace emosync::cli {

static std::vector<Command>& registry() {
  static std::vector<Command> r;
  return r;
}

bool register_command(Command c) {
  registry().push_back(std::move(c));
  return true;
}

const std::vector<Command>& commands() { return registry(); }

std::vector<float> parse_floats(const std::string& text, std::size_t expected, const std::string& what) {
  std::vector<float> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    try {
      std::size_t used = 0;
      float v = std::stof(item, &used);
      if (used != item.size()) throw std::invalid_argument(item);
      out.push_back(v);
    } catch (const std::exception&) {
      throw Error(what + ": '" + item + "' is not a number");
    }
  }
  if (expected && out.size() != expected)
    throw Error(what + ": expected " + std::to_string(expected) + " comma-separated numbers, got " +
                std::to_string(out.size()));
  return out;
}

}  // namespace emosync::cli
