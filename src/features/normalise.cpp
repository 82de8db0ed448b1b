#include "features/normalise.h"

#include <cmath>
#include <utility>

#include "features/log_mel.h"
#include "io/error.h"

namespace emosync::features {

bool is_speech_frame(const float* frame, int n_mels) {
  float sum = 0;
  for (int b = 0; b < n_mels; ++b) sum += frame[b];
  return sum / static_cast<float>(n_mels) > floor_value() + kSpeechMarginNats;
}

RunningNorm::RunningNorm(std::vector<float> prior, float tau_s) : prior_(std::move(prior)), mean_(prior_) {
  if (prior_.empty()) throw Error("feature normalisation: empty prior");
  if (!(tau_s > 0) || !std::isfinite(tau_s)) throw Error("feature normalisation: time constant must be > 0 s");
  alpha_ = static_cast<float>(1.0 - std::exp(-1.0 / (static_cast<double>(tau_s) * kFrameRate)));
}

void RunningNorm::apply(float* features, std::size_t frames) {
  const int m = n_mels();
  for (std::size_t t = 0; t < frames; ++t) {
    float* x = features + t * static_cast<std::size_t>(m);
    if (is_speech_frame(x, m))
      for (int b = 0; b < m; ++b) mean_[b] += alpha_ * (x[b] - mean_[b]);
    for (int b = 0; b < m; ++b) x[b] -= mean_[b];
  }
}

void SpeechMean::add(const float* features, std::size_t frames) {
  const int m = static_cast<int>(sum_.size());
  for (std::size_t t = 0; t < frames; ++t) {
    const float* x = features + t * sum_.size();
    if (!is_speech_frame(x, m)) continue;
    for (int b = 0; b < m; ++b) sum_[b] += x[b];
    ++count_;
  }
}

std::vector<float> SpeechMean::mean() const {
  if (count_ == 0) return {};
  std::vector<float> out(sum_.size());
  for (std::size_t b = 0; b < sum_.size(); ++b) out[b] = static_cast<float>(sum_[b] / static_cast<double>(count_));
  return out;
}

}  // namespace emosync::features
