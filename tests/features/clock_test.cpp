#include "features/clock.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "io/error.h"

using namespace emosync;
using namespace emosync::features;

TEST(Clock, FramesForSamplesIsExactCeiling) {
  EXPECT_EQ(frames_for_samples(0, 16000, 30), 0u);
  EXPECT_EQ(frames_for_samples(1, 16000, 30), 1u);       // instant 0 lies inside
  EXPECT_EQ(frames_for_samples(16000, 16000, 30), 30u);  // 0 .. 29/30
  EXPECT_EQ(frames_for_samples(16001, 16000, 30), 31u);  // 30/30 = 1 s < 16001 samples
  EXPECT_EQ(frames_for_samples(22050 * 7, 22050, 30), 210u);
  // One hour at 16 kHz: no drift from floating point.
  EXPECT_EQ(frames_for_samples(16000ull * 3600, 16000, 30), 108000u);
  EXPECT_EQ(frames_for_samples(16000ull * 3600 + 1, 16000, 30), 108001u);
  EXPECT_THROW(frames_for_samples(10, 0, 30), Error);
  EXPECT_THROW(frames_for_samples(10, 16000, 0), Error);
}

TEST(Clock, FramesForDurationAgreesWithSamples) {
  EXPECT_EQ(frames_for_duration(2.0, 30), 60u);
  EXPECT_EQ(frames_for_duration(0.1 * 3, 30), 9u);  // 0.30000000000000004 s must not give 10
  EXPECT_EQ(frames_for_duration(0.0, 30), 0u);
  EXPECT_EQ(frames_for_duration(-1.0, 30), 0u);
  for (std::size_t n = 0; n < 40000; n += 37)
    ASSERT_EQ(frames_for_duration(static_cast<double>(n) / 16000, 30), frames_for_samples(n, 16000, 30)) << n;
}

TEST(Clock, FeatureFrameForModelFrameIsNearestCentre) {
  EXPECT_DOUBLE_EQ(feature_frame_center_s(0), 0.0125);
  EXPECT_DOUBLE_EQ(feature_frame_center_s(100), 1.0125);
  const std::size_t n_feat = 1000;
  for (std::size_t j = 0; j < 290; ++j) {
    double t = static_cast<double>(j) / 30;
    std::size_t i = feature_frame_for_model_frame(j, 30, n_feat);
    double d = std::fabs(feature_frame_center_s(i) - t);
    if (i > 0) {
      ASSERT_LE(d, std::fabs(feature_frame_center_s(i - 1) - t) + 1e-12) << j;
    }
    ASSERT_LE(d, std::fabs(feature_frame_center_s(i + 1) - t) + 1e-12) << j;
  }
  EXPECT_EQ(feature_frame_for_model_frame(0, 30, n_feat), 0u);
  EXPECT_EQ(feature_frame_for_model_frame(30, 30, n_feat), 99u);  // 1 s is frame position 98.75
  EXPECT_EQ(feature_frame_for_model_frame(3000, 30, 50), 49u);    // clamped
  EXPECT_EQ(feature_frame_for_model_frame(5, 30, 0), 0u);
  // An hour in: still exact.
  EXPECT_EQ(feature_frame_for_model_frame(108000, 30, 1u << 30), 359999u);
}

TEST(Clock, FeaturesAtFpsInterpolatesBetweenCentres) {
  // Feature d of frame i = i (a ramp in frame index): resampled value at model frame j
  // must be the frame position (j/fps*16000 - 200) / 160, clamped to [0, n-1].
  const std::size_t n = 200, dims = 2;
  std::vector<float> f(n * dims);
  for (std::size_t i = 0; i < n; ++i) {
    f[i * dims] = static_cast<float>(i);
    f[i * dims + 1] = -static_cast<float>(i);
  }
  std::vector<float> out = features_at_fps(f.data(), n, dims, 30, 70);
  ASSERT_EQ(out.size(), 70 * dims);
  for (std::size_t j = 0; j < 70; ++j) {
    double pos = std::clamp((j * 16000.0 / 30 - 200) / 160, 0.0, static_cast<double>(n - 1));
    ASSERT_NEAR(out[j * dims], pos, 1e-4) << j;
    ASSERT_NEAR(out[j * dims + 1], -pos, 1e-4) << j;
  }
  EXPECT_EQ(out[0], 0.f);
  EXPECT_EQ(out[69 * dims], 199.f);  // 2.3 s is past the last centre (2.0025 s)
  std::vector<float> empty = features_at_fps(nullptr, 0, 3, 30, 4);
  for (float v : empty) EXPECT_EQ(v, floor_value());
}
