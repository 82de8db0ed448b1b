#include "features/resample.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "features/stream_resampler.h"
#include "io/error.h"

using namespace emosync;
using namespace emosync::features;

namespace {
constexpr double kPi = 3.14159265358979323846;

std::vector<float> tone(double hz, int rate, double seconds, double amp) {
  std::vector<float> v(static_cast<std::size_t>(std::lround(seconds * rate)));
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i] = static_cast<float>(amp * std::sin(2 * kPi * hz * i / rate));
  return v;
}

// Worst difference from the ideal band-limited result (the same tone sampled at the
// output rate), ignoring the first and last 10 % where the zero-padded edges ring.
double worst_vs_ideal(const std::vector<float>& y, double hz, int rate, double amp) {
  double worst = 0;
  for (std::size_t i = y.size() / 10; i < y.size() - y.size() / 10; ++i)
    worst = std::max(worst, std::fabs(y[i] - amp * std::sin(2 * kPi * hz * i / rate)));
  return worst;
}

double rms_middle(const std::vector<float>& y) {
  double s = 0;
  std::size_t lo = y.size() / 10, hi = y.size() - y.size() / 10;
  for (std::size_t i = lo; i < hi; ++i) s += static_cast<double>(y[i]) * y[i];
  return std::sqrt(s / static_cast<double>(hi - lo));
}
}  // namespace

TEST(ResampleSinc, TonesInThePassbandComeOutAsTheIdealSignal) {
  for (int rate : {8000, 11025, 22050, 44100, 48000}) {
    for (double hz : {100.0, 1000.0, 3000.0}) {
      SCOPED_TRACE(::testing::Message() << rate << " Hz input, " << hz << " Hz tone");
      std::vector<float> x = tone(hz, rate, 0.5, 0.5);
      std::vector<float> y = resample_sinc(x, rate, 16000);
      EXPECT_EQ(y.size(), static_cast<std::size_t>(std::lround(x.size() * 16000.0 / rate)));
      // Timing (no delay), frequency and level at once: about -60 dB error or better.
      EXPECT_LT(worst_vs_ideal(y, hz, 16000, 0.5), 1e-3);
    }
  }
}

TEST(ResampleSinc, RemovesWhatTheOutputRateCannotHold) {
  // 7 kHz at 48 kHz is above 8 kHz's 4 kHz Nyquist: filtered out, not folded to 1 kHz.
  EXPECT_LT(rms_middle(resample_sinc(tone(7000, 48000, 0.5, 0.5), 48000, 8000)), 1e-4);
  // 7.9 kHz at 44.1 kHz -> 16 kHz: inside the transition band end, at least -40 dB.
  EXPECT_LT(rms_middle(resample_sinc(tone(7900, 44100, 0.5, 0.5), 44100, 16000)),
            0.5 / std::sqrt(2.0) * 0.01);
}

TEST(ResampleSinc, DcIsExactAndLengthsRound) {
  std::vector<float> dc(4410, 0.25f);
  std::vector<float> y = resample_sinc(dc, 44100, 16000);
  EXPECT_EQ(y.size(), 1600u);
  for (std::size_t i = 100; i < 1500; ++i) ASSERT_NEAR(y[i], 0.25f, 1e-6) << i;
  EXPECT_EQ(resample_sinc(std::vector<float>(1001, 0.f), 22050, 16000).size(), 726u);  // 726.3
  EXPECT_EQ(resample_sinc(std::vector<float>(3, 0.f), 8000, 16000).size(), 6u);
  EXPECT_TRUE(resample_sinc(std::vector<float>(), 48000, 16000).empty());
  std::vector<float> same = {0.1f, 0.2f};
  EXPECT_EQ(resample_sinc(same, 16000, 16000), same);
  EXPECT_THROW(resample_sinc(same, 0, 16000), Error);
}

TEST(ResampleSinc, UnusualRatePairsUseTheUntabledPath) {
  // 44101 and 16000 share no factor: 16000 phases, more than the table holds.
  std::vector<float> y = resample_sinc(tone(500, 44101, 0.5, 0.5), 44101, 16000);
  EXPECT_EQ(y.size(), 8000u);
  EXPECT_LT(worst_vs_ideal(y, 500, 16000, 0.5), 1e-3);
}

TEST(StreamResampler, SameOutputInAnyChunksAndEqualToResampleSinc) {
  std::vector<float> x(20000);
  std::mt19937 rng(5);
  std::normal_distribution<float> nd(0.0f, 0.3f);
  for (auto& v : x) v = nd(rng);
  for (int rate : {8000, 11025, 22050, 44100, 48000, 44101}) {
    const auto sinc = resample_sinc(x, rate, 16000);
    std::vector<float> ref;
    StreamResampler whole(rate, 16000);
    whole.push(x.data(), x.size(), ref);
    whole.finish(ref);
    EXPECT_EQ(ref, sinc) << rate;  // resample_sinc is this class over the whole buffer
    for (std::size_t chunk : {1, 7, 160, 4096}) {
      StreamResampler r(rate, 16000);
      std::vector<float> got;
      for (std::size_t i = 0; i < x.size(); i += chunk) r.push(x.data() + i, std::min(chunk, x.size() - i), got);
      r.finish(got);
      ASSERT_EQ(got.size(), ref.size()) << rate << " Hz, chunk " << chunk;
      EXPECT_EQ(got, ref) << rate << " Hz, chunk " << chunk;
    }
  }
}
