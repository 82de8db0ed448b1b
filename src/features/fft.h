#pragma once
// Real-input FFT for power-of-two sizes: an n-point real transform computed as one
// n/2-point complex radix-2 transform (iterative, decimation in time) plus the usual
// split step. Plain C++ with no intrinsics or libraries, so the same code builds for
// WebAssembly. Tables are computed in double once, at construction.
#include <cstddef>
#include <vector>

namespace emosync::features {

class RealFft {
 public:
  // n: a power of two, at least 4.
  explicit RealFft(std::size_t n);

  std::size_t size() const { return n_; }
  std::size_t bins() const { return n_ / 2 + 1; }

  // X[k] = sum_t x[t] exp(-2 pi i k t / n) for k = 0 .. n/2 (unnormalised).
  // x holds n samples; re and im receive bins() values each.
  void forward(const float* x, float* re, float* im);
  // |X[k]|^2 for k = 0 .. n/2 into power (bins() values).
  void power(const float* x, float* power);

 private:
  void complex_half(const float* x);  // leaves Z = FFT_{n/2}(x[2t] + i x[2t+1]) in zr_, zi_

  std::size_t n_, half_;
  std::vector<std::size_t> bitrev_;         // half_ entries
  std::vector<float> cos_, sin_;            // exp(-2 pi i j / half_), j < half_/2
  std::vector<float> post_cos_, post_sin_;  // exp(-2 pi i k / n), k <= half_
  std::vector<float> zr_, zi_, re_, im_;    // scratch: one transform at a time per object
};

}  // namespace emosync::features
