#pragma once
// When the lips count as shut: the one definition shared by the bilabial-closure check
// (teacher, validation) and the closure loss the trainer uses to teach it.
#include <cstddef>

#include "arkit/blendshapes.h"

namespace emosync::arkit {

// mouthClose at least this high and jawOpen at most this low.
constexpr float kSealedMouthClose = 0.5f;
constexpr float kSealedJawOpen = 0.15f;

inline bool lips_sealed(float mouth_close, float jaw_open) {
  return mouth_close >= kSealedMouthClose && jaw_open <= kSealedJawOpen;
}

}  // namespace emosync::arkit
