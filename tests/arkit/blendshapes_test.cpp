#include <gtest/gtest.h>

#include <numeric>
#include <set>

#include "arkit/blendshapes.h"
#include "arkit/channel_split.h"
#include "io/error.h"
#include "io/atomic_file.h"

using namespace emosync;

TEST(Blendshapes, AppleDeclarationOrder) {
  const auto& n = arkit::names();
  EXPECT_EQ(n.front(), "eyeBlinkLeft");
  EXPECT_EQ(n.back(), "tongueOut");
  EXPECT_EQ(n[17], "jawOpen");
  EXPECT_EQ(n[43], "browInnerUp");
  EXPECT_EQ(std::set<std::string_view>(n.begin(), n.end()).size(), 52u);
}

TEST(Blendshapes, LookupByName) {
  EXPECT_EQ(arkit::index_of("jawOpen"), 17u);
  EXPECT_FALSE(arkit::find("JawOpen"));
  EXPECT_EQ(arkit::find_loose("JawOpen"), 17u);
  EXPECT_THROW(arkit::index_of("jawClose"), Error);
}

TEST(Blendshapes, AlphabeticalIsSortedAndMatchesLamIndices) {
  auto a = arkit::alphabetical_order();
  EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
  // Indices from the research notes' α column (LAM / EmoTalk order).
  EXPECT_EQ(a[0], "browDownLeft");
  EXPECT_EQ(a[24], "jawOpen");
  EXPECT_EQ(a[8], "eyeBlinkLeft");
  EXPECT_EQ(a[51], "tongueOut");
}

TEST(Blendshapes, RemapRoundTrip) {
  auto order = arkit::ChannelOrder::alphabetical();
  std::vector<float> canonical(52), other(52), back(52);
  std::iota(canonical.begin(), canonical.end(), 0.f);
  order.from_canonical(canonical.data(), other.data());
  for (std::size_t i = 0; i < 52; ++i)
    EXPECT_EQ(other[i], static_cast<float>(arkit::index_of(order.names()[i])));
  order.to_canonical(other.data(), back.data());
  EXPECT_EQ(back, canonical);
}

TEST(Blendshapes, BadOrdersAreRejectedWithTheName) {
  auto names = arkit::alphabetical_order();
  names[3] = "notAShape";
  try {
    arkit::ChannelOrder o(names);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("notAShape"), std::string::npos);
  }
  names[3] = names[4];
  EXPECT_THROW(arkit::ChannelOrder o(names), Error);
  names.pop_back();
  EXPECT_THROW(arkit::ChannelOrder o(names), Error);
}

TEST(ChannelSplit, StandardIs14_22_16AndCoversAll) {
  const auto& s = arkit::ChannelSplit::standard();
  EXPECT_EQ(s.channels(arkit::ChannelType::Lipsync).size(), 14u);
  EXPECT_EQ(s.channels(arkit::ChannelType::Expression).size(), 22u);
  EXPECT_EQ(s.channels(arkit::ChannelType::Shared).size(), 16u);
  EXPECT_EQ(s.type_of(arkit::index_of("jawOpen")), arkit::ChannelType::Lipsync);
  EXPECT_EQ(s.type_of(arkit::index_of("browInnerUp")), arkit::ChannelType::Expression);
  EXPECT_EQ(s.type_of(arkit::index_of("mouthSmileLeft")), arkit::ChannelType::Shared);
}

TEST(ChannelSplit, DuplicatesAndGapsAreErrors) {
  std::string dir = ::testing::TempDir();
  std::string dup = dir + "/split_dup.json";
  io::write_file_atomic(dup, R"({"LIPSYNC": ["jawOpen", "jawOpen"], "EXPRESSION": [], "SHARED": []})");
  try {
    arkit::ChannelSplit::load(dup);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("LIPSYNC[1]"), std::string::npos) << e.what();
  }
  std::string gap = dir + "/split_gap.json";
  io::write_file_atomic(gap, R"({"LIPSYNC": ["jawOpen"], "EXPRESSION": [], "SHARED": []})");
  EXPECT_THROW(arkit::ChannelSplit::load(gap), Error);
}
