#pragma once
// Builds training scenarios from GoEmotions (Demszky et al. 2020, Apache-2.0;
// ../shared/data/goemotions): comments are mapped to our 16 classes through
// data/emotion/goemotions_map.tsv, frequent classes are capped so every class is
// covered, intensities are spread over 15..100, and the turns are grouped into
// 2..6-turn exchanges alternating SELF / OTHER.
#include <map>
#include <string>
#include <vector>

#include "scenarios/scenario.h"

namespace emosync::scenarios {

struct GoEmotionsOptions {
  std::string data_dir;          // folder with train.tsv, dev.tsv
  std::size_t target_turns = 7200;
  std::size_t cap_per_class = 700;
  float vad_jitter = 0.05f;      // uniform ± on each VAD component
  unsigned seed = 1;
};

struct GoEmotionsBuild {
  std::vector<Scenario> scenarios;
  std::map<std::string, std::size_t> turns_per_class;
  std::size_t rows_read = 0, rows_ambiguous = 0, rows_unspeakable = 0;
};

// GoEmotions label index (emotions.txt order) → our class index, from the table.
std::vector<std::size_t> goemotions_label_map(const std::string& data_dir);
// Turns Reddit text into something a TTS can speak and our tag parser accepts:
// placeholders like [NAME] become words; returns "" when the text is unusable.
std::string speakable_text(const std::string& reddit_text);

GoEmotionsBuild build_goemotions_scenarios(const GoEmotionsOptions& opt);

}  // namespace emosync::scenarios
