// Plugs the TorchScript teacher into `emosync teacher --torchscript` (libtorch builds only).
#include <sstream>

#include "io/atomic_file.h"
#include "io/error.h"
#include "teacher/torchscript.h"

namespace emosync::cli {
using TorchTeacherFactory = std::unique_ptr<teacher::Teacher> (*)(const std::string& path, double model_fps,
                                                                  const std::string& model_order);
extern TorchTeacherFactory torchscript_teacher_factory;
}  // namespace emosync::cli

namespace {
using namespace emosync;

std::vector<std::string> order_names(const std::string& order) {
  if (order.empty()) return {};
  if (order == "alphabetical") return arkit::alphabetical_order();
  if (order == "canonical") return {arkit::names().begin(), arkit::names().end()};
  std::string text = io::read_file(order);
  for (auto& c : text)
    if (c == ',') c = '\n';
  std::istringstream in(text);
  std::vector<std::string> names;
  std::string line;
  while (std::getline(in, line)) {
    auto b = line.find_first_not_of(" \t\r\"");
    if (b == std::string::npos) continue;
    names.push_back(line.substr(b, line.find_last_not_of(" \t\r\"") - b + 1));
  }
  return names;
}

std::unique_ptr<teacher::Teacher> make(const std::string& path, double model_fps, const std::string& model_order) {
  teacher::TorchScriptConfig c;
  c.path = path;
  c.model_fps = model_fps;
  c.channel_names = order_names(model_order);
  return teacher::make_torchscript_teacher(c);
}

const bool registered = (cli::torchscript_teacher_factory = &make, true);
}  // namespace
