// Running per-band mean normalisation (features/normalise.h): removes a channel offset,
// ignores silence, and gives the same numbers whatever the chunking.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "features/log_mel.h"
#include "features/normalise.h"

namespace emosync::features {
namespace {

constexpr int kMels = 80;

// Speech-like log-mel: a band profile plus frame-to-frame variation, well above the floor.
std::vector<float> speech(std::size_t frames, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> nd;
  std::vector<float> f(frames * kMels);
  for (std::size_t t = 0; t < frames; ++t)
    for (int b = 0; b < kMels; ++b) f[t * kMels + b] = 8.0f - 0.08f * b + 2.0f * std::sin(0.05f * t + b) + nd(rng);
  return f;
}

float max_abs_diff(const float* a, const float* b, std::size_t n) {
  float d = 0;
  for (std::size_t i = 0; i < n; ++i) d = std::max(d, std::abs(a[i] - b[i]));
  return d;
}

TEST(FeatureNorm, ConstantChannelOffsetIsGoneWithinThreeTimeConstants) {
  const float tau = 1.0f;
  const std::size_t frames = 600;  // 6 s
  const std::vector<float> prior(kMels, 5.0f);
  std::vector<float> clean = speech(frames, 1), coloured = clean;
  // A microphone/room: +3 nats in the low bands, -2 in the high ones.
  for (std::size_t t = 0; t < frames; ++t)
    for (int b = 0; b < kMels; ++b) coloured[t * kMels + b] += b < 40 ? 3.0f : -2.0f;
  RunningNorm a(prior, tau), b(prior, tau);
  a.apply(clean.data(), frames);
  b.apply(coloured.data(), frames);
  // At first the outputs differ by the offset; after 3 tau (300 frames) by < e^-3 of it.
  EXPECT_GT(max_abs_diff(&clean[0], &coloured[0], kMels), 2.0f);
  const std::size_t t3 = 300;
  const float late = max_abs_diff(&clean[t3 * kMels], &coloured[t3 * kMels], (frames - t3) * kMels);
  std::printf("offset 3 nats: residual after 3 tau %.3f nats\n", late);
  EXPECT_LT(late, 3.0f * std::exp(-3.0f) * 1.05f);
  EXPECT_LT(max_abs_diff(&clean[(frames - 1) * kMels], &coloured[(frames - 1) * kMels], kMels), 3.0f * std::exp(-6.0f) * 1.05f);
}

TEST(FeatureNorm, SilenceDoesNotMoveTheMean) {
  std::vector<float> prior(kMels);
  for (int b = 0; b < kMels; ++b) prior[b] = 6.0f - 0.05f * b;
  RunningNorm n(prior, 2.0f);
  std::vector<float> silence(500 * kMels, floor_value());
  // Also just below the speech margin (faint hiss over digital silence).
  for (std::size_t i = 0; i < 100 * kMels; ++i) silence[i] = floor_value() + kSpeechMarginNats - 0.01f;
  n.apply(silence.data(), 500);
  EXPECT_EQ(n.mean(), prior);
  EXPECT_FLOAT_EQ(silence[499 * kMels + 3], floor_value() - prior[3]);
  // One speech frame moves it.
  auto s = speech(1, 2);
  n.apply(s.data(), 1);
  EXPECT_NE(n.mean(), prior);
  n.reset();
  EXPECT_EQ(n.mean(), prior);
}

TEST(FeatureNorm, AnyChunkingGivesTheSameNumbersBitForBit) {
  const std::size_t frames = 523;
  std::vector<float> x = speech(frames, 3);
  for (std::size_t t = 200; t < 260; ++t)  // a pause in the middle
    for (int b = 0; b < kMels; ++b) x[t * kMels + b] = floor_value();
  const std::vector<float> prior(kMels, 4.0f);
  std::vector<float> whole = x;
  RunningNorm(prior, 2.5f).apply(whole.data(), frames);
  for (std::size_t chunk : {1u, 7u, 100u}) {
    std::vector<float> part = x;
    RunningNorm n(prior, 2.5f);
    for (std::size_t t = 0; t < frames; t += chunk) n.apply(&part[t * kMels], std::min(chunk, frames - t));
    EXPECT_EQ(part, whole) << "chunks of " << chunk;
  }
}

TEST(FeatureNorm, SpeechMeanSkipsSilenceAndRefusesNothingToAverage) {
  SpeechMean m(kMels);
  std::vector<float> silence(50 * kMels, floor_value());
  m.add(silence.data(), 50);
  EXPECT_EQ(m.frames(), 0u);
  EXPECT_TRUE(m.mean().empty());
  std::vector<float> a(2 * kMels, 1.0f), b(kMels, 4.0f);
  m.add(a.data(), 2);
  m.add(b.data(), 1);
  EXPECT_EQ(m.frames(), 3u);
  ASSERT_EQ(m.mean().size(), static_cast<std::size_t>(kMels));
  EXPECT_FLOAT_EQ(m.mean()[17], 2.0f);
}

TEST(FeatureNorm, BadParametersAreErrors) {
  EXPECT_THROW(RunningNorm({}, 1.0f), std::exception);
  EXPECT_THROW(RunningNorm(std::vector<float>(kMels, 0.0f), 0.0f), std::exception);
  EXPECT_THROW(RunningNorm(std::vector<float>(kMels, 0.0f), NAN), std::exception);
}

}  // namespace
}  // namespace emosync::features
