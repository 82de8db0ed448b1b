// emosync scenarios validate|show: check scenario JSONL files (docs/scenarios.md).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "cli/command.h"
#include "dataset/item.h"
#include "emotion/classes.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "io/printable.h"
#include "scenarios/goemotions.h"
#include "scenarios/scenario.h"

namespace {
using namespace emosync;

void setup(CLI::App& app) {
  app.require_subcommand(1);
  auto file = std::make_shared<std::string>();
  CLI::App* validate = app.add_subcommand(
      "validate",
      "Report every bad line (file:line and field); exit 1 if any. Checks what `dataset build` needs: ids of " +
          std::string(dataset::kIdRule) + " (at most " + std::to_string(dataset::kMaxIdLength) + "), at most " +
          std::to_string(scenarios::kMaxTurns) + " turns of at most " + std::to_string(scenarios::kMaxTextBytes) +
          " bytes of text each, and every recorded file a turn names readable");
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

  // Recorded speech (the seed mixes in real clips, MEAD): one single-turn scenario
  // per clip that has an alignment, with the emotion the recording carries.
  struct ImportOptions {
    std::string dir, out, emotion = "neutral";
    float intensity = 0;
    std::size_t holdout = 0;
  };
  auto imp = std::make_shared<ImportOptions>();
  CLI::App* rec = app.add_subcommand(
      "import-recorded", "Scenarios from recorded clips with alignments (DIR/wav/ID.wav, DIR/phones/ID.tsv)");
  rec->add_option("--dir", imp->dir, "folder with wav/, phones/, optional words/ and metadata.csv (LJ Speech layout)")
      ->required();
  rec->add_option("-o,--output", imp->out, "scenario JSONL to write")->required();
  rec->add_option("--emotion", imp->emotion, "emotion the recordings carry");
  rec->add_option("--intensity", imp->intensity, "its intensity 0-100");
  rec->add_option("--holdout", imp->holdout, "leave out the last N clips (sorted by id), e.g. for validation");
  rec->callback([imp] {
    namespace fs = std::filesystem;
    std::size_t cls = emotion::parse(imp->emotion);
    std::map<std::string, std::string> texts;
    std::ifstream meta(fs::path(imp->dir) / "metadata.csv");
    for (std::string line; std::getline(meta, line);) {
      auto a = line.find('|'), b = line.rfind('|');
      if (a != std::string::npos) texts[line.substr(0, a)] = line.substr(b + 1);
    }
    std::vector<std::string> ids;
    if (!fs::is_directory(fs::path(imp->dir) / "phones") || !fs::is_directory(fs::path(imp->dir) / "wav"))
      throw Error(imp->dir + ": expected the folders wav/ and phones/ (LJ Speech layout)");
    for (const auto& e : fs::directory_iterator(fs::path(imp->dir) / "phones"))
      if (e.path().extension() == ".tsv" && fs::exists(fs::path(imp->dir) / "wav" / (e.path().stem().string() + ".wav")))
        ids.push_back(e.path().stem().string());
    std::sort(ids.begin(), ids.end());
    for (const auto& id : ids)
      if (!dataset::is_safe_id("rec-" + id))
        throw Error((fs::path(imp->dir) / "phones" / (id + ".tsv")).string() + ": the clip's id 'rec-" + io::printable(id) +
                    "' would not be a valid scenario id (" + dataset::kIdRule + "): rename the clip");
    if (imp->holdout >= ids.size()) throw Error(imp->dir + ": --holdout leaves no clips");
    ids.resize(ids.size() - imp->holdout);
    fs::path out_dir = fs::absolute(imp->out).parent_path();
    auto rel = [&](const fs::path& p) { return fs::relative(fs::absolute(p), out_dir).string(); };
    std::string text;
    for (const auto& id : ids) {
      scenarios::Scenario s;
      s.id = "rec-" + id;
      scenarios::Turn t;
      t.text = texts.count(id) ? texts[id] : id;
      t.emotion = cls;
      t.intensity = imp->intensity;
      t.audio = rel(fs::path(imp->dir) / "wav" / (id + ".wav"));
      t.alignment = rel(fs::path(imp->dir) / "phones" / (id + ".tsv"));
      fs::path words = fs::path(imp->dir) / "words" / (id + ".tsv");
      if (fs::exists(words)) t.words = rel(words);
      s.turns.push_back(t);
      text += scenarios::to_json_line(s) + "\n";
    }
    io::write_file_atomic(imp->out, text);
    std::printf("%s: %zu recorded clips (%zu held out)\n", imp->out.c_str(), ids.size(), imp->holdout);
  });
}

const bool registered = cli::register_command({"scenarios", "Validate scenario files (training-data source text)", setup});
}  // namespace
