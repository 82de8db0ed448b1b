#pragma once
// Running per-band mean normalisation of log-mel features (channel removal).
//
// Why: a microphone, a room or a codec multiplies the power in each mel band by a roughly
// constant factor, i.e. adds a constant per band to the log-mel. A model trained on a few
// clean voices reads that offset as articulation. Subtracting each band's running mean
// removes it, whatever the channel.
//
// Definition (one recursion, used by the trainer on whole items and by the runtime frame
// by frame, so offline == streaming bit for bit whatever the chunking):
//   state m[b], starting at `prior` (the mean over the training set's speech frames);
//   for each frame x (in order):
//     speech = mean_b x[b] > floor + kSpeechMarginNats
//     if speech: m[b] += alpha · (x[b] - m[b]),  alpha = 1 - exp(-1 / (tau_s · 100))
//     y[b] = x[b] - m[b]
// Only speech frames move the mean: silence sits at the log-mel floor (features/log_mel.h)
// and pauses would otherwise drag it down and make the next word look loud. The recursion is
// causal (frame t reads frames <= t), so it adds no latency. Offline uses the same recursion
// rather than a whole-utterance mean so that a model sees the same numbers in both modes.
//
// Changing kSpeechMarginNats or the update changes what every "running" model hears: that
// needs a new model format version, not a silent edit.
#include <cstddef>
#include <vector>

namespace emosync::features {

// ln power 10 nats (43 dB) above the 1e-10 floor, averaged over the bands: digital silence
// and padding stay below it, any audible frame of a normally levelled recording is above.
constexpr float kSpeechMarginNats = 10.0f;

// Whether a frame of n_mels log-mel values updates the running mean.
bool is_speech_frame(const float* frame, int n_mels);

class RunningNorm {
 public:
  // prior: n_mels values; tau_s > 0 (seconds of speech frames at 100 fps).
  RunningNorm(std::vector<float> prior, float tau_s);
  // Normalises `frames` row-major frames of n_mels in place, continuing the recursion.
  void apply(float* features, std::size_t frames);
  // Back to the prior (a new stream).
  void reset() { mean_ = prior_; }
  const std::vector<float>& mean() const { return mean_; }
  int n_mels() const { return static_cast<int>(prior_.size()); }

 private:
  std::vector<float> prior_, mean_;
  float alpha_;
};

// The prior: the mean of each band over the speech frames (is_speech_frame) of all items
// (each row-major [T, n_mels]), accumulated in double. Empty when no frame is speech.
class SpeechMean {
 public:
  explicit SpeechMean(int n_mels) : sum_(static_cast<std::size_t>(n_mels), 0.0) {}
  void add(const float* features, std::size_t frames);
  std::size_t frames() const { return count_; }
  std::vector<float> mean() const;

 private:
  std::vector<double> sum_;
  std::size_t count_ = 0;
};

}  // namespace emosync::features
