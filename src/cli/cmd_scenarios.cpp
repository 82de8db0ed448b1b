// emosync scenarios validate|show: check scenario JSONL files (docs/scenarios.md).
#include <cstdio>
#include <map>

#include "cli/command.h"
#include "emotion/classes.h"
#include "io/error.h"
#include "scenarios/scenario.h"

namespace {
using namespace emosync;

void setup(CLI::App& app) {
  app.require_subcommand(1);
  auto file = std::make_shared<std::string>();
  CLI::App* validate = app.add_subcommand("validate", "Report every bad line (line number and field); exit 1 if any");
  validate->add_option("file", *file, "scenario JSONL file")->required();
  validate->callback([file] {
    scenarios::LoadReport r = scenarios::load_scenarios(*file);
    for (const auto& e : r.errors) std::fprintf(stderr, "%s\n", e.c_str());
    std::map<std::string, int> per_class;
    std::size_t turns = 0, real = 0;
    for (const auto& s : r.scenarios)
      for (const auto& t : s.turns) {
        ++turns;
        real += t.is_real();
        ++per_class[std::string(emotion::names()[t.emotion])];
      }
    std::printf("%s: %zu scenarios, %zu turns (%zu real), %zu bad lines\n", file->c_str(), r.scenarios.size(), turns,
                real, r.errors.size());
    for (const auto& [k, v] : per_class) std::printf("  %-14s %d\n", k.c_str(), v);
    if (!r.errors.empty()) throw Error(*file + ": " + std::to_string(r.errors.size()) + " bad line(s)");
  });
}

const bool registered = cli::register_command({"scenarios", "Validate scenario files (training-data source text)", setup});
}  // namespace
