#pragma once
// VAD anchors: for each class its (valence, arousal, dominance) at intensity levels
// L1, L3, L5 (neutral: one point), from data/emotion/emotion_vad_anchors.json.
// The file is versioned and frozen (seed §7): training targets depend on it.
#include <array>
#include <string>
#include <vector>

#include "emotion/classes.h"

namespace emosync::emotion {

using Vad = std::array<float, 3>;

// Intensity levels; a tag intensity 0..100 maps to neutral(0) → L1(20) → L3(60) → L5(100).
enum class Level { L1 = 1, L3 = 3, L5 = 5 };
constexpr std::array<Level, 3> kLevels = {Level::L1, Level::L3, Level::L5};
constexpr float level_intensity(Level l) { return l == Level::L1 ? 20.f : l == Level::L3 ? 60.f : 100.f; }
std::string to_string(Level l);
Level parse_level(const std::string& s);  // "L1", "L3", "L5"

struct AnchorPair {
  std::size_t a, b;
  float distance;
};

struct AnchorCheck {
  std::vector<std::string> problems;      // empty when the file is valid
  std::vector<AnchorPair> closest_at_l5;  // all class pairs at L5, nearest first
};

class Anchors {
 public:
  static const Anchors& standard();  // the embedded (or EMOSYNC_DATA_DIR) anchor file
  static Anchors load(const std::string& path_or_key);

  const std::string& version() const { return version_; }
  const Vad& neutral() const { return neutral_; }
  // VAD at a level; for neutral every level is the neutral point.
  const Vad& at(std::size_t cls, Level level) const;
  // VAD for a tag intensity in [0, 100] (clamped), piecewise linear through the levels.
  Vad at_intensity(std::size_t cls, float intensity) const;
  const std::vector<std::string>& sources(std::size_t cls) const { return sources_[cls]; }

  // Validation rules: values in [-1, 1]; at L5 every pair of different classes at
  // least `min_l5_distance` apart; levels of a class ordered by distance from neutral.
  AnchorCheck check(float min_l5_distance = 0.30f) const;

 private:
  std::string version_;
  Vad neutral_{};
  std::array<std::array<Vad, 3>, kCount> levels_{};  // [class][L1, L3, L5]
  std::array<std::vector<std::string>, kCount> sources_;
};

}  // namespace emosync::emotion
