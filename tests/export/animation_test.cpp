#include <gtest/gtest.h>

#include <cstdio>
#include <limits>

#include "arkit/blendshapes.h"
#include "export/animation.h"
#include "export/gltf.h"
#include "export/visemes.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "io/json_file.h"
#include "io/npy.h"
#include "support/test_support.h"

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

TEST(Animation, ExtremeFrameRatesAreRefusedByEveryWriterAndReader) {
  // fps 1e300 wrote "fps": inf (invalid JSON) and null in glTF; 1e-300 wrote
  // "fps": 0, which the reader then refused.
  for (double fps : {1e300, 1e-300, 0.5, 1000.5}) {
    Animation a = sample(2);
    a.fps = fps;
    EXPECT_NE(test_support::error_of([&] { animation_json(a); }).find("is outside [1, 1000]"), std::string::npos) << fps;
    EXPECT_THROW(animation_csv(a), Error);
    EXPECT_THROW(gltf_text(a), Error);
    EXPECT_THROW(glb_bytes(a), Error);
    EXPECT_THROW(viseme_track(a), Error);
    EXPECT_THROW(write_animation_npy(tmp("fps.npy"), a), Error);
  }
  std::string text = animation_json(sample(1));
  std::string slow = text;
  slow.replace(slow.find("\"fps\": 30"), 9, "\"fps\": 1e-300");
  EXPECT_NE(test_support::error_of([&] { parse_animation_json(slow, "slow.json"); }).find("slow.json: fps: value: fps 1e-300"),
            std::string::npos)
      << test_support::error_of([&] { parse_animation_json(slow, "slow.json"); });
  std::string huge = text;
  huge.replace(huge.find("\"fps\": 30"), 9, "\"fps\": 1e309");
  EXPECT_NE(test_support::error_of([&] { parse_animation_json(huge, "huge.json"); }).find("huge.json:1:9: number 1e309"),
            std::string::npos)
      << test_support::error_of([&] { parse_animation_json(huge, "huge.json"); });
  EXPECT_THROW(parse_animation_csv(animation_csv(sample(1)), "a.csv", 1e300), Error);
  EXPECT_THROW(parse_animation_npy(io::npy_bytes(sample(1).data.data(), {1, 52}), "a.npy", 0), Error);
  Animation edge = sample(1);
  edge.fps = 1000;
  EXPECT_EQ(parse_animation_json(animation_json(edge), "edge").fps, 1000);
}

TEST(Animation, ValuesOutsideZeroOneAreRefusedNamingFrameAndChannel) {
  Animation a = sample(3);
  a.data[2 * 52 + arkit::index_of("jawOpen")] = 5.f;
  EXPECT_NE(test_support::error_of([&] { animation_json(a); }).find("animation: frame 2, jawOpen: value 5 is outside [0, 1]"),
            std::string::npos)
      << test_support::error_of([&] { animation_json(a); });
  EXPECT_THROW(gltf_text(a), Error);

  io::Json j = io::parse_json(animation_json(sample(3)), "a.json");
  j["frames"][2][0] = 1e30;  // eyeBlinkLeft
  EXPECT_NE(test_support::error_of([&] { parse_animation_json(j.dump(), "v.json"); })
                .find("v.json: frames[2][0]: frame 2, eyeBlinkLeft: value 1e+30 is outside [0, 1]"),
            std::string::npos)
      << test_support::error_of([&] { parse_animation_json(j.dump(), "v.json"); });

  std::string csv = animation_csv(sample(2));
  std::size_t last_row = csv.rfind('\n', csv.size() - 2) + 1;
  csv.replace(last_row, csv.find(',', last_row) - last_row, "-0.5");
  EXPECT_NE(test_support::error_of([&] { parse_animation_csv(csv, "v.csv"); }).find("v.csv:3: frame 1, eyeBlinkLeft: value -0.5"),
            std::string::npos)
      << test_support::error_of([&] { parse_animation_csv(csv, "v.csv"); });

  std::vector<float> big = sample(2).data;
  big[52 + 3] = 7.f;
  EXPECT_NE(test_support::error_of([&] { parse_animation_npy(io::npy_bytes(big.data(), {2, 52}), "v.npy"); })
                .find("v.npy: frame 1, eyeLookOutLeft: value 7"),
            std::string::npos);
  big[52 + 3] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_NE(test_support::error_of([&] { parse_animation_npy(io::npy_bytes(big.data(), {2, 52}), "v.npy"); })
                .find("v.npy: non-finite value nan at [1, 3]"),
            std::string::npos);
}

TEST(Animation, InputEchoedInErrorsIsEscaped) {
  std::string csv = animation_csv(sample(1));
  csv.replace(csv.find("\n") + 1, 0, "\x1b[2J");
  std::string e = test_support::error_of([&] { parse_animation_csv(csv, "e.csv"); });
  EXPECT_NE(e.find("e.csv:2: column eyeBlinkLeft: '\\x1b[2J"), std::string::npos) << e;
  EXPECT_EQ(e.find('\x1b'), std::string::npos);
  std::string json = animation_json(sample(1));
  json.replace(json.find("eyeBlinkLeft"), 12, "\\u001b[31m");
  e = test_support::error_of([&] { parse_animation_json(json, "e.json"); });
  EXPECT_NE(e.find("e.json: names[0]: '\\x1b[31m' is not an ARKit blendshape name"), std::string::npos) << e;
}

TEST(Animation, ParsersReadBytesInMemory) {
  Animation a = sample(4);
  EXPECT_EQ(parse_animation_json(animation_json(a), "m").data, a.data);
  EXPECT_EQ(parse_animation_csv(animation_csv(a), "m", 25).fps, 25);
  EXPECT_EQ(parse_animation_npy(io::npy_bytes(a.data.data(), {4, 52}), "m").data, a.data);
}
