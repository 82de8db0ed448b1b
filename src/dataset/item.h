#pragma once
// One training item: (features, conditioning, targets) plus metadata
// (ARCHITECTURE.md §5). features are log-mel at 100 frames/s; cond and targets are
// at the model fps (30) and cover the same time span.
#include <string>

#include "io/json_file.h"
#include "io/npy.h"

namespace emosync::dataset {

struct Item {
  std::string id;
  io::NpyArray features;  // [T_f, n_mels]
  io::NpyArray cond;      // [T, 19]
  io::NpyArray targets;   // [T, 52]
  io::Json meta;          // at least {"id", "source": "synthetic"|"real", "duration_s", "emotions": {class: frames}}
};

}  // namespace emosync::dataset
