// emosync anchors check|show: validate and inspect the VAD anchor file.
#include <cstdio>
#include <iostream>

#include "cli/command.h"
#include "emotion/anchors.h"
#include "io/error.h"

namespace {
using namespace emosync;

void setup(CLI::App& app) {
  app.require_subcommand(1);
  auto file = std::make_shared<std::string>("data/emotion/emotion_vad_anchors.json");
  auto pairs = std::make_shared<int>(8);
  CLI::App* check = app.add_subcommand("check", "Validate ranges, L5 separation and level order; print the closest pairs");
  check->add_option("--file", *file, "anchor file (default: the embedded one)");
  check->add_option("--pairs", *pairs, "how many closest pairs to print")->check(CLI::NonNegativeNumber);
  check->callback([file, pairs] {
    emotion::Anchors a = emotion::Anchors::load(*file);
    emotion::AnchorCheck r = a.check();
    std::printf("anchors %s (version %s)\nclosest class pairs at L5:\n", file->c_str(), a.version().c_str());
    for (int i = 0; i < *pairs && i < static_cast<int>(r.closest_at_l5.size()); ++i) {
      const auto& p = r.closest_at_l5[i];
      std::printf("  %-14s %-14s %.3f\n", std::string(emotion::names()[p.a]).c_str(),
                  std::string(emotion::names()[p.b]).c_str(), p.distance);
    }
    for (const auto& p : r.problems) std::fprintf(stderr, "problem: %s\n", p.c_str());
    if (!r.problems.empty()) throw Error(*file + ": " + std::to_string(r.problems.size()) + " problem(s)");
    std::printf("ok\n");
  });
  CLI::App* show = app.add_subcommand("show", "Print every class's VAD at L1, L3, L5 with its sources");
  show->add_option("--file", *file, "anchor file (default: the embedded one)");
  show->callback([file] {
    emotion::Anchors a = emotion::Anchors::load(*file);
    for (std::size_t c = 0; c < emotion::kCount; ++c) {
      std::printf("%s\n", std::string(emotion::names()[c]).c_str());
      for (auto l : emotion::kLevels) {
        const auto& v = a.at(c, l);
        std::printf("  %s  V %+.2f  A %+.2f  D %+.2f\n", emotion::to_string(l).c_str(), v[0], v[1], v[2]);
        if (c == emotion::kNeutral) break;
      }
      for (const auto& s : a.sources(c)) std::printf("  source: %s\n", s.c_str());
    }
  });
}

const bool registered = cli::register_command({"anchors", "Validate and inspect the emotion VAD anchors", setup});
}  // namespace
