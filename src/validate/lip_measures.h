#pragma once
// How well lips articulate, measured on an animation against the phones it speaks
// (definitions of issue 16, used by `emosync align`'s checks and, later, `emosync validate`):
//
//   lip gap g = max(0, jawOpen - mouthClose), per frame.
//   Sealed: a p/b/m of >= 40 ms has some frame, from its start to one frame past its
//     end, with g <= 0.25 x the clip's mean g over vowel frames.
//   Articulation AUC: each phone read as the mean g over its middle third; the AUC of
//     open vowels (AA AE AO AW AY) against p/b/m (1 = every open vowel opens wider than
//     every p/b/m).
#include <cstddef>
#include <vector>

#include "teacher/teacher.h"

namespace emosync::validate {

constexpr double kSealedMinS = 0.040;       // shorter p/b/m are not checked for sealing
constexpr double kSealedGapFraction = 0.25;  // of the clip's mean vowel-frame gap

// frames x 52 (canonical ARKit order) -> g per frame.
std::vector<float> lip_gap(const teacher::Animation& a);

struct LipScores {
  std::size_t bilabials = 0, sealed = 0;   // p/b/m of >= 40 ms, and those sealed
  std::vector<float> open_vowel_gaps;      // middle-third mean g of each open vowel
  std::vector<float> bilabial_gaps;        // ... of each p/b/m (any length)
  double sealed_rate() const { return bilabials ? double(sealed) / bilabials : 1.0; }
  double articulation_auc() const;
  // Pools another clip's phones into these (the sealing threshold stays per clip).
  void add(const LipScores& other);
};

// Phones are ARPAbet (stress digits allowed; sil/sp/spn and unknown labels are ignored).
LipScores lip_scores(const teacher::Animation& a, const teacher::PhoneTimeline& phones);

// P(x > y) + P(x == y) / 2 over all pairs (x from `positives`, y from `negatives`);
// 0.5 when either is empty.
double auc(std::vector<float> positives, std::vector<float> negatives);

}  // namespace emosync::validate
