#include "features/resample.h"

#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>

#include "io/error.h"

namespace emosync::features {
namespace {
constexpr double kPi = 3.14159265358979323846;
constexpr double kRolloff = 0.91;
constexpr double kZeroCrossings = 32;
constexpr double kBeta = 8.6;
// Above this many phases the table would be large (odd rate pairs such as 44101 ->
// 16000): weights are then computed per output sample instead.
constexpr std::uint64_t kMaxTablePhases = 4096;

double bessel_i0(double x) {
  double sum = 1, term = 1;
  for (int k = 1; k < 64; ++k) {
    term *= (x / (2 * k)) * (x / (2 * k));
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return sum;
}

struct Kernel {
  double cutoff;      // cycles per input sample
  double half_width;  // in input samples
  int taps_each_side;
  double i0_beta;

  // Filter value at t input samples from the output instant.
  double at(double t) const {
    const double u = t / half_width;
    if (u <= -1 || u >= 1) return 0;
    const double x = 2 * cutoff * t;
    const double sinc = x == 0 ? 1 : std::sin(kPi * x) / (kPi * x);
    return 2 * cutoff * sinc * bessel_i0(kBeta * std::sqrt(1 - u * u)) / i0_beta;
  }

  // Weights for input samples i - taps_each_side + 1 .. i + taps_each_side, where the
  // output instant is i + frac; normalised to sum 1.
  void phase(double frac, float* w) const {
    const int count = 2 * taps_each_side;
    double sum = 0;
    std::vector<double> v(static_cast<std::size_t>(count));
    for (int k = 0; k < count; ++k) {
      const int j = k - taps_each_side + 1;  // input index relative to i
      v[static_cast<std::size_t>(k)] = at(frac - j);
      sum += v[static_cast<std::size_t>(k)];
    }
    for (int k = 0; k < count; ++k) w[k] = static_cast<float>(v[static_cast<std::size_t>(k)] / sum);
  }
};
}  // namespace

std::vector<float> resample_sinc(const float* x, std::size_t n, int from_rate, int to_rate) {
  if (from_rate <= 0 || to_rate <= 0)
    throw Error("resample_sinc: rates must be positive, got " + std::to_string(from_rate) + " -> " +
                std::to_string(to_rate));
  if (from_rate == to_rate) return std::vector<float>(x, x + n);
  const std::uint64_t g =
      std::gcd(static_cast<std::uint64_t>(from_rate), static_cast<std::uint64_t>(to_rate));
  const std::uint64_t up = static_cast<std::uint64_t>(to_rate) / g,
                      down = static_cast<std::uint64_t>(from_rate) / g;
  const std::size_t n_out =
      static_cast<std::size_t>((static_cast<std::uint64_t>(n) * static_cast<std::uint64_t>(to_rate) +
                                static_cast<std::uint64_t>(from_rate) / 2) /
                               static_cast<std::uint64_t>(from_rate));

  const double scale = std::min(1.0, static_cast<double>(to_rate) / from_rate);
  Kernel kernel;
  kernel.cutoff = 0.5 * scale * kRolloff;
  kernel.half_width = kZeroCrossings / scale;
  kernel.taps_each_side = static_cast<int>(std::ceil(kernel.half_width));
  kernel.i0_beta = bessel_i0(kBeta);
  const std::size_t count = static_cast<std::size_t>(2 * kernel.taps_each_side);

  const bool tabled = up <= kMaxTablePhases;
  std::vector<float> table;
  if (tabled) {
    table.resize(static_cast<std::size_t>(up) * count);
    for (std::uint64_t p = 0; p < up; ++p)
      kernel.phase(static_cast<double>(p) / static_cast<double>(up), table.data() + p * count);
  }
  std::vector<float> scratch(tabled ? 0 : count);

  std::vector<float> out(n_out);
  const auto ni = static_cast<std::int64_t>(n);
  for (std::size_t o = 0; o < n_out; ++o) {
    const std::uint64_t pos = static_cast<std::uint64_t>(o) * down;
    const auto i = static_cast<std::int64_t>(pos / up);
    const std::uint64_t p = pos % up;
    const float* w = table.data() + p * count;
    if (!tabled) {
      kernel.phase(static_cast<double>(p) / static_cast<double>(up), scratch.data());
      w = scratch.data();
    }
    const std::int64_t first = i - kernel.taps_each_side + 1;
    float acc = 0.f;
    if (first >= 0 && first + static_cast<std::int64_t>(count) <= ni) {
      const float* xs = x + first;
      for (std::size_t k = 0; k < count; ++k) acc += w[k] * xs[k];
    } else {
      for (std::size_t k = 0; k < count; ++k) {
        const std::int64_t idx = first + static_cast<std::int64_t>(k);
        if (idx >= 0 && idx < ni) acc += w[k] * x[idx];
      }
    }
    out[o] = acc;
  }
  return out;
}

}  // namespace emosync::features
