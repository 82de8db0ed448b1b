#include <gtest/gtest.h>

#include "arkit/blendshapes.h"
#include "export/formats.h"
#include "export/live_link_face.h"
#include "io/atomic_file.h"
#include "support/test_support.h"

using namespace emosync;
using namespace emosync::exporter;
using test_support::error_of;

namespace {
std::string tmp(const std::string& n) { return test_support::temp_path("export_llf", n); }

Animation ramp(std::size_t frames) {
  Animation a;
  a.fps = 30;
  a.frames = frames;
  for (std::size_t f = 0; f < frames; ++f)
    for (std::size_t c = 0; c < 52; ++c) a.data.push_back(static_cast<float>((f * 7 + c * 3) % 101) / 100.f);
  return a;
}
}  // namespace

TEST(LiveLinkFace, HeaderIsTheAppsExactly) {
  // The app's header, written out by hand from the cited source (not from the table).
  const std::string expected =
      "Timecode,BlendShapeCount,EyeBlinkLeft,EyeLookDownLeft,EyeLookInLeft,EyeLookOutLeft,EyeLookUpLeft,"
      "EyeSquintLeft,EyeWideLeft,EyeBlinkRight,EyeLookDownRight,EyeLookInRight,EyeLookOutRight,EyeLookUpRight,"
      "EyeSquintRight,EyeWideRight,JawForward,JawRight,JawLeft,JawOpen,MouthClose,MouthFunnel,MouthPucker,"
      "MouthRight,MouthLeft,MouthSmileLeft,MouthSmileRight,MouthFrownLeft,MouthFrownRight,MouthDimpleLeft,"
      "MouthDimpleRight,MouthStretchLeft,MouthStretchRight,MouthRollLower,MouthRollUpper,MouthShrugLower,"
      "MouthShrugUpper,MouthPressLeft,MouthPressRight,MouthLowerDownLeft,MouthLowerDownRight,MouthUpperUpLeft,"
      "MouthUpperUpRight,BrowDownLeft,BrowDownRight,BrowInnerUp,BrowOuterUpLeft,BrowOuterUpRight,CheekPuff,"
      "CheekSquintLeft,CheekSquintRight,NoseSneerLeft,NoseSneerRight,TongueOut,HeadYaw,HeadPitch,HeadRoll,"
      "LeftEyeYaw,LeftEyePitch,LeftEyeRoll,RightEyeYaw,RightEyePitch,RightEyeRoll";
  EXPECT_EQ(live_link_header(), expected);
  std::string csv = live_link_csv(ramp(2));
  EXPECT_EQ(csv.substr(0, csv.find('\n')), expected);
  // Every blendshape column names an ARKit channel, each once.
  std::vector<bool> seen(52, false);
  for (std::size_t i = 0; i < 52; ++i) {
    auto c = arkit::find_loose(live_link_columns()[i]);
    ASSERT_TRUE(c) << live_link_columns()[i];
    EXPECT_FALSE(seen[*c]);
    seen[*c] = true;
  }
  EXPECT_TRUE(is_live_link_rotation("headyaw"));
  EXPECT_FALSE(is_live_link_rotation("JawOpen"));
}

TEST(LiveLinkFace, RowsCarryTimecodesAt30FpsAndValuesUnderTheirLabels) {
  Animation a = ramp(65);
  a.data[31 * 52 + arkit::index_of("jawLeft")] = 0.875f;
  a.data[31 * 52 + arkit::index_of("jawRight")] = 0.125f;
  std::string csv = live_link_csv(a);
  std::vector<std::string> lines;
  for (std::size_t p = 0, q; (q = csv.find('\n', p)) != std::string::npos; p = q + 1) lines.push_back(csv.substr(p, q - p));
  ASSERT_EQ(lines.size(), 66u);
  EXPECT_EQ(lines[1].substr(0, 19), "00:00:00:00.000,61,");
  EXPECT_EQ(lines[30].substr(0, 16), "00:00:00:29.000,");
  EXPECT_EQ(lines[31].substr(0, 16), "00:00:01:00.000,");
  EXPECT_EQ(lines[65].substr(0, 16), "00:00:02:04.000,");
  // Column 18 (1-based) is labelled JawRight in the app's header, column 19 JawLeft.
  auto cell = [](const std::string& line, int k) {
    std::size_t p = 0;
    for (int i = 0; i < k; ++i) p = line.find(',', p) + 1;
    return line.substr(p, line.find(',', p) - p);
  };
  EXPECT_EQ(cell(lines[0], 17), "JawRight");
  EXPECT_EQ(cell(lines[32], 17), "0.125");
  EXPECT_EQ(cell(lines[0], 18), "JawLeft");
  EXPECT_EQ(cell(lines[32], 18), "0.875");
  EXPECT_EQ(cell(lines[32], 62), "0");  // RightEyeRoll
}

TEST(LiveLinkFace, RoundTripsThroughTheReader) {
  Animation a = ramp(75);
  write_live_link_csv(tmp("a.llf.csv"), a);
  EXPECT_TRUE(looks_like_live_link_csv(tmp("a.llf.csv")));
  Animation b = read_live_link_csv(tmp("a.llf.csv"));  // rate inferred from FF (max 29 -> 30 fps)
  EXPECT_DOUBLE_EQ(b.fps, 30);
  ASSERT_EQ(b.frames, a.frames);
  for (std::size_t i = 0; i < a.data.size(); ++i) ASSERT_NEAR(b.data[i], a.data[i], 1e-6) << i;
}

TEST(LiveLinkFace, ParsesFromMemoryAsFromTheFileAndConvertPicksItByContent) {
  const Animation a = ramp(40);
  const std::string csv = live_link_csv(a);
  EXPECT_TRUE(starts_like_live_link_csv(csv));
  EXPECT_FALSE(starts_like_live_link_csv("EyeBlinkLeft,EyeLookDownLeft\n"));
  write_live_link_csv(tmp("mem.llf.csv"), a);
  const Animation from_file = read_live_link_csv(tmp("mem.llf.csv"));
  const Animation from_memory = parse_live_link_csv(csv, "upload.csv");
  EXPECT_EQ(from_memory.fps, from_file.fps);
  EXPECT_EQ(from_memory.data, from_file.data);
  // parse_any_animation (what `emosync convert` runs on the file's bytes) takes a .csv
  // that starts with Timecode as Live Link Face: fps 0 infers the capture rate.
  const Animation any = parse_any_animation(csv, "any.csv", 0);
  EXPECT_EQ(any.data, from_file.data);
  // Errors name the given name and line.
  std::string bad = csv;
  bad.replace(bad.find("\n") + 1, 8, "xx:00:00");
  EXPECT_NE(error_of([&] { parse_any_animation(bad, "upload.csv", 0); }).find("upload.csv:2"), std::string::npos)
      << error_of([&] { parse_any_animation(bad, "upload.csv", 0); });
  EXPECT_NE(error_of([&] { parse_any_animation(csv, "upload.txt"); }).find("upload.txt: cannot read"), std::string::npos);
}

TEST(LiveLinkFace, WriterRejectsFractionalRatesAndBadShapes) {
  Animation a = ramp(3);
  a.fps = 29.97;
  EXPECT_NE(error_of([&] { live_link_csv(a); }).find("whole number"), std::string::npos);
  a.fps = 30;
  a.data.pop_back();
  EXPECT_NE(error_of([&] { live_link_csv(a); }).find("frames of 52"), std::string::npos);
}

TEST(LiveLinkFace, ReaderErrorsNameFileLineAndColumn) {
  write_live_link_csv(tmp("ok.llf.csv"), ramp(3));
  std::string text = io::read_file(tmp("ok.llf.csv"));
  std::string bad = text;
  bad.replace(bad.find("MouthPucker"), 11, "MouthPuckr");
  io::write_file_atomic(tmp("bad1.csv"), bad);
  EXPECT_NE(error_of([&] { read_live_link_csv(tmp("bad1.csv")); }).find("bad1.csv:1: column 23 'MouthPuckr'"),
            std::string::npos);
  bad = text;
  bad.replace(bad.find(",61,") + 4, 1, "x");
  io::write_file_atomic(tmp("bad2.csv"), bad);
  EXPECT_NE(error_of([&] { read_live_link_csv(tmp("bad2.csv")); }).find("bad2.csv:2: EyeBlinkLeft"),
            std::string::npos);
  io::write_file_atomic(tmp("bad3.csv"), "Time,Count\n");
  EXPECT_NE(error_of([&] { read_live_link_csv(tmp("bad3.csv")); }).find("Timecode,BlendShapeCount"), std::string::npos);
}

TEST(LiveLinkFace, ReaderBoundsRateAndLength) {
  write_live_link_csv(tmp("ok.llf.csv"), ramp(3));
  EXPECT_NE(error_of([&] { read_live_link_csv(tmp("ok.llf.csv"), 1e-300); }).find("capture fps"), std::string::npos);
  EXPECT_NE(error_of([&] { read_live_link_csv(tmp("ok.llf.csv"), 1e300); }).find("capture fps"), std::string::npos);
  // A timecode 500000 hours in would ask for 5e10 frames.
  std::string text = io::read_file(tmp("ok.llf.csv"));
  text.replace(text.rfind("\n00:00:00:02") + 1, 2, "500000");
  io::write_file_atomic(tmp("long.llf.csv"), text);
  EXPECT_NE(error_of([&] { read_live_link_csv(tmp("long.llf.csv")); }).find("over the limit of 432000 frames"),
            std::string::npos)
      << error_of([&] { read_live_link_csv(tmp("long.llf.csv")); });
  text = io::read_file(tmp("ok.llf.csv"));
  text.replace(text.rfind("\n00:00:00:02") + 1, 11, "\x1b]0;x\x07");
  io::write_file_atomic(tmp("esc.llf.csv"), text);
  std::string e = error_of([&] { read_live_link_csv(tmp("esc.llf.csv")); });
  EXPECT_NE(e.find("esc.llf.csv:4: timecode '\\x1b]0;x\\x07"), std::string::npos) << e;
}
