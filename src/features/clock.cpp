#include "features/clock.h"

#include <cmath>
#include <string>

#include "io/error.h"

namespace emosync::features {
namespace {
void check_rate(int v, const char* what) {
  if (v <= 0) throw Error(std::string(what) + " must be positive, got " + std::to_string(v));
}
}  // namespace

std::size_t frames_for_samples(std::size_t n_samples, int sample_rate, int fps) {
  check_rate(sample_rate, "sample rate");
  check_rate(fps, "fps");
  const std::uint64_t num = static_cast<std::uint64_t>(n_samples) * static_cast<std::uint64_t>(fps);
  const auto rate = static_cast<std::uint64_t>(sample_rate);
  return static_cast<std::size_t>((num + rate - 1) / rate);
}

std::size_t frames_for_duration(double seconds, int fps) {
  check_rate(fps, "fps");
  if (!(seconds > 0)) return 0;
  return static_cast<std::size_t>(std::ceil(seconds * fps - 1e-9));
}

double feature_frame_center_s(std::size_t i) {
  return static_cast<double>(i * kHopLength + kWindowLength / 2) / kSampleRate;
}

std::size_t feature_frame_for_model_frame(std::size_t j, int fps, std::size_t n_feature_frames) {
  check_rate(fps, "fps");
  if (n_feature_frames == 0) return 0;
  // Instant j/fps in samples is j*16000/fps; frame i's centre is 160 i + 200. Nearest i:
  // round((j*16000 - 200 fps) / (160 fps)), computed exactly in integers.
  const std::int64_t num =
      static_cast<std::int64_t>(j) * kSampleRate - static_cast<std::int64_t>(kWindowLength / 2) * fps;
  const std::int64_t den = static_cast<std::int64_t>(kHopLength) * fps;
  if (num <= 0) return 0;
  const auto i = static_cast<std::size_t>((2 * num + den) / (2 * den));
  return i < n_feature_frames ? i : n_feature_frames - 1;
}

std::vector<float> features_at_fps(const float* feats, std::size_t n_in, std::size_t dims, int fps,
                                   std::size_t n_out) {
  check_rate(fps, "fps");
  std::vector<float> out(n_out * dims, floor_value());
  if (n_in == 0) return out;
  for (std::size_t j = 0; j < n_out; ++j) {
    // Position of instant j/fps on the feature clock, in frames: (t*16000 - 200) / 160.
    const double pos = (static_cast<double>(j) * kSampleRate / fps - static_cast<double>(kWindowLength / 2)) /
                       static_cast<double>(kHopLength);
    float* o = out.data() + j * dims;
    if (pos <= 0) {
      std::copy(feats, feats + dims, o);
    } else if (pos >= static_cast<double>(n_in - 1)) {
      std::copy(feats + (n_in - 1) * dims, feats + n_in * dims, o);
    } else {
      const auto i = static_cast<std::size_t>(pos);
      const auto a = static_cast<float>(pos - static_cast<double>(i));
      const float* p = feats + i * dims;
      const float* q = p + dims;
      for (std::size_t d = 0; d < dims; ++d) o[d] = p[d] + a * (q[d] - p[d]);
    }
  }
  return out;
}

}  // namespace emosync::features
