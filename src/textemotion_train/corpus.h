#pragma once
// Training and evaluation data for the text-emotion model (no libtorch here, so the
// evaluation test and the baseline build without it).
//  * GoEmotions rows mapped to the 16 classes through data/emotion/goemotions_map.tsv.
//    Multi-label rule: neutral is dropped when the row has any other label; of the classes
//    left, the one rarest in GoEmotions train (kMultiLabelPriority) wins, so minority
//    classes keep their few examples.
//  * EmoBank sentences with V, A, D mapped from 1..5 to [-1, 1] by (x - 3) / 2, split by
//    its own split column.
// Both are single texts without conversation, so their context is empty.
#include <array>
#include <string>
#include <vector>

namespace emosync::textemotion {

struct EmotionExample {
  std::string text;
  int label = 0;             // class index, ARCHITECTURE.md §2 order
  std::vector<int> classes;  // every class the row's labels map to (neutral only if alone), sorted
};

struct VadExample {
  std::string text;
  std::array<float, 3> vad{};
};

// Mean VAD anchor of a row's classes at full intensity (L5; neutral: the neutral point):
// the distant VAD target of a GoEmotions row.
std::array<float, 3> anchor_target(const std::vector<int>& classes);

// GoEmotions label name (emotions.txt) -> class index, from the map table (a repository
// path or key, "data/emotion/goemotions_map.tsv" by default). Errors name file:line.
std::vector<int> load_goemotions_map(const std::vector<std::string>& goemotions_labels,
                                     const std::string& map_key = "data/emotion/goemotions_map.tsv");

// Reads <dir>/emotions.txt and <dir>/<split>.tsv ("train" or "dev").
std::vector<EmotionExample> load_goemotions(const std::string& dir, const std::string& split);

// Reads <dir>/emobank.csv, rows whose split column equals `split` ("train", "dev", "test").
std::vector<VadExample> load_emobank(const std::string& dir, const std::string& split);

// Resolves the shared data folder: `given` if not empty, else $EMOSYNC_SHARED_DATA, else
// "../shared/data". Throws naming what it tried when the folder has no goemotions/.
std::string shared_data_dir(const std::string& given = "");

}  // namespace emosync::textemotion
