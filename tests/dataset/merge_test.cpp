#include <gtest/gtest.h>

#include "arkit/blendshapes.h"
#include "dataset/merge.h"

using namespace emosync;

TEST(Merge, ChannelsComeFromTheirSources) {
  std::vector<float> teacher(52, 0.2f), compiler(52, 0.7f), neutral(52, 0.1f);
  teacher[arkit::index_of("mouthClose")] = 0.f;
  teacher[arkit::index_of("mouthFunnel")] = 0.f;
  teacher[arkit::index_of("mouthPucker")] = 0.f;
  teacher[arkit::index_of("jawOpen")] = 0.f;
  auto out = dataset::merge_targets(teacher, compiler, neutral.data(), 1);
  EXPECT_FLOAT_EQ(out[arkit::index_of("mouthRollLower")], 0.2f);  // LIPSYNC: teacher
  EXPECT_FLOAT_EQ(out[arkit::index_of("browInnerUp")], 0.7f);     // EXPRESSION: compiler
  // SHARED with an open gate: teacher + full delta.
  EXPECT_FLOAT_EQ(out[arkit::index_of("mouthSmileLeft")], 0.2f + 0.6f);
}

TEST(Merge, ArticulationClosesTheGateOnSharedChannels) {
  std::vector<float> teacher(52, 0.f), compiler(52, 0.f), neutral(52, 0.f);
  std::size_t smile = arkit::index_of("mouthSmileLeft");
  compiler[smile] = 1.f;
  teacher[arkit::index_of("mouthClose")] = 0.9f;  // a bilabial closure
  auto closed = dataset::merge_targets(teacher, compiler, neutral.data(), 1);
  teacher[arkit::index_of("mouthClose")] = 0.f;
  auto open = dataset::merge_targets(teacher, compiler, neutral.data(), 1);
  const auto& g = dataset::MergeGate::standard();
  EXPECT_NEAR(closed[smile], 1.f - g.strength, 1e-6);
  EXPECT_FLOAT_EQ(open[smile], 1.f);
  EXPECT_LT(closed[smile], open[smile]);
}

TEST(Merge, OutputIsClamped) {
  std::vector<float> teacher(52, 0.9f), compiler(52, 1.f), neutral(52, 0.f);
  for (std::size_t c : {17u, 18u, 19u, 20u}) teacher[c] = 0.f;  // articulation off
  auto out = dataset::merge_targets(teacher, compiler, neutral.data(), 1);
  for (float v : out) EXPECT_LE(v, 1.f);
  std::vector<float> neg_comp(52, 0.f), big_neutral(52, 1.f);
  out = dataset::merge_targets(teacher, neg_comp, big_neutral.data(), 1);
  for (float v : out) EXPECT_GE(v, 0.f);
}
