#pragma once
// Scenarios: the training data's source text (docs/scenarios.md). One JSON object
// per line: an id and 1+ turns, each spoken by SELF or OTHER with an emotion and an
// intensity (0..100) or an explicit VAD, optionally with recorded audio plus an
// alignment or a Live Link Face capture (a "real" turn).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emotion/anchors.h"

namespace emosync::scenarios {

enum class Speaker { Self, Other };

struct Turn {
  Speaker speaker = Speaker::Self;
  std::string text;
  std::size_t emotion = 0;
  std::optional<float> intensity;      // 0..100
  std::optional<emotion::Vad> vad;     // explicit VAD overrides the anchors
  // Optional recorded material, resolved relative to the scenario file's folder.
  std::string audio, alignment, words, capture;
  // Who spoke a recorded turn, "CORPUS/SPEAKER" (or "CORPUS" for a one-reader corpus), so
  // a data set can tell its voices apart (train vs dev speakers, per-voice figures).
  std::string recorded_by;

  bool is_real() const { return !audio.empty(); }
  // The VAD this turn conditions on: explicit, else the anchor at its intensity.
  emotion::Vad resolved_vad(const emotion::Anchors& anchors = emotion::Anchors::standard()) const;
};

struct Scenario {
  std::string id;
  std::vector<Turn> turns;
  std::size_t line = 0;  // 1-based line in its file
};

// Limits of one scenario (a generated item holds every turn's speech in memory).
constexpr std::size_t kMaxTurns = 64;
constexpr std::size_t kMaxTextBytes = 2000;  // per turn

// Parses one line; throws emosync::Error "FILE:LINE: field: problem". The id must be
// a safe file-name component (dataset::is_safe_id). Touches no file: the recorded
// material a turn names is checked by load_scenarios.
Scenario parse_scenario(const std::string& json_line, const std::string& file, std::size_t line_no);
std::string to_json_line(const Scenario& s);

struct LoadReport {
  std::vector<Scenario> scenarios;
  std::vector<std::string> errors;  // one per bad line, "FILE:LINE: field: problem", in line order
  std::size_t lines = 0;
};

// Parses scenario JSONL from memory; `name` (a path or a label) starts every error and
// is the folder relative paths resolve against. Bad lines are collected in `errors`
// (and skipped) unless `strict`, in which case the first one throws. Duplicate ids
// are errors. Touches no file (the entry point of the scenario fuzz target).
LoadReport parse_scenarios(std::string_view text, const std::string& name, bool strict = false);

// Reads a JSONL file and parses it as parse_scenarios does, and also checks what a
// build will need from disk: every audio, alignment, words and capture file a turn
// names exists and is a readable regular file. A path that is not a readable regular
// file, or a file without a single scenario, throws.
LoadReport load_scenarios(const std::string& path, bool strict = false);

}  // namespace emosync::scenarios
