#include <gtest/gtest.h>

#include "io/error.h"
#include "viseme/phone_class.h"

using namespace emosync;
using viseme::PhoneSet;

static int cls(const char* name) { return viseme::phone_class_index(name); }

TEST(PhoneClasses, SilencePlusTheThirtyNineArpabetPhones) {
  EXPECT_EQ(viseme::phone_class_names()[0], "sil");
  EXPECT_EQ(cls("sil"), 0);
  EXPECT_EQ(cls("ZH"), 39);
  EXPECT_EQ(cls("AX"), -1);  // an alias, not a class
}

TEST(PhoneClasses, AlignmentLabelsLoseTheirStressAndSilencesAreSilence) {
  const auto& pc = viseme::PhoneClasses::standard();
  EXPECT_EQ(pc.label(PhoneSet::Arpabet, "UW1"), cls("UW"));
  EXPECT_EQ(pc.label(PhoneSet::Arpabet, "AH0"), cls("AH"));
  EXPECT_EQ(pc.label(PhoneSet::Arpabet, "AX"), cls("AH"));
  EXPECT_EQ(pc.label(PhoneSet::Arpabet, "B"), cls("B"));
  EXPECT_EQ(pc.label(PhoneSet::Arpabet, "sp"), 0);
  EXPECT_EQ(pc.label(PhoneSet::Arpabet, ""), 0);
  EXPECT_EQ(pc.label(PhoneSet::Arpabet, "spn"), -1);  // spoken noise: no class
  EXPECT_EQ(pc.label(PhoneSet::Arpabet, "QQ"), -1);   // unknown: no class, no error
  EXPECT_FALSE(pc.knows(PhoneSet::Arpabet, "QQ"));
}

TEST(PhoneClasses, TtsSymbolsTakeTheClassOfTheSameSound) {
  const auto& pc = viseme::PhoneClasses::standard();
  EXPECT_EQ(pc.label(PhoneSet::Flite, "uw"), cls("UW"));
  EXPECT_EQ(pc.label(PhoneSet::Flite, "pau"), 0);
  EXPECT_EQ(pc.label(PhoneSet::Espeak, "u:"), cls("UW"));
  EXPECT_EQ(pc.label(PhoneSet::Espeak, "oU"), cls("OW"));
  EXPECT_EQ(pc.label(PhoneSet::Espeak, "i:"), cls("IY"));
  EXPECT_EQ(pc.label(PhoneSet::Espeak, "m"), cls("M"));
  EXPECT_EQ(pc.label(PhoneSet::Espeak, "_"), 0);
  EXPECT_EQ(pc.label(PhoneSet::Espeak, "'"), -1);  // stress mark
}

// Every symbol the viseme tables know (what the teachers animate) has a phone class.
TEST(PhoneClasses, CoverEverySymbolOfThePhonemeTables) {
  const auto& pc = viseme::PhoneClasses::standard();
  for (PhoneSet s : {PhoneSet::Espeak, PhoneSet::Arpabet, PhoneSet::Flite})
    for (const auto& sym : viseme::PhonemeMap::standard(s).symbols())
      EXPECT_TRUE(pc.knows(s, sym)) << viseme::to_string(s) << ": '" << sym << "'";
}

// A rounded phone never shares a class with a spread one (the point of phones over visemes).
TEST(PhoneClasses, RoundedAndSpreadVowelsDiffer) {
  const auto& pc = viseme::PhoneClasses::standard();
  for (const char* r : {"u:", "oU", "O:", "w"})
    for (const char* s : {"i:", "I", "E", "eI", "a"}) EXPECT_NE(pc.label(PhoneSet::Espeak, r), pc.label(PhoneSet::Espeak, s));
}

TEST(PhoneClasses, ATableErrorNamesTheField) {
  try {
    viseme::PhoneClasses::load("data/viseme/phonemes_arpabet.json");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("espeak"), std::string::npos) << e.what();
  }
}
