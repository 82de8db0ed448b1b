// emosync scenarios validate|show: check scenario JSONL files (docs/scenarios.md).
#include <cstdio>
#include <map>

#include "cli/command.h"
#include "emotion/classes.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "scenarios/goemotions.h"
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

  auto opt = std::make_shared<scenarios::GoEmotionsOptions>();
  opt->data_dir = "../shared/data/goemotions";
  auto out = std::make_shared<std::string>();
  CLI::App* ge = app.add_subcommand("build-goemotions", "Build 2-6-turn scenarios from GoEmotions (every class covered)");
  ge->add_option("--data", opt->data_dir, "GoEmotions folder (train.tsv, dev.tsv, emotions.txt)");
  ge->add_option("-o,--output", *out, "scenario JSONL to write")->required();
  ge->add_option("--turns", opt->target_turns, "number of turns");
  ge->add_option("--cap", opt->cap_per_class, "most turns taken from one class");
  ge->add_option("--seed", opt->seed, "random seed (the build is deterministic for a seed)");
  ge->callback([opt, out] {
    scenarios::GoEmotionsBuild b = scenarios::build_goemotions_scenarios(*opt);
    std::string text;
    for (const auto& s : b.scenarios) text += scenarios::to_json_line(s) + "\n";
    io::write_file_atomic(*out, text);
    std::size_t turns = 0;
    for (const auto& [k, v] : b.turns_per_class) turns += v;
    std::printf("%s: %zu scenarios, %zu turns (rows read %zu, ambiguous %zu, unspeakable %zu)\n", out->c_str(),
                b.scenarios.size(), turns, b.rows_read, b.rows_ambiguous, b.rows_unspeakable);
    for (const auto& [k, v] : b.turns_per_class) std::printf("  %-14s %zu\n", k.c_str(), v);
  });
}

const bool registered = cli::register_command({"scenarios", "Validate scenario files (training-data source text)", setup});
}  // namespace
