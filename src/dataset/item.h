#pragma once
// One training item: (features, conditioning, targets) plus metadata
// (ARCHITECTURE.md §5). features are log-mel at 100 frames/s; cond and targets are
// at the model fps (30) and cover the same time span.
#include <string>
#include <string_view>

#include "io/json_file.h"
#include "io/npy.h"

namespace emosync::dataset {

// An item id names its folder in the store, so it must be a safe file-name
// component: 1..kMaxIdLength bytes of letters, digits, '-', '_' and '.', not
// starting with '.' (no "..", no hidden or temporary names, no '/'). Scenario ids
// are item ids and follow the same rule.
constexpr std::size_t kMaxIdLength = 200;
constexpr const char* kIdRule = "1-200 letters, digits, '-', '_' or '.', not starting with '.'";
inline bool is_safe_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength || id[0] == '.') return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
          c == '.'))
      return false;
  return true;
}

struct Item {
  std::string id;
  io::NpyArray features;  // [T_f, n_mels]
  io::NpyArray cond;      // [T, 19]
  io::NpyArray targets;   // [T, 52]
  // Optional phones.npy [T]: the phone class (viseme/phone_class.h, 0 = silence) of the
  // phone each frame sits in, as float32, -1 where it trains no class. Only training
  // reads it (the auxiliary phone head): a speaker-independent label the lip channels can
  // lean on. Empty = absent (data sets built before it).
  io::NpyArray phones;
  io::Json meta;          // at least {"id", "source": "synthetic"|"real", "duration_s", "emotions": {class: frames}}
};

}  // namespace emosync::dataset
