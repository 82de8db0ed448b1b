#include "augment/spectral.h"

#include <algorithm>
#include <cmath>

#include "io/error.h"

namespace emosync::augment {

std::size_t next_pow2(std::size_t n) {
  std::size_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

void fft(Spectrum& a, bool inverse) {
  const std::size_t n = a.size();
  if (n == 0 || (n & (n - 1))) throw Error("fft: size " + std::to_string(n) + " is not a power of two");
  for (std::size_t i = 1, j = 0; i < n; ++i) {
    std::size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  for (std::size_t len = 2; len <= n; len <<= 1) {
    const double ang = (inverse ? 2 : -2) * M_PI / static_cast<double>(len);
    for (std::size_t j = 0; j < len / 2; ++j) {
      const std::complex<double> w = std::polar(1.0, ang * static_cast<double>(j));
      for (std::size_t i = j; i < n; i += len) {
        const std::complex<double> u = a[i], v = a[i + len / 2] * w;
        a[i] = u + v;
        a[i + len / 2] = u - v;
      }
    }
  }
  if (inverse)
    for (auto& v : a) v /= static_cast<double>(n);
}

std::vector<float> stft_process(const std::vector<float>& x, std::size_t n, std::size_t hop_in, std::size_t hop_out,
                                const std::function<void(Spectrum&, std::size_t)>& edit) {
  const std::size_t len_out = static_cast<std::size_t>(
      std::llround(static_cast<double>(x.size()) * static_cast<double>(hop_out) / static_cast<double>(hop_in)));
  std::vector<double> win(n), out(len_out + n), norm(len_out + n);
  for (std::size_t i = 0; i < n; ++i) win[i] = 0.5 - 0.5 * std::cos(2 * M_PI * static_cast<double>(i) / n);
  const long half = static_cast<long>(n / 2);
  const std::size_t frames = x.size() / hop_in + 2;
  Spectrum s(n);
  for (std::size_t m = 0; m < frames; ++m) {
    const long at = static_cast<long>(m * hop_in) - half;
    for (std::size_t i = 0; i < n; ++i) {
      const long t = at + static_cast<long>(i);
      s[i] = t >= 0 && t < static_cast<long>(x.size()) ? win[i] * x[static_cast<std::size_t>(t)] : 0.0;
    }
    fft(s, false);
    edit(s, m);
    fft(s, true);
    const long to = static_cast<long>(m * hop_out) - half;
    for (std::size_t i = 0; i < n; ++i) {
      const long t = to + static_cast<long>(i);
      if (t < 0 || t >= static_cast<long>(out.size())) continue;
      out[static_cast<std::size_t>(t)] += win[i] * s[i].real();
      norm[static_cast<std::size_t>(t)] += win[i] * win[i];
    }
  }
  std::vector<float> y(len_out);
  for (std::size_t t = 0; t < len_out; ++t) y[t] = static_cast<float>(norm[t] > 1e-3 ? out[t] / norm[t] : 0.0);
  return y;
}

std::vector<float> convolve(const std::vector<float>& x, const std::vector<float>& h) {
  if (h.empty() || x.empty()) return std::vector<float>(x.size(), 0.f);
  const std::size_t n = next_pow2(std::max<std::size_t>(4096, 2 * h.size()));
  const std::size_t block = n - h.size() + 1;
  Spectrum H(n), b(n);
  for (std::size_t i = 0; i < h.size(); ++i) H[i] = h[i];
  fft(H, false);
  std::vector<double> out(x.size(), 0.0);
  for (std::size_t at = 0; at < x.size(); at += block) {
    std::fill(b.begin(), b.end(), 0.0);
    for (std::size_t i = 0; i < block && at + i < x.size(); ++i) b[i] = x[at + i];
    fft(b, false);
    for (std::size_t k = 0; k < n; ++k) b[k] *= H[k];
    fft(b, true);
    for (std::size_t i = 0; i < n && at + i < x.size(); ++i) out[at + i] += b[i].real();
  }
  return std::vector<float>(out.begin(), out.end());
}

}  // namespace emosync::augment
