// Chains: drawn from a seed, the same seed gives the same chain and the same audio.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "augment/chain.h"
#include "support/test_support.h"

using namespace emosync::augment;

namespace {
std::vector<float> signal() {
  std::vector<float> x(16000);
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = static_cast<float>(0.2 * std::sin(2 * M_PI * 150 * i / 16000.0) * (i > 4000 && i < 12000));
  return x;
}
}  // namespace

TEST(AugmentChain, TheSameSeedGivesTheSameChainAndTheSameAudio) {
  for (const char* id : {"lj001", "clip-7.aug2"}) {
    const Chain a = draw_chain(seed_of(id)), b = draw_chain(seed_of(id));
    EXPECT_EQ(a.to_json(), b.to_json());
    std::vector<float> x = signal(), y = signal();
    apply_steps(a, x);
    apply_steps(b, y);
    EXPECT_TRUE(x == y) << id;
  }
  EXPECT_NE(draw_chain(seed_of("a")).to_json(), draw_chain(seed_of("b")).to_json());
}

TEST(AugmentChain, DrawsEveryEffectInVaryingOrderWithinTheirRanges) {
  std::map<std::string, int> seen;
  std::set<std::string> first;
  int speeds = 0;
  for (int k = 0; k < 300; ++k) {
    const Chain c = draw_chain(seed_of("item" + std::to_string(k)));
    ASSERT_FALSE(c.empty());
    if (c.speed != 1) ++speeds;
    EXPECT_GE(c.speed, 0.9);
    EXPECT_LE(c.speed, 1.1);
    int codecs = 0;
    for (const Step& s : c.steps) {
      ++seen[s.effect];
      codecs += s.effect == "mp3" || s.effect == "opus";
      if (s.effect == "reverb") { EXPECT_TRUE(s.param("rt60_s") >= 0.2 && s.param("rt60_s") <= 0.8); }
      if (s.effect == "noise") { EXPECT_TRUE(s.param("snr_db") >= 5 && s.param("snr_db") <= 30); }
      if (s.effect == "babble") { EXPECT_TRUE(s.param("below_db") >= 15 && s.param("below_db") <= 30); }
      if (s.effect == "pitch") { EXPECT_LE(std::abs(s.param("semitones")), 3); }
      if (s.effect == "formants") { EXPECT_TRUE(s.param("alpha") >= 0.9 && s.param("alpha") <= 1.1); }
    }
    EXPECT_LE(codecs, 1);
    if (!c.steps.empty()) first.insert(c.steps.front().effect);
  }
  EXPECT_EQ(seen.size(), 8u);
  EXPECT_GT(speeds, 100);
  EXPECT_GT(first.size(), 5u);  // the order is drawn too
}

TEST(AugmentChain, StepsKeepTheLengthAndTheJsonNamesEachParameter) {
  for (int k = 0; k < 30; ++k) {
    const Chain c = draw_chain(seed_of("len" + std::to_string(k)));
    std::vector<float> x = signal();
    apply_steps(c, x);
    ASSERT_EQ(x.size(), 16000u) << c.to_json().dump();
    for (float v : x) ASSERT_TRUE(std::isfinite(v));
  }
  Chain c;
  c.steps.push_back({"reverb", {{"rt60_s", 0.3}, {"drr_db", 2}}});
  EXPECT_EQ(c.to_json()["steps"][0]["rt60_s"], 0.3);
  c.steps.push_back({"echo", {}});
  std::vector<float> x = signal();
  EXPECT_EQ(emosync::test_support::error_of([&] { apply_steps(c, x); }), "unknown augmentation effect 'echo'");
  Chain d;
  d.steps.push_back({"noise", {{"snr_db", 10}}});
  EXPECT_EQ(emosync::test_support::error_of([&] { apply_steps(d, x); }),
            "augmentation step 'noise' has no parameter 'slope'");
}
