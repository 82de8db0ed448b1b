#include "features/fft.h"

#include <cmath>
#include <string>

#include "io/error.h"

namespace emosync::features {

RealFft::RealFft(std::size_t n) : n_(n), half_(n / 2) {
  if (n < 4 || (n & (n - 1)) != 0)
    throw Error("RealFft: size must be a power of two >= 4, got " + std::to_string(n));
  const double pi = 3.14159265358979323846;
  bitrev_.resize(half_);
  std::size_t bits = 0;
  while ((std::size_t{1} << bits) < half_) ++bits;
  for (std::size_t i = 0; i < half_; ++i) {
    std::size_t r = 0;
    for (std::size_t b = 0; b < bits; ++b)
      if (i & (std::size_t{1} << b)) r |= std::size_t{1} << (bits - 1 - b);
    bitrev_[i] = r;
  }
  cos_.resize(half_ / 2);
  sin_.resize(half_ / 2);
  for (std::size_t j = 0; j < half_ / 2; ++j) {
    cos_[j] = static_cast<float>(std::cos(2 * pi * j / half_));
    sin_[j] = static_cast<float>(-std::sin(2 * pi * j / half_));
  }
  post_cos_.resize(half_ + 1);
  post_sin_.resize(half_ + 1);
  for (std::size_t k = 0; k <= half_; ++k) {
    post_cos_[k] = static_cast<float>(std::cos(2 * pi * k / n_));
    post_sin_[k] = static_cast<float>(-std::sin(2 * pi * k / n_));
  }
  zr_.resize(half_);
  zi_.resize(half_);
  re_.resize(half_ + 1);
  im_.resize(half_ + 1);
}

void RealFft::complex_half(const float* x) {
  float* zr = zr_.data();
  float* zi = zi_.data();
  for (std::size_t i = 0; i < half_; ++i) {
    std::size_t r = bitrev_[i];
    zr[r] = x[2 * i];
    zi[r] = x[2 * i + 1];
  }
  for (std::size_t len = 2; len <= half_; len <<= 1) {
    const std::size_t h = len / 2, step = half_ / len;
    for (std::size_t s = 0; s < half_; s += len) {
      for (std::size_t j = 0; j < h; ++j) {
        const float wr = cos_[j * step], wi = sin_[j * step];
        const std::size_t a = s + j, b = a + h;
        const float vr = zr[b] * wr - zi[b] * wi;
        const float vi = zr[b] * wi + zi[b] * wr;
        zr[b] = zr[a] - vr;
        zi[b] = zi[a] - vi;
        zr[a] += vr;
        zi[a] += vi;
      }
    }
  }
}

// With Z[k] the half-size transform of z[t] = x[2t] + i x[2t+1]:
//   E[k] = (Z[k] + conj Z[h-k]) / 2        (transform of the even samples)
//   O[k] = (Z[k] - conj Z[h-k]) / (2i)     (transform of the odd samples)
//   X[k] = E[k] + exp(-2 pi i k / n) O[k],  k = 0 .. h, with Z[h] = Z[0].
void RealFft::forward(const float* x, float* re, float* im) {
  complex_half(x);
  for (std::size_t k = 0; k <= half_; ++k) {
    const std::size_t a = k == half_ ? 0 : k, b = k == 0 ? 0 : half_ - k;
    const float ar = zr_[a], ai = zi_[a], br = zr_[b], bi = -zi_[b];  // b: conj Z[h-k]
    const float er = 0.5f * (ar + br), ei = 0.5f * (ai + bi);
    // (Z - conj Z') / (2i) = (di + (-dr) i) / 2 with d = Z - conj Z'
    const float orr = 0.5f * (ai - bi), oi = -0.5f * (ar - br);
    const float wr = post_cos_[k], wi = post_sin_[k];
    re[k] = er + orr * wr - oi * wi;
    im[k] = ei + orr * wi + oi * wr;
  }
}

void RealFft::power(const float* x, float* out) {
  forward(x, re_.data(), im_.data());
  for (std::size_t k = 0; k <= half_; ++k) out[k] = re_[k] * re_[k] + im_[k] * im_[k];
}

}  // namespace emosync::features
