// Runs the emosync command (built beside the tests) the way the README does.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>

#include "export/animation.h"
#include "io/atomic_file.h"
#include "io/json_file.h"
#include "io/npy.h"
#include "support/test_support.h"

using namespace emosync;

namespace {
using Result = test_support::CommandResult;
Result run(const std::string& args) { return test_support::run_emosync(args); }
std::string tmp(const std::string& n) { return ::testing::TempDir() + "/" + n; }
}  // namespace

TEST(Cli, ExpressionWritesAnimationAndSummary) {
  const std::string text = "\"[happy:80] I got the job! [sad:40] But I have to move away.\"";
  Result r = run("expression " + text + " --duration 4 -o " + tmp("expr.json"));
  ASSERT_EQ(r.rc, 0) << r.out;
  EXPECT_NE(r.out.find("120 frames"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("joy"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sadness"), std::string::npos) << r.out;
  exporter::Animation a = exporter::read_animation_json(tmp("expr.json"));
  ASSERT_EQ(a.frames, 120u);
  for (float v : a.data) {
    ASSERT_GE(v, 0.f);
    ASSERT_LE(v, 1.f);
  }
  // smiling at the start, frowning at the end
  std::size_t smile = 23, frown = 25;
  EXPECT_GT(a.data[smile], 0.3f);
  EXPECT_GT(a.data[119 * 52 + frown], a.data[frown] + 0.1f);

  // the same clip as CSV and NPY
  ASSERT_EQ(run("expression " + text + " --duration 4 -o " + tmp("expr.csv")).rc, 0);
  ASSERT_EQ(run("expression " + text + " --duration 4 -o " + tmp("expr.npy")).rc, 0);
  EXPECT_EQ(exporter::read_animation_csv(tmp("expr.csv")).data, a.data);
  EXPECT_EQ(exporter::read_animation_npy(tmp("expr.npy")).data, a.data);
}

TEST(Cli, TimelineWritesConditioningWithWordTimings) {
  io::write_file_atomic(tmp("w.tsv"), "0 0.4 hello\n0.4 0.9 there\n1.5 2.0 bye\n2.0 3.0 now\n");
  Result r = run("timeline \"[joy:100] hello there [anger:50] bye now\" --words " + tmp("w.tsv") +
                 " --fps 30 -o " + tmp("cond.npy"));
  ASSERT_EQ(r.rc, 0) << r.out;
  io::NpyArray c = io::read_npy(tmp("cond.npy"));
  ASSERT_EQ(c.shape.size(), 2u);
  EXPECT_EQ(c.shape[0], 90u);
  EXPECT_EQ(c.shape[1], 19u);
  EXPECT_EQ(c.data[1], 1.f);             // frame 0 is joy
  EXPECT_EQ(c.data[89 * 19 + 13], 1.f);  // last frame is anger
}

TEST(Cli, ErrorsArePreciseAndExitNonZero) {
  Result r = run("expression \"fine [grumbly] text\" -o " + tmp("x.json"));
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.out.find("line 1, column 7: unknown emotion 'grumbly'"), std::string::npos) << r.out;

  io::Json j = io::load_json_file(std::string(EMOSYNC_SOURCE_DIR) + "/data/presets/presets.json");
  j["presets"][38]["weights"]["jawOpen"] = 2;  // anger L3
  io::write_file_atomic(tmp("bad_presets.json"), j.dump());
  r = run("presets validate --file " + tmp("bad_presets.json"));
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.out.find("presets[38] (anger L3).weights.jawOpen"), std::string::npos) << r.out;

  r = run("presets validate");
  EXPECT_EQ(r.rc, 0) << r.out;
  EXPECT_NE(r.out.find("ok (46 presets)"), std::string::npos) << r.out;
}

TEST(Cli, CompilePrintsAllChannels) {
  Result r = run("compile --emotion joy --intensity 80");
  ASSERT_EQ(r.rc, 0) << r.out;
  io::Json j = io::parse_json(r.out, "compile output");
  EXPECT_EQ(j["weights"].size(), 52u);
  EXPECT_GT(j["weights"]["mouthSmileLeft"].get<double>(), 0.5);
  r = run("compile --emotion sulk --vad -0.4,0.0,0.1 --format csv");
  ASSERT_EQ(r.rc, 0) << r.out;
  EXPECT_EQ(r.out.substr(0, 13), "eyeBlinkLeft,");
  EXPECT_NE(run("compile --emotion sulk --vad 2,0,0").rc, 0);
}

TEST(Cli, ExpressionNeedsWordsOrADuration) {
  // Tags alone gave a one-frame clip where say and the server refuse the text.
  Result r = run("expression \"[happy:80]\" -o " + tmp("nowords.json"));
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.out.find("no words"), std::string::npos) << r.out;
  r = run("expression \"[happy:80]\" --duration 2 -o " + tmp("nowords.json"));
  ASSERT_EQ(r.rc, 0) << r.out;
  EXPECT_EQ(exporter::read_animation_json(tmp("nowords.json")).frames, 60u);
  io::write_file_atomic(tmp("empty.tsv"), "# nothing\n");
  r = run("expression \"[happy:80] hi\" --words " + tmp("empty.tsv") + " -o " + tmp("nowords.json"));
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.out.find("empty.tsv: no word timings"), std::string::npos) << r.out;
  r = run("expression \"[happy:80] hi\" --fps 1e300 -o " + tmp("nowords.json"));
  EXPECT_NE(r.rc, 0);
}

TEST(Cli, ConvertRefusesExtremeRatesAndBadValues) {
  exporter::Animation a;
  a.frames = 2;
  a.data.assign(2 * 52, 0.5f);
  exporter::write_animation_json(tmp("ok.json"), a);
  io::write_npy(tmp("ok.npy"), a.data.data(), {2, 52});
  for (const char* fps : {"1e300", "1e-300"}) {
    Result r = run(std::string("convert ") + tmp("ok.npy") + " --fps " + fps + " -o " + tmp("x.gltf"));
    EXPECT_NE(r.rc, 0) << fps;
    EXPECT_NE(r.out.find("is outside [1, 1000]"), std::string::npos) << r.out;
  }
  std::string text = io::read_file(tmp("ok.json"));
  text.replace(text.find("0.5"), 3, "5");
  io::write_file_atomic(tmp("five.json"), text);
  Result r = run("convert " + tmp("five.json") + " -o " + tmp("x.glb"));
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.out.find("five.json: frames[0][0]: frame 0, eyeBlinkLeft: value 5 is outside [0, 1]"), std::string::npos)
      << r.out;
  text.replace(text.find("\"fps\": 30"), 9, "\"fps\": 1e309");
  io::write_file_atomic(tmp("inf.json"), text);
  r = run("convert " + tmp("inf.json") + " -o " + tmp("x.glb"));
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.out.find("inf.json:1:9: number 1e309 is out of range"), std::string::npos) << r.out;
}
