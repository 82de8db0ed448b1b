#pragma once
// How open the lips are, and when they count as shut.
//
// The lip gap g = max(0, jawOpen - mouthClose) is the opening between the lips: ARKit's
// mouthClose closes the lips against an open jaw, so a jaw at 0.4 with mouthClose 0.4 is
// a shut mouth. The lip measures of `emosync validate` (validate/lip_measures.h, issue 16)
// read the lips through it.
//
// lips_sealed() is the absolute test the bilabial-closure check of the teacher and the
// closure loss of the trainer share: it predates the gap and keeps its meaning.
#include <algorithm>
#include <cstddef>

#include "arkit/blendshapes.h"

namespace emosync::arkit {

inline float lip_gap(float jaw_open, float mouth_close) { return std::max(0.f, jaw_open - mouth_close); }

// mouthClose at least this high and jawOpen at most this low.
constexpr float kSealedMouthClose = 0.5f;
constexpr float kSealedJawOpen = 0.15f;

inline bool lips_sealed(float mouth_close, float jaw_open) {
  return mouth_close >= kSealedMouthClose && jaw_open <= kSealedJawOpen;
}

}  // namespace emosync::arkit
