// validate/lip_measures: the lip gap, sealing and the articulation AUC on hand-made
// animations whose answers are known.
#include <gtest/gtest.h>

#include "arkit/blendshapes.h"
#include "validate/lip_measures.h"

using namespace emosync;

namespace {

// 30 fps; jawOpen per frame from `jaw`, mouthClose 0.
teacher::Animation with_jaw(const std::vector<float>& jaw) {
  teacher::Animation a;
  a.fps = 30;
  a.frames = jaw.size();
  a.data.assign(jaw.size() * arkit::kCount, 0.f);
  for (std::size_t f = 0; f < jaw.size(); ++f) a.at(f, arkit::index_of("jawOpen")) = jaw[f];
  return a;
}

teacher::PhoneTimeline phones(std::vector<teacher::TimedPhone> p) {
  teacher::PhoneTimeline t;
  t.phones = std::move(p);
  return t;
}

}  // namespace

TEST(LipMeasures, GapIsJawMinusCloseClampedAtZero) {
  auto a = with_jaw({0.5f, 0.2f});
  a.at(1, arkit::index_of("mouthClose")) = 0.3f;
  auto g = validate::lip_gap(a);
  EXPECT_FLOAT_EQ(g[0], 0.5f);
  EXPECT_FLOAT_EQ(g[1], 0.f);
}

TEST(LipMeasures, AucCountsPairsAndTies) {
  EXPECT_DOUBLE_EQ(validate::auc({2, 3}, {1, 1}), 1.0);
  EXPECT_DOUBLE_EQ(validate::auc({1}, {2}), 0.0);
  EXPECT_DOUBLE_EQ(validate::auc({1, 3}, {1}), 0.75);  // one win, one tie
  EXPECT_DOUBLE_EQ(validate::auc({}, {1}), 0.5);
}

// AA 0-0.3 s open (0.6), M 0.3-0.4 s, AE 0.4-0.7 s open. The M is sealed only when some
// frame from 0.3 s to one frame past 0.4 s has g <= 0.25 x 0.6 = 0.15.
TEST(LipMeasures, SealedNeedsOneShutFrameUpToAFramePastTheEnd) {
  auto t = phones({{"AA1", 0.0, 0.3}, {"M", 0.3, 0.4}, {"AE1", 0.4, 0.7}});
  std::vector<float> jaw(21, 0.6f);
  auto open = validate::lip_scores(with_jaw(jaw), t);
  EXPECT_EQ(open.bilabials, 1u);
  EXPECT_EQ(open.sealed, 0u);
  EXPECT_DOUBLE_EQ(open.articulation_auc(), 0.5);  // all tie

  jaw[13] = 0.1f;  // 0.433 s: one frame past the M's end still counts
  auto late = validate::lip_scores(with_jaw(jaw), t);
  EXPECT_EQ(late.sealed, 1u);

  jaw[13] = 0.6f;
  jaw[14] = 0.1f;  // 0.467 s: too late
  EXPECT_EQ(validate::lip_scores(with_jaw(jaw), t).sealed, 0u);
}

TEST(LipMeasures, ShortBilabialsAreNotCheckedButCountForAuc) {
  auto t = phones({{"AA", 0.0, 0.3}, {"B", 0.3, 0.33}, {"sil", 0.33, 0.5}});
  std::vector<float> jaw(15, 0.6f);
  for (int f = 9; f <= 10; ++f) jaw[f] = 0.f;
  auto s = validate::lip_scores(with_jaw(jaw), t);
  EXPECT_EQ(s.bilabials, 0u);
  EXPECT_EQ(s.bilabial_gaps.size(), 1u);
  EXPECT_EQ(s.open_vowel_gaps.size(), 1u);
  EXPECT_DOUBLE_EQ(s.articulation_auc(), 1.0);
}

TEST(LipMeasures, PoolingAddsCountsAndPhones) {
  validate::LipScores a, b;
  a.bilabials = 2, a.sealed = 1, a.open_vowel_gaps = {0.5f};
  b.bilabials = 2, b.sealed = 2, b.bilabial_gaps = {0.1f};
  a.add(b);
  EXPECT_DOUBLE_EQ(a.sealed_rate(), 0.75);
  EXPECT_DOUBLE_EQ(a.articulation_auc(), 1.0);
}
