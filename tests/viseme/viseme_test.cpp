#include <gtest/gtest.h>

#include <filesystem>

#include "support/test_support.h"
#include "arkit/channel_split.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "viseme/viseme.h"

using namespace emosync;
using viseme::PhoneSet;
using viseme::Viseme;

using emosync::test_support::error_of;

namespace {
std::string temp_file(const std::string& name, const std::string& body) {
  auto p = (std::filesystem::path(EMOSYNC_BINARY_DIR) / "test_tmp" / name).string();
  io::write_file_atomic(p, body);
  return p;
}
}  // namespace

TEST(PhonemeMap, ArpabetStripsStressDigits) {
  const auto& m = viseme::PhonemeMap::standard(PhoneSet::Arpabet);
  EXPECT_EQ(m.lookup("AH0"), Viseme::aa);
  EXPECT_EQ(m.lookup("IY1"), Viseme::I);
  EXPECT_EQ(m.lookup("UW2"), Viseme::U);
  EXPECT_EQ(m.lookup("P"), Viseme::PP);
  EXPECT_EQ(m.lookup("B"), Viseme::PP);
  EXPECT_EQ(m.lookup("M"), Viseme::PP);
  EXPECT_EQ(m.lookup("F"), Viseme::FF);
  EXPECT_EQ(m.lookup("DH"), Viseme::TH);
  EXPECT_EQ(m.lookup("sp"), Viseme::sil);
  EXPECT_EQ(m.lookup("spn"), Viseme::sil);
}

TEST(PhonemeMap, EveryArpabetPhoneMaps) {
  const auto& m = viseme::PhonemeMap::standard(PhoneSet::Arpabet);
  for (const char* p : {"AA", "AE", "AH", "AO", "AW", "AY", "B",  "CH", "D", "DH", "EH", "ER", "EY", "F",
                        "G",  "HH", "IH", "IY", "JH", "K",  "L",  "M",  "N", "NG", "OW", "OY", "P",  "R",
                        "S",  "SH", "T",  "TH", "UH", "UW", "V",  "W",  "Y", "Z",  "ZH"})
    EXPECT_TRUE(m.try_lookup(p).has_value()) << p;
}

TEST(PhonemeMap, FliteAndEspeakBilabials) {
  for (const char* p : {"p", "b", "m"}) {
    EXPECT_EQ(viseme::PhonemeMap::standard(PhoneSet::Flite).lookup(p), Viseme::PP);
    EXPECT_EQ(viseme::PhonemeMap::standard(PhoneSet::Espeak).lookup(p), Viseme::PP);
  }
  EXPECT_EQ(viseme::PhonemeMap::standard(PhoneSet::Flite).lookup("pau"), Viseme::sil);
  EXPECT_EQ(viseme::PhonemeMap::standard(PhoneSet::Espeak).lookup("u:"), Viseme::U);
  EXPECT_EQ(viseme::PhonemeMap::standard(PhoneSet::Espeak).lookup("_:"), Viseme::sil);
  // stress marks do not sound
  EXPECT_EQ(viseme::PhonemeMap::standard(PhoneSet::Espeak).lookup("'"), std::nullopt);
}

TEST(PhonemeMap, UnknownSymbolIsAnErrorNamingIt) {
  for (auto set : {PhoneSet::Espeak, PhoneSet::Arpabet, PhoneSet::Flite}) {
    std::string e = error_of([&] { viseme::PhonemeMap::standard(set).lookup("QQX9"); });
    EXPECT_NE(e.find("'QQX9'"), std::string::npos) << e;
    EXPECT_NE(e.find("data/viseme/phonemes_"), std::string::npos) << e;
    EXPECT_FALSE(viseme::PhonemeMap::standard(set).try_lookup("QQX9"));
  }
}

TEST(PhonemeMap, BadTablesNameTheProblem) {
  auto dup = temp_file("dup.json", R"({"visemes": {"PP": ["p"], "FF": ["p"]}, "ignore": []})");
  EXPECT_NE(error_of([&] { viseme::PhonemeMap::load(dup); }).find("'p' is listed twice"), std::string::npos);
  auto bad = temp_file("bad.json", R"({"visemes": {"XX": ["p"]}, "ignore": []})");
  EXPECT_NE(error_of([&] { viseme::PhonemeMap::load(bad); }).find("'XX' is not one of the 15 visemes"),
            std::string::npos);
}

TEST(VisemeTargets, ClosureTuckAndOpenVowel) {
  const auto& t = viseme::VisemeTargets::standard();
  auto at = [&](Viseme v, const char* ch) { return t.target(v)[arkit::index_of(ch)]; };
  EXPECT_GE(at(Viseme::PP, "mouthClose"), 0.8f);
  EXPECT_LE(at(Viseme::PP, "jawOpen"), 0.05f);
  EXPECT_GE(at(Viseme::FF, "mouthRollLower"), 0.3f);  // the lip tuck
  EXPECT_GE(at(Viseme::aa, "jawOpen"), 0.5f);
  EXPECT_GE(at(Viseme::U, "mouthPucker"), 0.4f);
  for (float v : t.target(Viseme::sil)) EXPECT_EQ(v, 0.f);
}

TEST(VisemeTargets, OnlyLipsyncAndSharedChannels) {
  const auto& t = viseme::VisemeTargets::standard();
  const auto& split = arkit::ChannelSplit::standard();
  for (std::size_t v = 0; v < viseme::kCount; ++v)
    for (std::size_t c = 0; c < arkit::kCount; ++c)
      if (t.target(static_cast<Viseme>(v))[c] != 0.f) {
        EXPECT_NE(split.type_of(c), arkit::ChannelType::Expression);
      }
  auto bad = temp_file("expr.json", R"({"groups": {"lips": ["browInnerUp"]}, "targets": {"PP": {"browInnerUp": 0.5}},
    "dominance": {"default": {}}})");
  EXPECT_NE(error_of([&] { viseme::VisemeTargets::load(bad); }).find("EXPRESSION"), std::string::npos);
}
