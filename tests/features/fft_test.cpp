#include "features/fft.h"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <random>
#include <vector>

#include "io/error.h"

using namespace emosync;

namespace {
std::vector<std::complex<double>> naive_dft(const std::vector<float>& x) {
  const std::size_t n = x.size();
  std::vector<std::complex<double>> X(n / 2 + 1);
  for (std::size_t k = 0; k <= n / 2; ++k) {
    std::complex<double> s = 0;
    for (std::size_t t = 0; t < n; ++t) {
      double a = -2 * 3.14159265358979323846 * static_cast<double>((k * t) % n) / static_cast<double>(n);
      s += static_cast<double>(x[t]) * std::complex<double>(std::cos(a), std::sin(a));
    }
    X[k] = s;
  }
  return X;
}
}  // namespace

TEST(RealFft, MatchesNaiveDftForEverySize) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  for (std::size_t n : {4u, 8u, 16u, 64u, 256u, 512u, 1024u}) {
    SCOPED_TRACE(n);
    std::vector<float> x(n);
    for (float& v : x) v = u(rng);
    features::RealFft fft(n);
    ASSERT_EQ(fft.bins(), n / 2 + 1);
    std::vector<float> re(fft.bins()), im(fft.bins()), pw(fft.bins());
    fft.forward(x.data(), re.data(), im.data());
    fft.power(x.data(), pw.data());
    auto ref = naive_dft(x);
    // Float32 rounding grows like sqrt(n) * log2(n) relative to the signal's energy.
    const double tol = 2e-6 * std::sqrt(static_cast<double>(n)) * std::log2(static_cast<double>(n));
    for (std::size_t k = 0; k < fft.bins(); ++k) {
      ASSERT_NEAR(re[k], ref[k].real(), tol) << "k=" << k;
      ASSERT_NEAR(im[k], ref[k].imag(), tol) << "k=" << k;
      ASSERT_NEAR(pw[k], std::norm(ref[k]), tol * (2 * std::abs(ref[k]) + tol)) << "k=" << k;
    }
  }
}

TEST(RealFft, ImpulseAndCosineHaveKnownSpectra) {
  const std::size_t n = 512;
  features::RealFft fft(n);
  std::vector<float> x(n, 0.f), re(fft.bins()), im(fft.bins());
  x[0] = 1.f;  // impulse: flat spectrum of ones
  fft.forward(x.data(), re.data(), im.data());
  for (std::size_t k = 0; k < fft.bins(); ++k) {
    EXPECT_FLOAT_EQ(re[k], 1.f);
    EXPECT_NEAR(im[k], 0.f, 1e-7);
  }
  // cos(2 pi 37 t / n): n/2 at bin 37, zero elsewhere (also DC and Nyquist bins).
  for (std::size_t t = 0; t < n; ++t)
    x[t] = static_cast<float>(std::cos(2 * 3.14159265358979323846 * 37 * t / n));
  fft.forward(x.data(), re.data(), im.data());
  for (std::size_t k = 0; k < fft.bins(); ++k) {
    EXPECT_NEAR(re[k], k == 37 ? n / 2.0 : 0.0, 2e-4) << k;
    EXPECT_NEAR(im[k], 0.0, 2e-4) << k;
  }
}

TEST(RealFft, RejectsSizesThatAreNotPowersOfTwo) {
  EXPECT_THROW(features::RealFft(400), Error);
  EXPECT_THROW(features::RealFft(2), Error);
  EXPECT_THROW(features::RealFft(0), Error);
}
