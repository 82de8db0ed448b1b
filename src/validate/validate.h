#pragma once
// `emosync validate`: the seed's three validations (preset reproducibility, visual
// distinctness, end-to-end smoothness) plus how the lips follow real speech, emotion
// robustness of the lips and loudness invariance, as one report with pass/fail rules
// (issues 10 and 16). The same report serves the shipped default and any model a user trains.
//
// Every rule is stated in `run()` with its limit and description; report.json holds every
// figure and report.html the tables and plots. Nothing here reads the training data: the
// lips are measured (validate/lip_measures.h) on every dev speaker of speech/splits.tsv and
// on the LJ Speech clips the training set held out (the last `holdout` clips by id, the
// same rule `emosync scenarios import-recorded --holdout` uses), per corpus and pooled,
// beside the same figures for the loudness envelope and the alignment-driven teacher.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "emotion/conditioning.h"
#include "io/json_file.h"
#include "timeline/timeline.h"

namespace emosync::validate {

// The emotion of a run: a constant conditioning, or a tagged text placed at its words.
struct EmotionInput {
  emotion::Conditioning constant{};
  std::string tagged_text;                   // non-empty: a timeline instead of `constant`
  std::vector<timeline::WordTiming> words;   // the spoken words' timings
};

// Audio (16 kHz mono) + emotion -> frames x 52 at 30 fps. `runtime` false: the network
// alone. true: the runtime as users get it (loudness normalisation, fades, smoothing)
// with blinks off so the eyelid channels stay comparable. Called from two threads at once.
using Animate = std::function<std::vector<float>(const std::vector<float>& pcm16k, const EmotionInput& emotion,
                                                 bool runtime)>;

// The network alone on precomputed features: log-mel [T_f, 80] + conditioning [T, 19] ->
// [T, 52] (for held-out training-format items).
using Forward = std::function<std::vector<float>(const std::vector<float>& features, const std::vector<float>& cond,
                                                 std::size_t frames)>;

struct Options {
  // The shared data folder: speech/splits.tsv with its corpus folders, and speech/ljspeech.
  // Empty: the lips are measured on synthetic speech only.
  std::string data_dir;
  std::size_t holdout = 8;  // held-out clips at the end of the LJ Speech list
  std::string out_dir;      // report.json + report.html (+ SVGs); empty: write nothing
  // Training-format items (folders with features.npy, cond.npy, targets.npy) the model
  // never saw: per-channel-type MAE of the network against their targets. Empty: skipped.
  std::string heldout_dir;
  Forward forward;  // needed with heldout_dir
  std::string model_label = "model";
};

struct RuleResult {
  std::string id;           // e.g. "reproducibility.variance"
  std::string description;  // what is measured and the rule, in words
  double value = 0, limit = 0;
  bool at_most = true;      // pass when value <= limit (else value >= limit)
  bool pass = false;
};

struct Report {
  io::Json json;  // every figure
  std::vector<RuleResult> rules;
  bool pass() const;
  std::string table() const;          // Markdown table of the rules
  std::string lipsync_table() const;  // Markdown: the lip measures per corpus, model (envelope)
};

Report run(const Animate& animate, const Options& options);

// Per-channel-type MAE over every item under `dir` (recursively); Error when none.
io::Json heldout_mae(const Forward& forward, const std::string& dir);

}  // namespace emosync::validate
