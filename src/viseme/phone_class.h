#pragma once
// Phone classes: the label vocabulary of the trainer's auxiliary phone head. Silence plus
// the 39 ARPAbet phones of CMUdict (stress digits stripped), one fixed order. Every phone
// set's symbols map to a class through data/viseme/phone_classes.json. Phones, not
// visemes: a class that separates UW from OW from AO gives the encoder a speaker-
// independent reason to encode rounding, which MSE against one teacher's targets
// regresses to its mean across voices.
#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include "viseme/viseme.h"

namespace emosync::viseme {

constexpr std::size_t kPhoneClassCount = 40;
// "sil", "AA", "AE", ... "ZH": index 0 is silence, the rest alphabetical.
const std::array<std::string_view, kPhoneClassCount>& phone_class_names();
// -1 for a name that is not a class.
int phone_class_index(std::string_view name);
// A per-frame label as stored in phones.npy: a class index, or -1 (no class).
inline bool is_phone_label(float v) {
  return v >= -1.f && v < static_cast<float>(kPhoneClassCount) && v == std::floor(v);
}

class PhoneClasses {
 public:
  static const PhoneClasses& standard();  // data/viseme/phone_classes.json
  static PhoneClasses load(const std::string& path_or_key);  // errors name the table and field

  // The class of a phone symbol in `set` (0 = silence), or -1 where the symbol trains no
  // class: a mark that never sounds, spoken noise or breath, or a symbol the table does
  // not know (a new TTS symbol must not stop a data set build).
  int label(PhoneSet set, std::string_view symbol) const;
  // Whether the table lists the symbol (as a class or under "ignore").
  bool knows(PhoneSet set, std::string_view symbol) const;

 private:
  struct Set {
    bool strip_stress = false;
    std::unordered_map<std::string, int> map;  // symbol -> class, -1 for ignored
  };
  const Set& set(PhoneSet s) const { return sets_[static_cast<std::size_t>(s)]; }
  std::array<Set, 3> sets_;  // indexed by PhoneSet
};

}  // namespace emosync::viseme
