#include "post/blinks.h"

#include <algorithm>
#include <cmath>

namespace emosync::post {

std::uint64_t Rng::next() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double Rng::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

double Rng::uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

double Rng::normal() {
  constexpr double kTwoPi = 6.283185307179586;
  const double u1 = 1.0 - uniform();  // (0, 1]: log is finite
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
}

namespace {
// s(x) = 3x^2 - 2x^3: eyelids accelerate and brake rather than move linearly.
float ease(double x) {
  x = std::clamp(x, 0.0, 1.0);
  return static_cast<float>(x * x * (3 - 2 * x));
}
}  // namespace

Blinks::Blinks(std::uint32_t seed, double fps, const BlinkOptions& options)
    : rng_(0x656D6F73796E63ull ^ seed), fps_(fps), opt_(options) {
  // The first blink comes after a random share of one interval, not at a fixed time,
  // so different seeds do not all blink together at the start.
  schedule_after(0);
  start_ = static_cast<std::size_t>(std::llround(rng_.uniform() * static_cast<double>(start_)));
}

Blinks::Shape Blinks::draw_shape() {
  auto frames = [&](double lo_ms, double hi_ms) {
    return static_cast<int>(std::lround(rng_.uniform(lo_ms, hi_ms) * fps_ / 1000.0));
  };
  Shape s;
  s.close = std::max(1, frames(opt_.close_ms_min, opt_.close_ms_max));
  s.hold = frames(opt_.hold_ms_min, opt_.hold_ms_max);
  // Opening is slower than closing (Sforza 2008), also after rounding to frames.
  s.open = std::max(s.close + 1, frames(opt_.open_ms_min, opt_.open_ms_max));
  s.depth = rng_.uniform() < opt_.full_fraction
                ? 1.0f
                : static_cast<float>(rng_.uniform(opt_.partial_min, opt_.partial_max));
  return s;
}

void Blinks::schedule_after(std::size_t frame) {
  const double sigma = opt_.interval_sigma;
  // Log-normal with the requested mean: mean = exp(mu + sigma^2 / 2).
  const double mu = std::log(opt_.mean_interval_s) - 0.5 * sigma * sigma;
  const double interval = std::max(opt_.min_interval_s, std::exp(mu + sigma * rng_.normal()));
  start_ = frame + static_cast<std::size_t>(std::llround(interval * fps_));
  shape_ = draw_shape();
  second_pending_ = rng_.uniform() < opt_.double_fraction;
}

float Blinks::next() {
  const std::size_t f = frame_++;
  if (f < start_) return 0.0f;
  const std::size_t k = f - start_;
  if (k == 0) ++started_;
  const auto close = static_cast<std::size_t>(shape_.close), hold = static_cast<std::size_t>(shape_.hold),
             open = static_cast<std::size_t>(shape_.open);
  if (k <= close) return shape_.depth * ease(static_cast<double>(k) / static_cast<double>(close));
  if (k <= close + hold) return shape_.depth;
  if (k < close + hold + open) {
    return shape_.depth * (1.0f - ease(static_cast<double>(k - close - hold) / static_cast<double>(open)));
  }
  // This blink is over (the lid is open on this frame).
  if (second_pending_) {
    // The second half of a double blink starts on the next frame, with its own shape.
    start_ = f + 1;
    shape_ = draw_shape();
    second_pending_ = false;
  } else {
    schedule_after(start_);
  }
  return 0.0f;
}

}  // namespace emosync::post
