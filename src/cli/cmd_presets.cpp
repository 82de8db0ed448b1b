// emosync presets list|show|validate: inspect and check the expression presets.
#include <cstdio>
#include <memory>

#include "arkit/blendshapes.h"
#include "cli/command.h"
#include "emotion/classes.h"
#include "io/error.h"
#include "presets/presets.h"

namespace {
using namespace emosync;

void setup(CLI::App& app) {
  app.require_subcommand(1);
  auto file = std::make_shared<std::string>(presets::PresetTable::kDefaultKey);

  CLI::App* list = app.add_subcommand("list", "One line per preset: class, level, VAD and its strongest channels");
  list->add_option("--file", *file, "preset file (default: the embedded one)");
  list->callback([file] {
    presets::PresetTable t = presets::PresetTable::load(*file);
    std::printf("presets %s (version %s): %zu presets\n", file->c_str(), t.version().c_str(), t.all().size());
    for (const auto& p : t.all()) {
      std::vector<std::size_t> idx(arkit::kCount);
      for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
      std::partial_sort(idx.begin(), idx.begin() + 3, idx.end(),
                        [&](std::size_t a, std::size_t b) { return p.weights[a] > p.weights[b]; });
      std::printf("  %-18s V %+.2f A %+.2f D %+.2f ", p.label().c_str(), p.vad[0], p.vad[1], p.vad[2]);
      for (int k = 0; k < 3; ++k)
        if (p.weights[idx[k]] > 0)
          std::printf(" %s %.2f", std::string(arkit::names()[idx[k]]).c_str(), p.weights[idx[k]]);
      std::printf("\n");
    }
  });

  auto emo = std::make_shared<std::string>();
  auto level = std::make_shared<std::string>("L5");
  auto all = std::make_shared<bool>(false);
  CLI::App* show = app.add_subcommand("show", "Print one preset's 52 channels (non-zero ones unless --all)");
  show->add_option("emotion", *emo, "emotion class or alias")->required();
  show->add_option("--level", *level, "L1, L3 or L5")->capture_default_str();
  show->add_flag("--all", *all, "print zero channels too");
  show->add_option("--file", *file, "preset file (default: the embedded one)");
  show->callback([file, emo, level, all] {
    presets::PresetTable t = presets::PresetTable::load(*file);
    const presets::Preset& p = t.at(emotion::parse(*emo), emotion::parse_level(*level));
    std::printf("%s  vad (%+.3f, %+.3f, %+.3f)\n", p.label().c_str(), p.vad[0], p.vad[1], p.vad[2]);
    for (std::size_t c = 0; c < arkit::kCount; ++c)
      if (*all || p.weights[c] != 0.f)
        std::printf("  %-20s %.3f\n", std::string(arkit::names()[c]).c_str(), p.weights[c]);
  });

  CLI::App* validate = app.add_subcommand("validate", "Check a preset file; print every problem with preset and field");
  validate->add_option("--file", *file, "preset file (default: the embedded one)");
  validate->callback([file] {
    auto problems = presets::PresetTable::validate(*file);
    for (const auto& m : problems) std::fprintf(stderr, "problem: %s\n", m.c_str());
    if (!problems.empty()) throw Error(*file + ": " + std::to_string(problems.size()) + " problem(s)");
    std::printf("%s: ok (%zu presets)\n", file->c_str(), presets::PresetTable::load(*file).all().size());
  });
}

const bool registered = cli::register_command({"presets", "List, show and validate the expression presets", setup});
}  // namespace
