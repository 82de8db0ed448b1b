// emosync: text with an emotion flow + speech → 52 ARKit blendshapes at 30 fps.
#include <algorithm>
#include <iostream>
#include <string>

#include "cli/command.h"
#ifndef EMOSYNC_TORCH_CLI
#include "cli/torch_forward.h"
#endif
#include "io/error.h"

int main(int argc, char** argv) {
#ifndef EMOSYNC_TORCH_CLI
  if (emosync::cli::needs_torch(argc, argv)) {
    // exec_torch_binary returns only when the exec failed; call it before writing anything
    // (`cerr << "prefix" << f()` writes the prefix first, so every handed-off run began
    // with a stray "emosync: error: ").
    const std::string why = emosync::cli::exec_torch_binary(argc, argv);
    std::cerr << "emosync: error: " << why << "\n";
    return 1;
  }
#endif
  CLI::App app{"emosync: talking-avatar faces that feel something.\n"
               "Text with an emotion flow plus speech -> 52 ARKit blendshapes at 30 fps."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "emosync 0.1.0");
  auto cmds = emosync::cli::commands();
  std::sort(cmds.begin(), cmds.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  for (const auto& c : cmds) {
    CLI::App* sub = app.add_subcommand(c.name, c.help);
    c.setup(*sub);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const emosync::Error& e) {
    std::cerr << "emosync: error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "emosync: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
