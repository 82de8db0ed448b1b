#include <gtest/gtest.h>

#include <cstdio>

#include "arkit/blendshapes.h"
#include "export/animation.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "io/json_file.h"

using namespace emosync;
using namespace emosync::exporter;

namespace {
Animation sample(std::size_t frames) {
  Animation a;
  a.fps = 30;
  a.frames = frames;
  for (std::size_t f = 0; f < frames; ++f)
    for (std::size_t c = 0; c < 52; ++c) a.data.push_back(static_cast<float>((f * 52 + c) % 97) / 97.f);
  return a;
}
std::string tmp(const std::string& n) { return ::testing::TempDir() + "/" + n; }
}  // namespace

TEST(Animation, JsonRoundTripExact) {
  Animation a = sample(5);
  write_animation(tmp("a.json"), a);
  io::Json j = io::load_json_file(tmp("a.json"));
  EXPECT_EQ(j["fps"], 30);
  ASSERT_EQ(j["names"].size(), 52u);
  EXPECT_EQ(j["names"][0], "eyeBlinkLeft");
  EXPECT_EQ(j["names"][51], "tongueOut");
  ASSERT_EQ(j["frames"].size(), 5u);
  Animation b = read_animation_json(tmp("a.json"));
  EXPECT_EQ(b.frames, 5u);
  EXPECT_EQ(b.data, a.data);  // shortest round-trip formatting is exact
}

TEST(Animation, CsvRoundTripExactAndHeader) {
  Animation a = sample(4);
  write_animation(tmp("a.csv"), a);
  std::string text = io::read_file(tmp("a.csv"));
  EXPECT_EQ(text.substr(0, 25), "eyeBlinkLeft,eyeLookDownL");
  Animation b = read_animation_csv(tmp("a.csv"));
  EXPECT_EQ(b.frames, 4u);
  EXPECT_EQ(b.data, a.data);
}

TEST(Animation, NpyRoundTrip) {
  Animation a = sample(3);
  write_animation(tmp("a.npy"), a);
  std::string bytes = io::read_file(tmp("a.npy"));
  EXPECT_EQ(bytes.substr(1, 5), "NUMPY");
  EXPECT_NE(bytes.find("'shape': (3,52)"), std::string::npos);
  Animation b = read_animation_npy(tmp("a.npy"));
  EXPECT_EQ(b.data, a.data);
}

TEST(Animation, ReadersRemapOtherChannelOrders) {
  // A CSV whose columns are alphabetical must land in canonical order.
  auto alpha = arkit::alphabetical_order();
  std::string text;
  for (std::size_t i = 0; i < 52; ++i) text += (i ? "," : "") + alpha[i];
  text += "\n";
  for (std::size_t i = 0; i < 52; ++i) text += std::string(i ? "," : "") + (alpha[i] == "jawOpen" ? "0.75" : "0");
  text += "\n";
  io::write_file_atomic(tmp("alpha.csv"), text);
  Animation b = read_animation_csv(tmp("alpha.csv"));
  ASSERT_EQ(b.frames, 1u);
  EXPECT_EQ(b.data[arkit::index_of("jawOpen")], 0.75f);
  EXPECT_EQ(b.data[0], 0.f);
}

TEST(Animation, BadInputsAreReported) {
  Animation a = sample(2);
  a.data.pop_back();
  EXPECT_THROW(write_animation(tmp("bad.json"), a), Error);
  EXPECT_THROW(format_of_path("out.txt"), Error);
  EXPECT_EQ(format_of_path("dir.v2/OUT.JSON"), Format::Json);
  EXPECT_THROW(parse_format("gltf"), Error);
  io::write_file_atomic(tmp("bad.csv"), "jawOpen,nope\n1,2\n");
  try {
    read_animation_csv(tmp("bad.csv"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'nope' is not an ARKit blendshape name"), std::string::npos);
  }
}

TEST(Animation, FailedWriteLeavesOldFileIntact) {
  write_animation(tmp("keep.json"), sample(2));
  std::string before = io::read_file(tmp("keep.json"));
  Animation bad = sample(2);
  bad.data[7] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(write_animation(tmp("keep.json"), bad), Error);
  EXPECT_EQ(io::read_file(tmp("keep.json")), before);
}
