#pragma once
// Expression presets: one ARKit-52 vector per (emotion class, intensity level), from
// data/presets/presets.json (ARCHITECTURE.md §2, §6). Loading validates every field:
// all 52 channels named exactly once with values in [0, 1], every (class, level) present
// once, and each preset's vad equal to the anchor of its class and level. Errors name the
// file, the preset and the field, e.g.
//   "presets.json: presets[12] (anger L3).weights.jawOpen: value 1.2 out of range [0, 1]".
#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "arkit/blendshapes.h"
#include "emotion/anchors.h"

namespace emosync::presets {

using Weights = std::array<float, arkit::kCount>;

struct Preset {
  std::size_t emotion = 0;
  emotion::Level level = emotion::Level::L3;  // not meaningful for neutral
  emotion::Vad vad{};
  Weights weights{};
  std::string label() const;  // "anger L3", "neutral"
};

class PresetTable {
 public:
  static constexpr const char* kDefaultKey = "data/presets/presets.json";
  // The embedded (or EMOSYNC_DATA_DIR) preset file, checked against the standard anchors.
  static const PresetTable& standard();
  // Loads and validates; throws emosync::Error on the first problem.
  static PresetTable load(const std::string& path_or_key,
                          const emotion::Anchors& anchors = emotion::Anchors::standard());
  // Every problem of a file (one line each, same wording as load's errors); empty when valid.
  static std::vector<std::string> validate(const std::string& path_or_key,
                                           const emotion::Anchors& anchors = emotion::Anchors::standard());

  const std::string& version() const { return version_; }
  const std::vector<Preset>& all() const { return presets_; }
  // The preset of a class at a level (neutral: its one preset at any level); throws if absent.
  const Preset& at(std::size_t cls, emotion::Level level) const;
  // All presets of one class, in file order.
  std::vector<const Preset*> of_class(std::size_t cls) const;

 private:
  static PresetTable parse(const std::string& path_or_key, const emotion::Anchors& anchors,
                           std::vector<std::string>* problems);
  std::string version_;
  std::vector<Preset> presets_;
};

// Largest allowed |preset vad - anchor| per component.
constexpr float kVadTolerance = 1e-3f;

}  // namespace emosync::presets
