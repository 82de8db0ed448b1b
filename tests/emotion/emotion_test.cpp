#include <gtest/gtest.h>

#include <cmath>

#include "emotion/anchors.h"
#include "emotion/classes.h"
#include "emotion/conditioning.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "io/sha256.h"
#include "tables/tables.h"

using namespace emosync;
using namespace emosync::emotion;

TEST(Classes, FixedOneHotOrder) {
  EXPECT_EQ(names()[0], "neutral");
  EXPECT_EQ(names()[1], "joy");
  EXPECT_EQ(names()[9], "sadness");
  EXPECT_EQ(names()[15], "embarrassment");
}

TEST(Classes, AliasesAndCase) {
  EXPECT_EQ(parse("happy"), 1u);
  EXPECT_EQ(parse("SAD"), 9u);
  EXPECT_EQ(parse("angry"), 13u);
  EXPECT_EQ(parse("sorry"), 11u);
  EXPECT_EQ(parse("love"), 5u);
  EXPECT_EQ(parse("scared"), 12u);
  try {
    parse("grumbly");
    FAIL();
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("grumbly"), std::string::npos);
    EXPECT_NE(m.find("embarrassment"), std::string::npos);
  }
}

// The anchor file is frozen (seed §7): changing it must bump its version and this pin.
TEST(Anchors, FrozenVersionAndChecksum) {
  const Anchors& a = Anchors::standard();
  EXPECT_EQ(a.version(), "1.0");
  std::string bytes = io::read_file(std::string(EMOSYNC_SOURCE_DIR) + "/data/emotion/emotion_vad_anchors.json");
  EXPECT_EQ(io::sha256_hex(bytes), "72bb1117c14f352833315bf21a5e76def79b9eab45e5c96601e7664bb5ec8694")
      << "anchors changed: bump \"version\" and update this checksum together";
  EXPECT_EQ(tables::read("data/emotion/emotion_vad_anchors.json"), bytes) << "embedded copy is stale";
}

TEST(Anchors, ValidSeparatedAndOrdered) {
  AnchorCheck r = Anchors::standard().check();
  EXPECT_TRUE(r.problems.empty()) << r.problems.front();
  ASSERT_EQ(r.closest_at_l5.size(), 15u * 14u / 2u);
  EXPECT_GE(r.closest_at_l5.front().distance, 0.30f);
  for (std::size_t c = 0; c < kCount; ++c) EXPECT_FALSE(Anchors::standard().sources(c).empty());
}

TEST(Anchors, CheckCatchesCloseAndUnorderedClasses) {
  io::Json j = tables::read_json("data/emotion/emotion_vad_anchors.json");
  j["classes"]["amusement"]["L5"] = j["classes"]["joy"]["L5"];
  j["classes"]["fear"]["L1"] = j["classes"]["fear"]["L5"];
  std::string path = ::testing::TempDir() + "/anchors_bad.json";
  io::write_file_atomic(path, j.dump());
  AnchorCheck r = Anchors::load(path).check();
  ASSERT_EQ(r.problems.size(), 2u);
  EXPECT_NE(r.problems[0].find("joy and amusement"), std::string::npos) << r.problems[0];
  EXPECT_NE(r.problems[1].find("fear"), std::string::npos);
}

TEST(Anchors, OutOfRangeValueNamesTheField) {
  io::Json j = tables::read_json("data/emotion/emotion_vad_anchors.json");
  j["classes"]["anger"]["L3"][1] = 1.5;
  std::string path = ::testing::TempDir() + "/anchors_range.json";
  io::write_file_atomic(path, j.dump());
  try {
    Anchors::load(path);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("classes.anger.L3[1]"), std::string::npos) << e.what();
  }
}

TEST(Anchors, IntensityIsPiecewiseLinearThroughLevels) {
  const Anchors& a = Anchors::standard();
  std::size_t joy = parse("joy");
  EXPECT_EQ(a.at_intensity(joy, 0), a.neutral());
  EXPECT_EQ(a.at_intensity(joy, 20), a.at(joy, Level::L1));
  EXPECT_EQ(a.at_intensity(joy, 60), a.at(joy, Level::L3));
  EXPECT_EQ(a.at_intensity(joy, 100), a.at(joy, Level::L5));
  Vad mid = a.at_intensity(joy, 40);
  for (int i = 0; i < 3; ++i)
    EXPECT_NEAR(mid[i], 0.5f * (a.at(joy, Level::L1)[i] + a.at(joy, Level::L3)[i]), 1e-6);
  EXPECT_EQ(a.at_intensity(joy, 150), a.at(joy, Level::L5));
}

TEST(Conditioning, OneHotPlusVad) {
  Conditioning c = make_conditioning(parse("anger"), 100.f);
  float sum = 0;
  for (std::size_t i = 0; i < kCount; ++i) sum += c[i];
  EXPECT_FLOAT_EQ(sum, 1.f);
  EXPECT_EQ(c[13], 1.f);
  EXPECT_EQ(c[16], Anchors::standard().at(13, Level::L5)[0]);
}
