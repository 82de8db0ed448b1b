#pragma once
// Loudness normalisation of the 16 kHz input: a slow, causal level tracker, so that the
// same speech recorded 12 dB louder or quieter gives (nearly) the same features and lips.
// The model hears log-mel energies, where a gain is an offset on every band; the tracker
// removes it. Causal and sample-exact, it gives the same output offline and streaming.
//
//   - Audio is measured in 10 ms blocks (160 samples): level = dBFS of the mean square.
//   - A block is speech for the tracker when it is above floor_db and within
//     speech_range_db of the current estimate (so pauses and breaths do not pull it down).
//   - The estimate L is the running mean of those levels (in dB) over the first
//     window_blocks speech blocks, then an exponential mean with that time constant
//     (3 s of speech): it settles within the first few hundred ms of speech, then moves
//     slowly with the talker.
//   - Gain = target_db - L, clamped to +-max_gain_db; it is held from the block's start
//     and ramps linearly across each block to the new value (no steps, no clicks). Before
//     any speech the gain is 0 dB.
#include <cstddef>

namespace emosync::engine {

struct LoudnessOptions {
  double target_db = -24;       // speech level the model is fed (mean 10 ms block level)
  double floor_db = -60;        // quieter blocks are never speech
  double speech_range_db = 20;  // blocks this far below the estimate are pauses
  double window_blocks = 300;   // 3 s of speech
  double max_gain_db = 30;
};

class LoudnessNormalizer {
 public:
  explicit LoudnessNormalizer(const LoudnessOptions& options = {}) : opt_(options) {}
  // Scales samples in place (any chunk size).
  void process(float* samples, std::size_t n);
  double level_db() const { return level_db_; }
  double gain_db() const { return gain_db_; }
  void reset() { *this = LoudnessNormalizer(opt_); }

 private:
  LoudnessOptions opt_;
  double level_db_ = 0;
  double speech_blocks_ = 0;
  double gain_db_ = 0;      // at the end of the current block
  double gain_from_ = 1;    // linear gain at the start of the current block
  double gain_to_ = 1;      // linear gain at its end
  double energy_ = 0;       // of the raw samples in the current block
  std::size_t fill_ = 0;
};

}  // namespace emosync::engine
