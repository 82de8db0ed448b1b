#pragma once
// Scenarios: the training data's source text (docs/scenarios.md). One JSON object
// per line: an id and 1+ turns, each spoken by SELF or OTHER with an emotion and an
// intensity (0..100) or an explicit VAD, optionally with recorded audio plus an
// alignment or a Live Link Face capture (a "real" turn).
#include <optional>
#include <string>
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

  bool is_real() const { return !audio.empty(); }
  // The VAD this turn conditions on: explicit, else the anchor at its intensity.
  emotion::Vad resolved_vad(const emotion::Anchors& anchors = emotion::Anchors::standard()) const;
};

struct Scenario {
  std::string id;
  std::vector<Turn> turns;
  std::size_t line = 0;  // 1-based line in its file
};

// Parses one line; throws emosync::Error "FILE:LINE: field: problem".
Scenario parse_scenario(const std::string& json_line, const std::string& file, std::size_t line_no);
std::string to_json_line(const Scenario& s);

struct LoadReport {
  std::vector<Scenario> scenarios;
  std::vector<std::string> errors;  // one per bad line, "FILE:LINE: field: problem"
  std::size_t lines = 0;
};

// Reads a JSONL file. Bad lines are collected in `errors` (and skipped) unless
// `strict`, in which case the first one throws. Duplicate ids are errors.
LoadReport load_scenarios(const std::string& path, bool strict = false);

}  // namespace emosync::scenarios
