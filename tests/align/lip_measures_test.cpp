// validate/lip_measures: the lip gap, sealed, open, the articulation and rounding AUCs,
// jitter, pooling per corpus and the loudness envelope, on hand-made animations whose
// answers are known.
#include <gtest/gtest.h>

#include <cmath>

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

namespace {
std::vector<float> wobble(double hz, std::size_t frames) {
  std::vector<float> x(frames);
  for (std::size_t f = 0; f < frames; ++f) x[f] = 0.4f + 0.2f * static_cast<float>(std::sin(2 * M_PI * hz * f / 30.0));
  return x;
}
}  // namespace

// Vowel mean gap 0.4 (AA and IY at 0.4 throughout): "open" needs g >= 0.2 somewhere in a
// vowel of >= 80 ms. A vowel held at 0.1 fails; one at 0.1 with one frame at 0.2 passes;
// a 60 ms vowel is not checked.
TEST(LipMeasures, OpenNeedsOneFrameAtHalfTheClipsVowelMean) {
  auto t = phones({{"AA", 0.0, 0.4}, {"IY", 0.4, 0.8}, {"EH", 0.8, 1.0}, {"AH", 1.0, 1.06}});
  std::vector<float> jaw(33, 0.4f);
  for (int f = 24; f <= 32; ++f) jaw[f] = 0.1f;  // EH (0.8-1.0 s) and AH stay nearly shut
  auto s = validate::lip_scores(with_jaw(jaw), t);
  EXPECT_EQ(s.vowels, 3u);  // the 60 ms AH is too short to check
  EXPECT_EQ(s.opened, 2u);
  jaw[26] = 0.25f;  // one frame of EH reaches half the mean (now a little above 0.2)
  EXPECT_EQ(validate::lip_scores(with_jaw(jaw), t).opened, 3u);
}

TEST(LipMeasures, AMouthThatNeverOpensIsNotOpen) {
  auto t = phones({{"AA", 0.0, 0.3}, {"M", 0.3, 0.4}, {"IY", 0.4, 0.7}});
  auto s = validate::lip_scores(with_jaw(std::vector<float>(21, 0.f)), t);
  EXPECT_EQ(s.vowels, 2u);
  EXPECT_EQ(s.opened, 0u);
  EXPECT_DOUBLE_EQ(s.open_rate(), 0.0);
}

// Rounded phones read mouthFunnel + mouthPucker over their middle third against spread
// ones; W counts as rounded, AE as spread.
TEST(LipMeasures, RoundingAucSeparatesRoundedFromSpread) {
  auto t = phones({{"UW", 0.0, 0.3}, {"IY", 0.3, 0.6}, {"W", 0.6, 0.9}, {"AE", 0.9, 1.2}});
  auto a = with_jaw(std::vector<float>(37, 0.3f));
  auto set = [&](double s0, double s1, float funnel, float pucker) {
    for (std::size_t f = 0; f < a.frames; ++f)
      if (f / 30.0 >= s0 && f / 30.0 < s1)
        a.at(f, arkit::index_of("mouthFunnel")) = funnel, a.at(f, arkit::index_of("mouthPucker")) = pucker;
  };
  set(0.0, 0.3, 0.3, 0.4);   // UW: 0.7
  set(0.3, 0.6, 0.0, 0.1);   // IY: 0.1
  set(0.6, 0.9, 0.0, 0.5);   // W: 0.5
  set(0.9, 1.3, 0.2, 0.0);   // AE: 0.2
  auto s = validate::lip_scores(a, t);
  ASSERT_EQ(s.rounded.size(), 2u);
  ASSERT_EQ(s.spread.size(), 2u);
  EXPECT_NEAR(s.rounded[0], 0.7f, 1e-6);
  EXPECT_DOUBLE_EQ(s.rounding_auc(), 1.0);
  set(0.6, 0.9, 0.0, 0.15);  // W now between IY and AE: 3 of 4 pairs
  EXPECT_DOUBLE_EQ(validate::lip_scores(a, t).rounding_auc(), 0.75);
}

// A pure 12 Hz wobble is all chatter, a 2 Hz one none (4 s at 30 fps: both whole cycles).
TEST(LipMeasures, JitterIsTheShareAbove8Hz) {
  EXPECT_NEAR(validate::high_frequency_share(wobble(12, 120), 30), 1.0, 1e-9);
  EXPECT_NEAR(validate::high_frequency_share(wobble(2, 120), 30), 0.0, 1e-9);
  std::vector<float> both = wobble(2, 120), fast = wobble(12, 120);
  for (std::size_t f = 0; f < both.size(); ++f) both[f] += fast[f] - 0.4f;  // equal amplitudes: half each
  EXPECT_NEAR(validate::high_frequency_share(both, 30), 0.5, 1e-6);  // float samples
  EXPECT_DOUBLE_EQ(validate::high_frequency_share(std::vector<float>(50, 0.3f), 30), 0.0);  // still
  EXPECT_DOUBLE_EQ(validate::high_frequency_share({}, 30), 0.0);
  // Through lip_scores: one clip's jitter, of the gap.
  auto s = validate::lip_scores(with_jaw(wobble(12, 120)), phones({{"AA", 0.0, 4.0}}));
  EXPECT_EQ(s.clips, 1u);
  EXPECT_NEAR(s.jitter(), 1.0, 1e-9);
}

// Pooling per corpus: phones pool, jitter averages over clips, and each clip keeps its
// own sealing threshold. Clip A opens to 0.8 (shut <= 0.2), clip B only to 0.2 (shut <=
// 0.05); both hold their M at 0.1, so A seals and B does not. With one threshold over
// both clips (mean 0.5, shut <= 0.125) both would.
TEST(LipMeasures, PoolingPerCorpusKeepsEachClipsThreshold) {
  auto t = phones({{"AA", 0.0, 0.3}, {"M", 0.3, 0.4}, {"AE", 0.4, 0.7}});
  std::vector<float> a(21, 0.8f), b(21, 0.2f);
  for (int f = 9; f <= 11; ++f) a[f] = b[f] = 0.1f;  // the M's frames; the vowels keep theirs
  auto sa = validate::lip_scores(with_jaw(a), t), sb = validate::lip_scores(with_jaw(b), t);
  EXPECT_EQ(sa.sealed, 1u);
  EXPECT_EQ(sb.sealed, 0u);
  ASSERT_EQ(sb.unsealed.size(), 1u);
  EXPECT_EQ(sb.unsealed[0].phone, "M");
  EXPECT_NEAR(sb.unsealed[0].min_gap, 0.1f, 1e-6);
  EXPECT_NEAR(sb.unsealed[0].shut, 0.05f, 1e-6);
  auto sc = validate::lip_scores(with_jaw(wobble(12, 21)), t);
  auto per = validate::by_corpus({"one", "two", "two"}, {sa, sb, sc});
  ASSERT_EQ(per.size(), 3u);  // one, two, pooled
  EXPECT_EQ(per["one"].clips, 1u);
  EXPECT_DOUBLE_EQ(per["one"].sealed_rate(), 1.0);
  EXPECT_EQ(per["two"].clips, 2u);
  EXPECT_EQ(per["pooled"].clips, 3u);
  EXPECT_EQ(per["pooled"].bilabials, 3u);
  EXPECT_EQ(per["pooled"].sealed, sa.sealed + sb.sealed + sc.sealed);
  EXPECT_EQ(per["pooled"].open_vowel_gaps.size(), 6u);
  EXPECT_NEAR(per["pooled"].jitter(), (sa.jitter() + sb.jitter() + sc.jitter()) / 3, 1e-12);
  EXPECT_NEAR(per["two"].jitter(), (sb.jitter() + sc.jitter()) / 2, 1e-12);
}

// The loudness envelope: RMS / its 95th percentile as jawOpen, nothing else moves.
TEST(LipMeasures, EnvelopeLipsFollowTheLoudness) {
  audio::Audio speech{std::vector<float>(16000, 0.f), 16000};
  for (std::size_t i = 8000; i < 16000; ++i) speech.samples[i] = 0.3f * static_cast<float>(std::sin(i * 0.3));
  auto a = validate::envelope_lips(speech, 30, 30);
  EXPECT_EQ(a.frames, 30u);
  EXPECT_FLOAT_EQ(a.at(5, arkit::index_of("jawOpen")), 0.f);   // silence
  EXPECT_NEAR(a.at(25, arkit::index_of("jawOpen")), 1.f, 0.02f);  // the steady tone is the 95th percentile
  float others = 0;
  for (std::size_t f = 0; f < a.frames; ++f)
    for (std::size_t c = 0; c < arkit::kCount; ++c)
      if (c != arkit::index_of("jawOpen")) others += std::abs(a.at(f, c));
  EXPECT_EQ(others, 0.f);
  // Silence throughout: a shut mouth, not a division by zero.
  auto quiet = validate::envelope_lips({std::vector<float>(8000, 0.f), 16000}, 30, 15);
  EXPECT_FLOAT_EQ(quiet.at(7, arkit::index_of("jawOpen")), 0.f);
}
