#pragma once
// `emosync validate`: the seed's three validations (preset reproducibility, visual
// distinctness, end-to-end smoothness) plus lipsync accuracy on real speech, emotion
// robustness of the lips and loudness invariance, as one report with pass/fail rules
// (issue 10). The same report serves the shipped default and any model a user trains.
//
// Every rule is stated in `rules()` with its limit; report.json holds every figure and
// report.html the plots. Nothing here reads the training data: real-speech checks use the
// LJ Speech clips the training set held out (the last `holdout` clips by id, the same
// rule `emosync scenarios import-recorded --holdout` uses).
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
// with blinks off so the eyelid channels stay comparable.
using Animate = std::function<std::vector<float>(const std::vector<float>& pcm16k, const EmotionInput& emotion,
                                                 bool runtime)>;

struct Options {
  std::string data_dir;     // the shared data folder (holds speech/ljspeech); empty: no real-speech checks
  std::size_t holdout = 8;  // held-out clips at the end of the LJ Speech list
  std::string out_dir;      // report.json + report.html (+ SVGs); empty: write nothing
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
  std::string table() const;  // Markdown table of the rules
};

Report run(const Animate& animate, const Options& options);

}  // namespace emosync::validate
