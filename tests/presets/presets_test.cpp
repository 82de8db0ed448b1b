#include <gtest/gtest.h>

#include <algorithm>

#include "arkit/blendshapes.h"
#include "arkit/channel_split.h"
#include "emotion/classes.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "presets/presets.h"
#include "tables/tables.h"

using namespace emosync;
using namespace emosync::presets;
using emotion::Level;

namespace {
float ch(const Preset& p, const char* name) { return p.weights[arkit::index_of(name)]; }
std::size_t cls(const char* n) { return emotion::parse(n); }

std::string write_variant(const std::string& name, const io::Json& j) {
  std::string path = ::testing::TempDir() + "/" + name;
  io::write_file_atomic(path, j.dump());
  return path;
}
}  // namespace

TEST(Presets, StandardTableIsCompleteAndMatchesAnchors) {
  const PresetTable& t = PresetTable::standard();
  EXPECT_EQ(t.all().size(), 46u);
  const auto& a = emotion::Anchors::standard();
  for (std::size_t c = 1; c < emotion::kCount; ++c)
    for (Level l : emotion::kLevels) {
      const Preset& p = t.at(c, l);
      for (int k = 0; k < 3; ++k) EXPECT_NEAR(p.vad[k], a.at(c, l)[k], kVadTolerance) << p.label();
    }
  for (float v : t.at(emotion::kNeutral, Level::L1).weights) EXPECT_EQ(v, 0.f);
  EXPECT_TRUE(PresetTable::validate(PresetTable::kDefaultKey).empty());
}

TEST(Presets, LevelsGrowFromSubtleToStrong) {
  const PresetTable& t = PresetTable::standard();
  for (std::size_t c = 1; c < emotion::kCount; ++c) {
    auto sum = [&](Level l) {
      float s = 0;
      for (float v : t.at(c, l).weights) s += v;
      return s;
    };
    EXPECT_LT(sum(Level::L1), sum(Level::L3)) << emotion::names()[c];
    EXPECT_LT(sum(Level::L3), sum(Level::L5)) << emotion::names()[c];
    // L1 is subtle: nothing above 0.4
    for (float v : t.at(c, Level::L1).weights) EXPECT_LE(v, 0.4f) << emotion::names()[c];
  }
}

TEST(Presets, LipsyncChannelsStayLow) {
  const auto& split = arkit::ChannelSplit::standard();
  for (const auto& p : PresetTable::standard().all())
    for (std::size_t c : split.channels(arkit::ChannelType::Lipsync)) {
      // Only displays that need the mouth use these (laughter, surprise, disgust's AU10).
      EXPECT_LE(p.weights[c], 0.6f) << p.label() << " " << arkit::names()[c];
    }
  float sum = 0;
  std::size_t n = 0;
  for (const auto& p : PresetTable::standard().all())
    for (std::size_t c : split.channels(arkit::ChannelType::Lipsync)) {
      sum += p.weights[c];
      ++n;
    }
  EXPECT_LT(sum / n, 0.05f) << "LIPSYNC channels should be near 0 on average";
  for (const char* never : {"tongueOut", "jawLeft", "jawRight", "mouthClose"})
    for (const auto& p : PresetTable::standard().all()) EXPECT_EQ(ch(p, never), 0.f) << p.label() << " " << never;
  EXPECT_EQ(ch(PresetTable::standard().at(cls("joy"), Level::L5), "tongueOut"), 0.f);
}

TEST(Presets, EachClassKeepsItsCharacter) {
  const PresetTable& t = PresetTable::standard();
  auto L5 = [&](const char* n) { return t.at(cls(n), Level::L5); };
  // sulk pouts
  EXPECT_GE(ch(L5("sulk"), "mouthPucker"), 0.3f);
  EXPECT_GE(ch(L5("sulk"), "mouthShrugLower"), 0.5f);
  // apology presses the lips and looks down
  EXPECT_GE(ch(L5("apology"), "mouthPressLeft"), 0.3f);
  EXPECT_GT(ch(L5("apology"), "eyeLookDownLeft"), 0.f);
  // embarrassment looks down more than anything else
  for (const auto& p : t.all()) {
    if (p.emotion != cls("embarrassment") && p.level == Level::L5) {
      EXPECT_LT(ch(p, "eyeLookDownLeft"), ch(L5("embarrassment"), "eyeLookDownLeft")) << p.label();
    }
  }
  // curiosity raises one brow
  EXPECT_GT(ch(L5("curiosity"), "browOuterUpLeft"), ch(L5("curiosity"), "browOuterUpRight") + 0.2f);
  // confusion and disgust are asymmetric
  EXPECT_GT(std::abs(ch(L5("confusion"), "browDownLeft") - ch(L5("confusion"), "browDownRight")), 0.2f);
  EXPECT_GT(ch(L5("disgust"), "noseSneerLeft"), ch(L5("disgust"), "noseSneerRight"));
  EXPECT_GE(ch(L5("disgust"), "noseSneerLeft"), 0.8f);
  // the smiles smile, the sad frown, surprise opens up, fear stretches
  EXPECT_GE(ch(L5("joy"), "mouthSmileLeft"), 0.7f);
  EXPECT_GE(ch(L5("sadness"), "mouthFrownLeft"), 0.6f);
  EXPECT_GE(ch(L5("surprise"), "browOuterUpLeft"), 0.8f);
  EXPECT_GE(ch(L5("fear"), "mouthStretchLeft"), 0.5f);
  EXPECT_GE(ch(L5("anger"), "browDownLeft"), 0.8f);
  // jawOpen grows less than linearly: L1 below 0.35 of L5
  EXPECT_LT(ch(t.at(cls("surprise"), Level::L1), "jawOpen"), 0.35f * ch(L5("surprise"), "jawOpen"));
}

TEST(Presets, EveryNonNeutralPresetIsDistinct) {
  const auto& all = PresetTable::standard().all();
  for (std::size_t i = 0; i < all.size(); ++i)
    for (std::size_t j = i + 1; j < all.size(); ++j) {
      float d = 0;
      for (std::size_t c = 0; c < arkit::kCount; ++c) d = std::max(d, std::abs(all[i].weights[c] - all[j].weights[c]));
      EXPECT_GT(d, 0.02f) << all[i].label() << " vs " << all[j].label();
    }
}

TEST(Presets, BadValueNamesPresetAndField) {
  io::Json j = tables::read_json(PresetTable::kDefaultKey);
  std::size_t idx = 0;
  for (std::size_t i = 0; i < j["presets"].size(); ++i)
    if (j["presets"][i]["emotion"] == "anger" && j["presets"][i]["level"] == "L3") idx = i;
  j["presets"][idx]["weights"]["jawOpen"] = 1.2;
  std::string path = write_variant("presets_bad_value.json", j);
  try {
    PresetTable::load(path);
    FAIL() << "accepted jawOpen 1.2";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("presets[" + std::to_string(idx) + "] (anger L3).weights.jawOpen"), std::string::npos) << m;
    EXPECT_NE(m.find("out of range"), std::string::npos) << m;
  }
}

TEST(Presets, ValidateCollectsEveryProblem) {
  io::Json j = tables::read_json(PresetTable::kDefaultKey);
  j["presets"][1]["weights"].erase("browInnerUp");
  j["presets"][2]["vad"][0] = 0.9;          // not the anchor
  j["presets"][3]["weights"]["eyeBlinkLeftt"] = 0.1;  // typo
  std::string path = write_variant("presets_many.json", j);
  auto problems = PresetTable::validate(path);
  ASSERT_GE(problems.size(), 3u);
  std::string all;
  for (const auto& p : problems) all += p + "\n";
  EXPECT_NE(all.find("presets[1] (joy L1).weights.browInnerUp: missing"), std::string::npos) << all;
  EXPECT_NE(all.find("presets[2] (joy L3).vad[0]"), std::string::npos) << all;
  EXPECT_NE(all.find("anchor"), std::string::npos) << all;
  EXPECT_NE(all.find("eyeBlinkLeftt: not an ARKit blendshape name"), std::string::npos) << all;
}

TEST(Presets, MissingAndDuplicatePresetsAreReported) {
  io::Json j = tables::read_json(PresetTable::kDefaultKey);
  j["presets"][5] = j["presets"][4];  // amusement L1 twice, amusement L3 gone
  auto problems = PresetTable::validate(write_variant("presets_dup.json", j));
  std::string all;
  for (const auto& p : problems) all += p + "\n";
  EXPECT_NE(all.find("duplicate"), std::string::npos) << all;
  EXPECT_NE(all.find("missing presets: amusement L3"), std::string::npos) << all;
  EXPECT_THROW(PresetTable::load(write_variant("presets_dup2.json", j)), Error);
}

TEST(Presets, UnknownEmotionListsValidNames) {
  io::Json j = tables::read_json(PresetTable::kDefaultKey);
  j["presets"][7]["emotion"] = "glee";
  try {
    PresetTable::load(write_variant("presets_glee.json", j));
    FAIL();
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("presets[7].emotion"), std::string::npos) << m;
    EXPECT_NE(m.find("embarrassment"), std::string::npos) << m;
  }
}
