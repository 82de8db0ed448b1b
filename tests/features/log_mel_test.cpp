#include "features/log_mel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using namespace emosync;
using namespace emosync::features;

namespace {
constexpr double kPi = 3.14159265358979323846;

std::vector<float> tone(double hz, std::size_t n, double amp = 0.5) {
  std::vector<float> x(n);
  for (std::size_t i = 0; i < n; ++i)
    x[i] = static_cast<float>(amp * std::sin(2 * kPi * hz * i / kSampleRate));
  return x;
}

std::vector<float> noise(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g(0.f, 0.1f);
  std::vector<float> x(n);
  for (float& v : x) v = g(rng);
  return x;
}

std::size_t argmax(const float* v, std::size_t n) {
  return static_cast<std::size_t>(std::max_element(v, v + n) - v);
}
}  // namespace

TEST(LogMel, FrameCountsFollowTheStatedFormula) {
  EXPECT_EQ(num_frames(0), 0u);
  EXPECT_EQ(num_frames(399), 0u);
  EXPECT_EQ(num_frames(400), 1u);
  EXPECT_EQ(num_frames(559), 1u);
  EXPECT_EQ(num_frames(560), 2u);
  EXPECT_EQ(num_frames(16000), 98u);  // 1 s: 1 + (16000 - 400) / 160 = 98
  EXPECT_EQ(num_frames(16239), 99u);
  EXPECT_EQ(num_frames(16240), 100u);
  EXPECT_EQ(num_frames(160000), 998u);  // 10 s
  for (std::size_t n : {0u, 1u, 399u, 400u, 401u, 559u, 560u, 1000u, 16000u, 48123u}) {
    SCOPED_TRACE(n);
    std::vector<float> f = log_mel(std::vector<float>(n, 0.01f));
    EXPECT_EQ(f.size(), num_frames(n) * kMelBands);
  }
  EXPECT_EQ(kFrameRate, 100);
}

TEST(LogMel, SilenceGivesTheFloorExactly) {
  std::vector<float> f = log_mel(std::vector<float>(16000, 0.f));
  ASSERT_EQ(f.size(), 98 * kMelBands);
  EXPECT_FLOAT_EQ(floor_value(), std::log(1e-10f));
  EXPECT_NEAR(floor_value(), -23.0258509, 1e-5);
  for (float v : f) ASSERT_EQ(v, floor_value());
}

TEST(LogMel, MelScaleIsSlaneyAndEdgesSpan0To8k) {
  EXPECT_DOUBLE_EQ(hz_to_mel(1000), 15.0);
  EXPECT_DOUBLE_EQ(hz_to_mel(200.0 / 3.0), 1.0);
  EXPECT_NEAR(hz_to_mel(6400), 42.0, 1e-12);  // 27 mels per factor 6.4 above 1 kHz
  for (double hz : {0.0, 50.0, 999.0, 1000.0, 2500.0, 8000.0})
    EXPECT_NEAR(mel_to_hz(hz_to_mel(hz)), hz, 1e-9);
  const auto& f = mel_filters();
  ASSERT_EQ(f.size(), kMelBands);
  EXPECT_DOUBLE_EQ(f.front().low_hz, 0.0);
  EXPECT_NEAR(f.back().high_hz, 8000.0, 1e-9);
  for (std::size_t m = 0; m < kMelBands; ++m) {
    SCOPED_TRACE(m);
    EXPECT_FALSE(f[m].weights.empty());  // no dead band
    EXPECT_LT(f[m].low_hz, f[m].center_hz);
    EXPECT_LT(f[m].center_hz, f[m].high_hz);
    if (m > 0) {
      EXPECT_DOUBLE_EQ(f[m].low_hz, f[m - 1].center_hz);
      EXPECT_DOUBLE_EQ(f[m].center_hz, f[m - 1].high_hz);
    }
    // Slaney normalisation: the triangle's peak is 2 / (high - low) per Hz.
    float peak = *std::max_element(f[m].weights.begin(), f[m].weights.end());
    EXPECT_LE(peak, 2.0 / (f[m].high_hz - f[m].low_hz) * (1 + 1e-6));
  }
  // Band 0 by hand: the top is 15 + 27 ln(8) / ln(6.4) mels, split in 81 steps; below
  // 1 kHz a step of s mels is s * 200/3 Hz, so band 0 is the triangle 0 .. c .. 2c Hz with
  // c = step * 200/3 (37.24 Hz), height 2 / (2c). Bins 1 (31.25 Hz) and 2 (62.5 Hz) fall in it.
  const double c = (15 + 27 * std::log(8.0) / std::log(6.4)) / 81 * 200 / 3;
  EXPECT_NEAR(c, 37.24, 0.01);
  EXPECT_EQ(f[0].first_bin, 1u);
  ASSERT_EQ(f[0].weights.size(), 2u);
  EXPECT_NEAR(f[0].weights[0], 31.25 / c / c, 1e-7);
  EXPECT_NEAR(f[0].weights[1], (2 * c - 62.5) / c / c, 1e-7);
  // The last band falls to zero at 8000 Hz (bin 256): its last nonzero bin is 255.
  EXPECT_EQ(f[79].first_bin + f[79].weights.size() - 1, 255u);
}

TEST(LogMel, ToneLandsInTheBandThatContainsIt) {
  const auto& filt = mel_filters();
  for (double hz : {250.0, 1000.0, 2000.0, 4000.0, 6500.0}) {
    SCOPED_TRACE(hz);
    std::vector<float> f = log_mel(tone(hz, 8000));
    ASSERT_GT(f.size(), 0u);
    for (std::size_t i = 0; i < num_frames(8000); ++i) {
      std::size_t m = argmax(f.data() + i * kMelBands, kMelBands);
      // The peak band's triangle contains the tone, and its centre is the nearest or
      // second-nearest to it (two triangles overlap at every frequency).
      ASSERT_LE(filt[m].low_hz, hz);
      ASSERT_GE(filt[m].high_hz, hz);
    }
  }
  // 1 kHz: the peak is the band whose centre is nearest to 1000 Hz.
  std::vector<float> f = log_mel(tone(1000, 4000));
  std::size_t m = argmax(f.data(), kMelBands);
  std::size_t nearest = 0;
  for (std::size_t b = 1; b < kMelBands; ++b)
    if (std::fabs(filt[b].center_hz - 1000) < std::fabs(filt[nearest].center_hz - 1000)) nearest = b;
  EXPECT_EQ(m, nearest);
  // Far from the tone, the bands are orders of magnitude (in power) below the peak.
  EXPECT_GT(f[m] - f[m + 20], 8.f);
  EXPECT_GT(f[m] - f[m > 10 ? m - 10 : 0], 8.f);
}

TEST(LogMel, LevelScalesAsPower) {
  // Doubling the amplitude adds ln 4 to every band with real energy.
  std::vector<float> a = log_mel(tone(1500, 4000, 0.2)), b = log_mel(tone(1500, 4000, 0.4));
  ASSERT_EQ(a.size(), b.size());
  std::size_t m = argmax(a.data(), kMelBands);
  EXPECT_NEAR(b[m] - a[m], std::log(4.0), 1e-4);
}

TEST(LogMel, MatchesAStraightforwardDoubleReference) {
  // Recompute frame 3 of a noise signal the slow way: window, naive DFT, dense filters, ln.
  std::vector<float> x = noise(2000, 5);
  std::vector<float> f = log_mel(x);
  const std::size_t i = 3;
  std::vector<double> power(kNumBins);
  for (std::size_t k = 0; k < kNumBins; ++k) {
    double re = 0, im = 0;
    for (std::size_t t = 0; t < kWindowLength; ++t) {
      double w = 0.5 - 0.5 * std::cos(2 * kPi * t / kWindowLength);
      double v = w * x[i * kHopLength + t];
      re += v * std::cos(2 * kPi * k * t / kFftSize);
      im -= v * std::sin(2 * kPi * k * t / kFftSize);
    }
    power[k] = re * re + im * im;
  }
  for (std::size_t m = 0; m < kMelBands; ++m) {
    const MelFilter& filt = mel_filters()[m];
    double e = 0;
    for (std::size_t k = 0; k < filt.weights.size(); ++k) e += filt.weights[k] * power[filt.first_bin + k];
    ASSERT_NEAR(f[i * kMelBands + m], std::log(std::max(e, 1e-10)), 2e-4) << "band " << m;
  }
}

TEST(StreamingLogMel, AnyChunkingGivesTheOfflineFramesBitForBit) {
  std::vector<float> x = noise(16000 * 3 + 123, 11);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] += 0.3f * std::sin(2 * kPi * 440 * i / kSampleRate);
  const std::vector<float> offline = log_mel(x);
  std::mt19937 rng(42);
  // Chunk-size regimes: single samples, small random, around the hop/window, huge.
  const std::vector<std::pair<std::size_t, std::size_t>> regimes = {
      {1, 1}, {1, 7}, {1, 500}, {150, 170}, {390, 410}, {1000, 20000}, {x.size(), x.size()}};
  for (auto [lo, hi] : regimes) {
    SCOPED_TRACE(::testing::Message() << "chunks " << lo << ".." << hi);
    std::uniform_int_distribution<std::size_t> size(lo, hi);
    std::bernoulli_distribution pull_now(0.5);
    StreamingLogMel s;
    std::vector<float> out;
    std::size_t at = 0;
    while (at < x.size()) {
      std::size_t n = std::min(size(rng), x.size() - at);
      s.push(x.data() + at, n);
      at += n;
      if (pull_now(rng)) s.pull_all(out);  // pulling late must not change anything
    }
    s.pull_all(out);
    EXPECT_EQ(s.samples_pushed(), x.size());
    EXPECT_EQ(s.frames_pulled(), num_frames(x.size()));
    ASSERT_EQ(out.size(), offline.size());
    for (std::size_t k = 0; k < out.size(); ++k) ASSERT_EQ(out[k], offline[k]) << "value " << k;
  }
}

TEST(StreamingLogMel, MemoryStaysBoundedWhenFramesArePulled) {
  StreamingLogMel s;
  std::vector<float> chunk = noise(1000, 9), out;
  std::size_t most = 0;
  for (int i = 0; i < 2000; ++i) {  // 125 s of audio
    s.push(chunk);
    most = std::max(most, s.buffered());
    s.pull_all(out);
    out.clear();
  }
  EXPECT_EQ(s.frames_pulled(), num_frames(2000u * 1000));
  EXPECT_LE(most, kWindowLength + chunk.size());
}

TEST(StreamingLogMel, PullOneAtATimeAndReset) {
  StreamingLogMel s;
  std::vector<float> x = noise(1000, 3);
  std::vector<float> frame(kMelBands);
  s.push(x.data(), 399);
  EXPECT_EQ(s.ready(), 0u);
  EXPECT_FALSE(s.pull(frame.data()));
  s.push(x.data() + 399, 1);
  EXPECT_EQ(s.ready(), 1u);
  ASSERT_TRUE(s.pull(frame.data()));
  EXPECT_FALSE(s.pull(frame.data()));
  std::vector<float> offline = log_mel(std::vector<float>(x.begin(), x.begin() + 400));
  EXPECT_EQ(frame, offline);
  s.reset();
  EXPECT_EQ(s.ready(), 0u);
  s.push(x.data() + 100, 400);  // a new stream: frame 0 starts at the first new sample
  ASSERT_TRUE(s.pull(frame.data()));
  EXPECT_EQ(frame, log_mel(std::vector<float>(x.begin() + 100, x.begin() + 500)));
}
