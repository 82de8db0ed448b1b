#pragma once
// Phonemes → visemes → ARKit targets. Three phone sets are mapped by data tables in
// data/viseme/: espeak-ng English mnemonics, ARPAbet (alignments, with stress
// digits) and flite's US English phones. Every symbol either maps to one of the 15
// Oculus/Meta visemes, is listed as a silent mark (stress, length), or is an error
// naming the symbol and the table.
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "arkit/blendshapes.h"

namespace emosync::viseme {

enum class Viseme { sil, PP, FF, TH, DD, kk, CH, SS, nn, RR, aa, E, I, O, U };
constexpr std::size_t kCount = 15;
const std::array<std::string_view, kCount>& names();
std::string_view to_string(Viseme v);
std::optional<Viseme> from_string(std::string_view name);
// Lips shut: p, b, m.
inline bool is_bilabial(Viseme v) { return v == Viseme::PP; }

enum class PhoneSet { Espeak, Arpabet, Flite };
const char* to_string(PhoneSet s);
// "espeak", "arpabet", "flite"; throws emosync::Error otherwise.
PhoneSet phone_set_from_string(const std::string& s);

class PhonemeMap {
 public:
  // The embedded table of a phone set (data/viseme/phonemes_<set>.json).
  static const PhonemeMap& standard(PhoneSet set);
  static PhonemeMap load(const std::string& path_or_key);

  // nullopt for silent marks (stress, length); throws emosync::Error naming the
  // symbol and the table for a symbol the table does not know.
  std::optional<Viseme> lookup(std::string_view symbol) const;
  // Like lookup, but also nullopt (instead of throwing) for unknown symbols.
  std::optional<Viseme> try_lookup(std::string_view symbol) const;
  bool knows(std::string_view symbol) const;
  const std::string& source() const { return source_; }
  std::vector<std::string> symbols() const;

 private:
  std::string normalise(std::string_view symbol) const;
  std::string source_;
  bool strip_stress_ = false;
  std::unordered_map<std::string, Viseme> map_;
  std::unordered_map<std::string, bool> ignore_;
};

// Articulators with their own dominance (Cohen & Massaro give each parameter its own).
enum class Articulator { Jaw = 0, Lips = 1, Rounding = 2, Tongue = 3 };
constexpr std::size_t kArticulators = 4;

struct Dominance {
  float alpha = 1.f;         // strength
  float theta_before = 20.f;  // 1/s, decay ahead of the segment (anticipation)
  float theta_after = 20.f;   // 1/s, decay behind it (carry-over)
};

struct EnergyShaping {
  float floor = 0.35f, gain = 0.85f, max = 1.3f;
};

// data/viseme/viseme_targets.json: per-viseme ARKit targets (LIPSYNC and SHARED
// channels only), articulator groups and dominance parameters.
class VisemeTargets {
 public:
  static const VisemeTargets& standard();
  static VisemeTargets load(const std::string& path_or_key);

  const std::array<float, arkit::kCount>& target(Viseme v) const { return targets_[static_cast<std::size_t>(v)]; }
  const Dominance& dominance(Viseme v, Articulator a) const {
    return dominance_[static_cast<std::size_t>(v)][static_cast<std::size_t>(a)];
  }
  // The articulator driving a channel, or nullopt for channels the teacher leaves at 0.
  std::optional<Articulator> articulator_of(std::size_t channel) const { return group_[channel]; }
  const EnergyShaping& energy() const { return energy_; }

 private:
  std::array<std::array<float, arkit::kCount>, kCount> targets_{};
  std::array<std::array<Dominance, kArticulators>, kCount> dominance_{};
  std::array<std::optional<Articulator>, arkit::kCount> group_{};
  EnergyShaping energy_;
};

}  // namespace emosync::viseme
