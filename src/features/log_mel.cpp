#include "features/log_mel.h"

#include <algorithm>
#include <cmath>

namespace emosync::features {
namespace {
constexpr double kPi = 3.14159265358979323846;
// Slaney's scale: linear up to 1 kHz, logarithmic above.
constexpr double kLinearHzPerMel = 200.0 / 3.0;
constexpr double kBreakHz = 1000.0;
constexpr double kBreakMel = kBreakHz / kLinearHzPerMel;  // 15

std::vector<MelFilter> make_filters() {
  const double lo = hz_to_mel(kMelLowHz), hi = hz_to_mel(kMelHighHz);
  std::vector<double> edge(kMelBands + 2);
  for (std::size_t j = 0; j < edge.size(); ++j)
    edge[j] = mel_to_hz(lo + (hi - lo) * static_cast<double>(j) / static_cast<double>(kMelBands + 1));
  std::vector<MelFilter> filters(kMelBands);
  for (std::size_t m = 0; m < kMelBands; ++m) {
    MelFilter& f = filters[m];
    f.low_hz = edge[m];
    f.center_hz = edge[m + 1];
    f.high_hz = edge[m + 2];
    const double norm = 2.0 / (f.high_hz - f.low_hz);
    std::vector<float> w(kNumBins, 0.f);
    std::size_t first = kNumBins, last = 0;
    for (std::size_t k = 0; k < kNumBins; ++k) {
      const double hz = static_cast<double>(k) * kSampleRate / kFftSize;
      const double rise = (hz - f.low_hz) / (f.center_hz - f.low_hz);
      const double fall = (f.high_hz - hz) / (f.high_hz - f.center_hz);
      const double v = std::max(0.0, std::min(rise, fall)) * norm;
      if (v > 0) {
        w[k] = static_cast<float>(v);
        first = std::min(first, k);
        last = k;
      }
    }
    if (first == kNumBins) first = last = 0;  // cannot happen with these constants (tested)
    f.first_bin = first;
    f.weights.assign(w.begin() + static_cast<std::ptrdiff_t>(first),
                     w.begin() + static_cast<std::ptrdiff_t>(last) + 1);
  }
  return filters;
}
}  // namespace

double hz_to_mel(double hz) {
  return hz < kBreakHz ? hz / kLinearHzPerMel : kBreakMel + std::log(hz / kBreakHz) / (std::log(6.4) / 27.0);
}

double mel_to_hz(double mel) {
  return mel < kBreakMel ? mel * kLinearHzPerMel
                         : kBreakHz * std::exp((std::log(6.4) / 27.0) * (mel - kBreakMel));
}

float floor_value() {
  static const float v = std::log(kPowerFloor);
  return v;
}

const std::vector<MelFilter>& mel_filters() {
  static const std::vector<MelFilter> filters = make_filters();
  return filters;
}

LogMel::LogMel() : fft_(kFftSize), window_(kWindowLength), frame_(kFftSize, 0.f), power_(kNumBins) {
  for (std::size_t t = 0; t < kWindowLength; ++t)
    window_[t] = static_cast<float>(0.5 - 0.5 * std::cos(2 * kPi * static_cast<double>(t) / kWindowLength));
}

void LogMel::compute_frame(const float* samples, float* out) {
  for (std::size_t t = 0; t < kWindowLength; ++t) frame_[t] = samples[t] * window_[t];
  fft_.power(frame_.data(), power_.data());
  const std::vector<MelFilter>& filters = mel_filters();
  for (std::size_t m = 0; m < kMelBands; ++m) {
    const MelFilter& f = filters[m];
    const float* p = power_.data() + f.first_bin;
    float e = 0.f;
    for (std::size_t k = 0; k < f.weights.size(); ++k) e += f.weights[k] * p[k];
    out[m] = std::log(std::max(e, kPowerFloor));
  }
}

std::vector<float> LogMel::compute(const float* samples, std::size_t n) {
  const std::size_t frames = num_frames(n);
  std::vector<float> out(frames * kMelBands);
  for (std::size_t i = 0; i < frames; ++i)
    compute_frame(samples + i * kHopLength, out.data() + i * kMelBands);
  return out;
}

std::vector<float> log_mel(const std::vector<float>& samples_16k) {
  LogMel mel;
  return mel.compute(samples_16k);
}

void StreamingLogMel::push(const float* samples, std::size_t n) {
  // Drop what no future frame needs before growing the buffer.
  const std::size_t keep_from = std::min(pulled_ * kHopLength, pushed_);
  if (keep_from > buffer_start_) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(keep_from - buffer_start_));
    buffer_start_ = keep_from;
  }
  buffer_.insert(buffer_.end(), samples, samples + n);
  pushed_ += n;
}

bool StreamingLogMel::pull(float* out) {
  if (ready() == 0) return false;
  const std::size_t start = pulled_ * kHopLength;
  mel_.compute_frame(buffer_.data() + (start - buffer_start_), out);
  ++pulled_;
  return true;
}

std::size_t StreamingLogMel::pull_all(std::vector<float>& out) {
  const std::size_t n = ready();
  const std::size_t at = out.size();
  out.resize(at + n * kMelBands);
  for (std::size_t i = 0; i < n; ++i) pull(out.data() + at + i * kMelBands);
  return n;
}

void StreamingLogMel::reset() {
  buffer_.clear();
  buffer_start_ = pushed_ = pulled_ = 0;
}

}  // namespace emosync::features
