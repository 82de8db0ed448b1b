#pragma once
// How well lips articulate, measured on an animation against the phones it speaks
// (definitions of issue 16; `emosync validate` reports them, `emosync align`'s checks use
// them too):
//
//   lip gap g = max(0, jawOpen - mouthClose), per frame (arkit::lip_gap).
//   Sealed: a p/b/m of >= 40 ms has some frame, from its start to one frame past its
//     end, with g <= 0.25 x the clip's mean g over vowel frames.
//   Open: a vowel of >= 80 ms has some frame with g >= 0.5 x that mean (and g > 0: a
//     mouth that never opens fails here rather than passing on a zero threshold).
//   Articulation AUC: each phone read as the mean g over its middle third; the AUC of
//     open vowels (AA AE AO AW AY) against p/b/m (1 = every open vowel opens wider than
//     every p/b/m).
//   Rounding AUC: the same with mouthFunnel + mouthPucker, rounded (UW OW UH OY W)
//     against spread (IY IH EH AE EY).
//   Jitter: the share of g's spectral energy above 8 Hz (per clip, mean removed, at the
//     animation's rate), averaged over clips. A closure may take one frame; chatter may not.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "teacher/teacher.h"

namespace emosync::validate {

constexpr double kSealedMinS = 0.040;        // shorter p/b/m are not checked for sealing
constexpr double kSealedGapFraction = 0.25;  // of the clip's mean vowel-frame gap
constexpr double kOpenMinS = 0.080;          // shorter vowels are not checked for opening
constexpr double kOpenGapFraction = 0.5;     // of the clip's mean vowel-frame gap
constexpr double kJitterHz = 8.0;

// frames x 52 (canonical ARKit order) -> g per frame.
std::vector<float> lip_gap(const teacher::Animation& a);

// A checked p/b/m that did not seal, and how near it came.
struct Unsealed {
  std::string clip;  // left empty by lip_scores(); the caller names its clip
  std::string phone;
  double start_s = 0;
  float min_gap = 0, shut = 0;  // smallest g in its window, and the threshold it missed
};

struct LipScores {
  std::size_t clips = 0;
  std::size_t bilabials = 0, sealed = 0;  // p/b/m of >= 40 ms, and those sealed
  std::size_t vowels = 0, opened = 0;     // vowels of >= 80 ms, and those that open
  std::vector<float> open_vowel_gaps;     // middle-third mean g of each open vowel
  std::vector<float> bilabial_gaps;       // ... of each p/b/m (any length)
  std::vector<float> rounded, spread;     // middle-third mean funnel+pucker of each
  double jitter_sum = 0;                  // sum of the clips' jitter
  std::vector<Unsealed> unsealed;

  double sealed_rate() const { return bilabials ? double(sealed) / bilabials : 1.0; }
  double open_rate() const { return vowels ? double(opened) / vowels : 1.0; }
  double articulation_auc() const;
  double rounding_auc() const;
  double jitter() const { return clips ? jitter_sum / clips : 0.0; }
  // Pools another clip's phones into these (the sealing threshold stays per clip).
  void add(const LipScores& other);
};

// Phones are ARPAbet (stress digits allowed; sil/sp/spn and unknown labels are ignored).
LipScores lip_scores(const teacher::Animation& a, const teacher::PhoneTimeline& phones);

// Each clip's scores summed per corpus, and every clip under "pooled": all phones together,
// while each clip keeps the sealing and opening thresholds of its own vowels.
std::map<std::string, LipScores> by_corpus(const std::vector<std::string>& corpus_of_clip,
                                           const std::vector<LipScores>& clip_scores);

// P(x > y) + P(x == y) / 2 over all pairs (x from `positives`, y from `negatives`);
// 0.5 when either is empty.
double auc(std::vector<float> positives, std::vector<float> negatives);

// Share of the energy of x (mean removed) in DFT bins above `above_hz`, x sampled at
// `rate` Hz; 0 for a constant or empty x. Exact DFT, O(n^2): x is one utterance.
double high_frequency_share(const std::vector<float>& x, double rate, double above_hz = kJitterHz);

// The baseline any lip model must beat: the loudness envelope as the jaw. jawOpen = RMS
// of a 1/fps window centred on each frame / the clip's 95th percentile of that RMS (not
// clipped: every measure above is scale-free); every other channel 0.
teacher::Animation envelope_lips(const audio::Audio& speech, double fps, std::size_t frames);

}  // namespace emosync::validate
