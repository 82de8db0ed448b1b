// emosync scenarios validate|show: check scenario JSONL files (docs/scenarios.md).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "align/align.h"
#include "audio/audio.h"
#include "cli/command.h"
#include "dataset/item.h"
#include "emotion/classes.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "io/printable.h"
#include "scenarios/goemotions.h"
#include "scenarios/scenario.h"
#include "scenarios/splits.h"

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
  // per clip, with the emotion the recording carries. A clip with a transcript but no
  // alignment is aligned (emosync align) into alignments/ beside the output.
  struct ImportOptions {
    std::string dir, out, emotion = "neutral", splits, split = "train";
    float intensity = 0;
    std::size_t holdout = 0;
    bool no_align = false;
    align::AlignConfig align;
  };
  auto imp = std::make_shared<ImportOptions>();
  CLI::App* rec = app.add_subcommand(
      "import-recorded",
      "Scenarios from recorded clips: with alignments (phones/ID.tsv), or with transcripts only, which are aligned");
  rec->add_option("--dir", imp->dir,
                  "folder with wav/ID.wav or audio/ID.{flac,wav}, optional phones/ and words/, and metadata.csv "
                  "(LJ Speech: id|text|normalised) or metadata.tsv (id speaker gender age text)")
      ->required();
  rec->add_option("-o,--output", imp->out, "scenario JSONL to write")->required();
  rec->add_option("--emotion", imp->emotion, "emotion the recordings carry");
  rec->add_option("--intensity", imp->intensity, "its intensity 0-100");
  rec->add_option("--holdout", imp->holdout, "leave out the last N clips (sorted by id), e.g. for validation");
  rec->add_option("--splits", imp->splits,
                  "splits.tsv (corpus, speaker, split; speaker * = the whole corpus): take only the clips of the "
                  "speakers assigned to --split; the corpus is the folder's name, the speaker metadata.tsv's column");
  rec->add_option("--split", imp->split, "the split to take with --splits")->check(CLI::IsMember({"train", "dev"}));
  rec->add_flag("--no-align", imp->no_align, "take only clips that come with phones/ID.tsv");
  rec->add_option("--align-model", imp->align.model_dir, "pocketsphinx acoustic model for clips without alignment")
      ->capture_default_str();
  rec->add_option("--align-dict", imp->align.dict, "its pronouncing dictionary")->capture_default_str();
  rec->footer(
      "Clips without phones/ID.tsv but with a transcript are aligned (at most 600 s and 4000 words a clip);\n"
      "their phones.tsv and words.tsv go to alignments/ID.*.tsv beside the output. A clip whose transcript\n"
      "does not match its audio is left out with a warning.");
  rec->callback([imp] {
    namespace fs = std::filesystem;
    const fs::path dir(imp->dir);
    std::size_t cls = emotion::parse(imp->emotion);
    std::map<std::string, std::string> texts;
    std::ifstream meta_csv(dir / "metadata.csv");
    for (std::string line; std::getline(meta_csv, line);) {
      auto a = line.find('|'), b = line.rfind('|');
      if (a != std::string::npos) texts[line.substr(0, a)] = line.substr(b + 1);
    }
    std::ifstream meta_tsv(dir / "metadata.tsv");
    for (std::string line; std::getline(meta_tsv, line);) {
      auto a = line.find('\t'), b = line.rfind('\t');
      if (a != std::string::npos && line.substr(0, a) != "id") texts[line.substr(0, a)] = line.substr(b + 1);
    }
    // id -> its audio: wav/ID.wav (LJ Speech) or audio/ID.flac|wav (../shared/data/speech).
    std::map<std::string, fs::path> audio;
    for (const char* sub : {"wav", "audio"}) {
      if (!fs::is_directory(dir / sub)) continue;
      for (const auto& e : fs::directory_iterator(dir / sub))
        if (e.path().extension() == ".wav" || e.path().extension() == ".flac") audio.emplace(e.path().stem().string(), e.path());
    }
    if (audio.empty()) throw Error(imp->dir + ": expected the audio in wav/ or audio/ (LJ Speech layout)");
    // Who spoke each clip: the corpus is the folder's name ("corpus/" names it too), the
    // speaker metadata.tsv's column (LJ Speech's metadata.csv has none: one reader).
    fs::path norm = fs::absolute(dir).lexically_normal();
    if (norm.filename().empty()) norm = norm.parent_path();
    const std::string corpus = norm.filename().string();
    std::map<std::string, std::string> speakers;
    if (fs::exists(dir / "metadata.tsv")) speakers = scenarios::read_speakers((dir / "metadata.tsv").string());
    std::string prefix = "rec-";
    if (!imp->splits.empty()) {
      // Every speaker must be placed, so nothing is trained on by omission (dev speakers
      // are for measuring only); ids carry the corpus so corpora can share a data set.
      if (!fs::exists(dir / "metadata.tsv"))
        throw Error((dir / "metadata.tsv").string() + ": missing; --splits needs each clip's speaker from it");
      const scenarios::Splits splits = scenarios::Splits::load(imp->splits);
      for (const auto& [id, speaker] : speakers) splits.split_of(corpus, speaker);
      for (auto it = audio.begin(); it != audio.end();) {
        auto sp = speakers.find(it->first);
        if (sp == speakers.end())
          throw Error((dir / "metadata.tsv").string() + ": clip '" + io::printable(it->first) +
                      "' has no row (its speaker decides its split)");
        if (splits.split_of(corpus, sp->second) != imp->split) it = audio.erase(it); else ++it;
      }
      if (audio.empty()) throw Error(imp->dir + ": no clip of a " + imp->split + " speaker in " + imp->splits);
      prefix += corpus + "-";
    }
    std::vector<std::string> ids;
    for (const auto& [id, path] : audio)
      if (fs::exists(dir / "phones" / (id + ".tsv")) || (!imp->no_align && texts.count(id))) ids.push_back(id);
    if (ids.empty()) throw Error(imp->dir + ": no clip has phones/ID.tsv or a transcript in metadata.csv/.tsv");
    for (const auto& id : ids)
      if (!dataset::is_safe_id(prefix + id))
        throw Error(audio[id].string() + ": the clip's id '" + prefix + io::printable(id) +
                    "' would not be a valid scenario id (" + dataset::kIdRule + "): rename the clip");
    if (imp->holdout >= ids.size()) throw Error(imp->dir + ": --holdout leaves no clips");
    ids.resize(ids.size() - imp->holdout);
    fs::path out_dir = fs::absolute(imp->out).parent_path();
    auto rel = [&](const fs::path& p) { return fs::relative(fs::absolute(p), out_dir).string(); };
    std::unique_ptr<align::Aligner> aligner;
    std::string text;
    std::size_t clips = 0, aligned = 0, unaligned = 0;
    std::set<std::string> voices;
    for (const auto& id : ids) {
      scenarios::Scenario s;
      s.id = prefix + id;
      scenarios::Turn t;
      t.text = texts.count(id) ? texts[id] : id;
      t.emotion = cls;
      t.intensity = imp->intensity;
      t.audio = rel(audio[id]);
      t.recorded_by = speakers.count(id) ? corpus + "/" + speakers[id] : corpus;
      fs::path phones = dir / "phones" / (id + ".tsv"), words = dir / "words" / (id + ".tsv");
      if (!fs::exists(phones)) {
        if (!aligner) aligner = std::make_unique<align::Aligner>(imp->align);
        phones = out_dir / "alignments" / (id + ".phones.tsv");
        words = out_dir / "alignments" / (id + ".words.tsv");
        try {
          align::Alignment a = aligner->align(audio::read_audio(audio[id].string(), align::kMaxAudioS), t.text);
          align::require_match(a, audio[id].string(), imp->align.min_confidence);
          io::write_file_atomic(phones.string(), a.phones_tsv());
          io::write_file_atomic(words.string(), a.words_tsv());
          ++aligned;
        } catch (const Error& e) {
          std::fprintf(stderr, "warning: %s: left out\n", e.what());
          ++unaligned;
          continue;
        }
      }
      t.alignment = rel(phones);
      if (fs::exists(words)) t.words = rel(words);
      voices.insert(t.recorded_by);
      s.turns.push_back(t);
      text += scenarios::to_json_line(s) + "\n";
      ++clips;
    }
    if (clips == 0) throw Error(imp->dir + ": no clip could be imported (every alignment failed)");
    io::write_file_atomic(imp->out, text);
    std::printf("%s: %zu recorded clips (%zu aligned here, %zu left out, %zu held out), %zu speaker(s)%s\n",
                imp->out.c_str(), clips, aligned, unaligned, imp->holdout, voices.size(),
                imp->splits.empty() ? "" : (" of split " + imp->split).c_str());
  });
}

const bool registered = cli::register_command({"scenarios", "Validate scenario files (training-data source text)", setup});
}  // namespace
