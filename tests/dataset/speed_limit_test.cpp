#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "arkit/blendshapes.h"
#include "dataset/speed_limit.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "support/test_support.h"

using namespace emosync;

namespace {
float max_step(const std::vector<float>& x) {
  float m = 0;
  for (std::size_t t = 1; t < x.size(); ++t) m = std::max(m, std::abs(x[t] - x[t - 1]));
  return m;
}
}  // namespace

// A one-frame seal (0 -> 0.9 -> 0) is approached and left at the top speed; the peak
// stays at its frame and height, nothing is lowered.
TEST(SpeedLimit, DilationKeepsPeaksAndOnlyRaises) {
  std::vector<float> x = {0, 0, 0, 0.9f, 0, 0, 0}, y = x;
  dataset::dilate_to_speed(y.data(), y.size(), 1, 0.4f, false);
  EXPECT_LE(max_step(y), 0.4f + 1e-6f);
  EXPECT_FLOAT_EQ(y[3], 0.9f);
  EXPECT_NEAR(y[2], 0.5f, 1e-6f);
  EXPECT_NEAR(y[1], 0.1f, 1e-6f);
  EXPECT_NEAR(y[4], 0.5f, 1e-6f);
  for (std::size_t t = 0; t < x.size(); ++t) EXPECT_GE(y[t], x[t]);
  // Slow signals are left exactly as they are.
  std::vector<float> slow = {0, 0.1f, 0.3f, 0.6f, 0.5f}, s = slow;
  dataset::dilate_to_speed(s.data(), s.size(), 1, 0.4f, false);
  EXPECT_EQ(s, slow);
}

TEST(SpeedLimit, TroughChannelsKeepTheirMinima) {
  std::vector<float> jaw = {0.6f, 0.6f, 0.0f, 0.6f}, y = jaw;
  dataset::dilate_to_speed(y.data(), y.size(), 1, 0.25f, true);
  EXPECT_FLOAT_EQ(y[2], 0.0f);
  EXPECT_NEAR(y[1], 0.25f, 1e-6f);
  EXPECT_NEAR(y[3], 0.25f, 1e-6f);
  for (std::size_t t = 0; t < jaw.size(); ++t) EXPECT_LE(y[t], jaw[t]);
}

// The shipped table on 52-channel frames: LIPSYNC and SHARED obey their top speeds at 30
// fps, jawOpen keeps its closure, EXPRESSION (not limited) is untouched.
TEST(SpeedLimit, StandardTableOnFrames) {
  const auto& limits = dataset::SpeedLimits::standard();
  const auto& split = arkit::ChannelSplit::standard();
  const std::size_t n = 12, close = arkit::index_of("mouthClose"), jaw = arkit::index_of("jawOpen"),
                    smile = arkit::index_of("mouthSmileLeft"), brow = arkit::index_of("browInnerUp");
  std::vector<float> f(n * 52, 0.0f);
  for (std::size_t t = 0; t < n; ++t) {
    f[t * 52 + jaw] = t == 6 ? 0.0f : 0.5f;
    f[t * 52 + close] = t == 6 ? 0.9f : 0.0f;
    f[t * 52 + smile] = t < 6 ? 0.8f : 0.1f;
    f[t * 52 + brow] = t < 6 ? 0.0f : 0.7f;
  }
  std::vector<float> g = f;
  limits.apply(g, n, 30.0);
  for (std::size_t c = 0; c < 52; ++c) {
    std::vector<float> ch;
    for (std::size_t t = 0; t < n; ++t) ch.push_back(g[t * 52 + c]);
    const auto type = split.type_of(c);
    if (type == arkit::ChannelType::Lipsync) {
      EXPECT_LE(max_step(ch), 0.4f + 1e-5f) << arkit::names()[c];
    } else if (type == arkit::ChannelType::Shared) {
      EXPECT_LE(max_step(ch), 0.2f + 1e-5f) << arkit::names()[c];
    }
  }
  EXPECT_FLOAT_EQ(g[6 * 52 + close], 0.9f);
  EXPECT_FLOAT_EQ(g[6 * 52 + jaw], 0.0f);
  EXPECT_EQ(g[7 * 52 + brow], f[7 * 52 + brow]);
  EXPECT_EQ(g[5 * 52 + brow], f[5 * 52 + brow]);
}

TEST(SpeedLimit, BadTablesNameTheField) {
  const std::string p = test_support::temp_path("dataset", "speed_limits_bad.json");
  io::write_file_atomic(p, R"({"per_second": {"LIPS": 12}})");
  EXPECT_NE(test_support::error_of([&] { dataset::SpeedLimits::load(p); }).find("per_second.LIPS"), std::string::npos);
  io::write_file_atomic(p, R"({"per_second": {"LIPSYNC": 12}, "troughs": ["jawOpened"]})");
  EXPECT_NE(test_support::error_of([&] { dataset::SpeedLimits::load(p); }).find("jawOpened"), std::string::npos);
  io::write_file_atomic(p, R"({"per_second": {"LIPSYNC": -1}})");
  EXPECT_NE(test_support::error_of([&] { dataset::SpeedLimits::load(p); }).find("LIPSYNC"), std::string::npos);
}
