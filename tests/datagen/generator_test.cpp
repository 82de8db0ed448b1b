#include <gtest/gtest.h>

#include <cmath>

#include "arkit/blendshapes.h"
#include "arkit/channel_split.h"
#include "arkit/lip_seal.h"
#include "datagen/generator.h"
#include "emotion/classes.h"
#include "features/log_mel.h"

using namespace emosync;

static scenarios::Scenario two_turns() {
  return scenarios::parse_scenario(
      R"({"id": "t1", "turns": [
        {"speaker": "SELF", "text": "I got the job, maybe my mom will be proud.", "emotion": "joy", "intensity": 90},
        {"speaker": "OTHER", "text": "But you have to move away from home.", "emotion": "sadness", "intensity": 80}]})",
      "mem", 1);
}

TEST(Generator, ItemShapesAndClocksAgree) {
  datagen::GeneratorContext ctx{datagen::GeneratorConfig{}};
  dataset::Item it = datagen::generate_item(two_turns(), ctx);
  double dur = it.meta["duration_s"].get<double>();
  EXPECT_GT(dur, 2.0);
  EXPECT_EQ(it.targets.cols(), 52u);
  EXPECT_EQ(it.cond.cols(), 19u);
  EXPECT_EQ(it.cond.rows(), it.targets.rows());
  EXPECT_EQ(it.targets.rows(), static_cast<std::size_t>(std::lround(dur * 30)));
  EXPECT_EQ(it.features.cols(), features::kMelBands);
  EXPECT_EQ(it.features.rows(), features::num_frames(static_cast<std::size_t>(std::lround(dur * 16000))));
  for (float v : it.targets.data) ASSERT_TRUE(v >= 0.f && v <= 1.f);
  // The training reader keys its class balance on the dominant emotion.
  std::string dominant = it.meta.at("emotion");
  EXPECT_TRUE(dominant == "joy" || dominant == "sadness") << dominant;
}

TEST(Generator, EmotionFollowsTheTurnsWithASmoothCrossfade) {
  datagen::GeneratorContext ctx{datagen::GeneratorConfig{}};
  dataset::Item it = datagen::generate_item(two_turns(), ctx);
  const std::size_t T = it.cond.rows(), joy = emotion::parse("joy"), sad = emotion::parse("sadness");
  EXPECT_FLOAT_EQ(it.cond.data[10 * 19 + joy], 1.f);
  EXPECT_FLOAT_EQ(it.cond.data[(T - 2) * 19 + sad], 1.f);
  float max_step = 0;
  for (std::size_t t = 1; t < T; ++t) {
    EXPECT_NEAR(it.cond.data[t * 19 + joy] + it.cond.data[t * 19 + sad], 1.f, 1e-5);
    max_step = std::max(max_step, std::abs(it.cond.data[t * 19 + joy] - it.cond.data[(t - 1) * 19 + joy]));
  }
  // A ±0.8 s smoothstep (or shorter, never a jump): the steepest step of s(x) is 1.5/width.
  EXPECT_LT(max_step, 0.2f);
  // EXPRESSION follows the emotion: the brows' inner raise is higher in the sad turn.
  std::size_t brow = arkit::index_of("browInnerUp");
  EXPECT_GT(it.targets.data[(T - 15) * 52 + brow], it.targets.data[15 * 52 + brow] + 0.1f);
}

TEST(Generator, LipClosuresSurviveTheEmotionMerge) {
  datagen::GeneratorContext ctx{datagen::GeneratorConfig{}};
  dataset::Item it = datagen::generate_item(two_turns(), ctx);
  // "maybe my mom" has several bilabials: some frame must have lips closed.
  std::size_t close = arkit::index_of("mouthClose"), jaw = arkit::index_of("jawOpen");
  int closed = 0;
  for (std::size_t t = 0; t < it.targets.rows(); ++t)
    closed += it.targets.data[t * 52 + close] > 0.3f && it.targets.data[t * 52 + jaw] < 0.15f;
  EXPECT_GE(closed, 3);
  // The tail is rest on the lips.
  EXPECT_LT(it.targets.data[(it.targets.rows() - 1) * 52 + jaw], 0.02f);
}

// The targets obey the face's top speeds (data/dataset/speed_limits.json) and still seal
// the lips in full on the bilabials of "maybe my mom".
TEST(Generator, TargetsKeepTheTopSpeedsAndTheSeals) {
  datagen::GeneratorContext ctx{datagen::GeneratorConfig{}};
  dataset::Item it = datagen::generate_item(two_turns(), ctx);
  const auto& split = arkit::ChannelSplit::standard();
  const std::size_t T = it.targets.rows();
  for (std::size_t c = 0; c < 52; ++c) {
    float m = 0;
    for (std::size_t t = 1; t < T; ++t) m = std::max(m, std::abs(it.targets.data[t * 52 + c] - it.targets.data[(t - 1) * 52 + c]));
    if (split.type_of(c) == arkit::ChannelType::Lipsync) {
      EXPECT_LE(m, 12.0f / 30 + 1e-5f) << arkit::names()[c];
    } else if (split.type_of(c) == arkit::ChannelType::Shared) {
      EXPECT_LE(m, 6.0f / 30 + 1e-5f) << arkit::names()[c];
    }
  }
  int sealed = 0;
  for (std::size_t t = 0; t < T; ++t)
    sealed += arkit::lips_sealed(it.targets.data[t * 52 + arkit::index_of("mouthClose")],
                                 it.targets.data[t * 52 + arkit::index_of("jawOpen")]);
  EXPECT_GE(sealed, 3);
}
