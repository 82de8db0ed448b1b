// Issue 18 through the emosync command: bad audio and oversized text stop `features`,
// `animate`, `say` and `tts` with a message naming the input, a non-zero exit and no
// output, instead of NaN features, empty files or hours of speech.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "io/atomic_file.h"
#include "support/test_support.h"

using namespace emosync;
using test_support::run_emosync;
namespace fs = std::filesystem;

namespace {
std::string scratch(const std::string& name) {
  const std::string d = test_support::temp_path("say_limits", name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

void put(std::string& s, std::uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// A mono 32-bit float WAV (format tag 3), which can hold NaN and Inf.
std::string float_wav(const std::vector<float>& x, int rate) {
  const auto data = static_cast<std::uint32_t>(4 * x.size());
  std::string s = "RIFF";
  put(s, 36 + data, 4);
  s += "WAVEfmt ";
  put(s, 16, 4);
  put(s, 3, 2);
  put(s, 1, 2);
  put(s, static_cast<std::uint32_t>(rate), 4);
  put(s, static_cast<std::uint32_t>(rate) * 4, 4);
  put(s, 4, 2);
  put(s, 32, 2);
  s += "data";
  put(s, data, 4);
  for (float v : x) {
    std::uint32_t bits;
    std::memcpy(&bits, &v, 4);
    put(s, bits, 4);
  }
  return s;
}
}  // namespace

TEST(FeaturesInput, NaNHeaderOnlyTooShortAndDirectoryAreErrorsWithoutOutput) {
  const std::string d = scratch("features");
  std::vector<float> x(16000, 0.1f);
  x[12000] = std::nanf("");
  io::write_file_atomic(d + "/nan.wav", float_wav(x, 16000));
  io::write_file_atomic(d + "/header_only.wav", float_wav({}, 16000));
  io::write_file_atomic(d + "/10ms.wav", float_wav(std::vector<float>(160, 0.1f), 16000));
  fs::create_directories(d + "/folder.wav");
  const struct {
    const char* input;
    const char* says;
  } cases[] = {{"nan.wav", "nan.wav: sample at 0.750 s (frame 12000) is NaN"},
               {"header_only.wav", "header_only.wav: no audio samples"},
               {"10ms.wav", "10ms.wav: 160 samples at 16 kHz is shorter than one 400-sample (25 ms) feature frame"},
               {"folder.wav", "folder.wav: is a directory"}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.input);
    const std::string out = d + "/" + c.input + ".npy";
    auto r = run_emosync("features " + d + "/" + c.input + " -o " + out);
    EXPECT_NE(r.rc, 0) << r.out;
    EXPECT_NE(r.out.find(c.says), std::string::npos) << r.out;
    EXPECT_FALSE(fs::exists(out));
  }
  // The same NaN stops animate before it writes anything.
  auto a = run_emosync("animate " + d + "/nan.wav -o " + d + "/anim");
  EXPECT_NE(a.rc, 0);
  EXPECT_NE(a.out.find("is NaN"), std::string::npos) << a.out;
  EXPECT_FALSE(fs::exists(d + "/anim/animation.json"));
}

TEST(FeaturesInput, MaxSecondsLimitsTheInputAndIsInTheHelp) {
  const std::string d = scratch("max_seconds");
  io::write_file_atomic(d + "/2s.wav", float_wav(std::vector<float>(32000, 0.1f), 16000));
  auto ok = run_emosync("features " + d + "/2s.wav -o " + d + "/ok.npy --max-seconds 2");
  EXPECT_EQ(ok.rc, 0) << ok.out;
  auto r = run_emosync("features " + d + "/2s.wav -o " + d + "/no.npy --max-seconds 1.5");
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.out.find("2s.wav: longer than 1.5 s, the limit on audio inputs (2.000 s in its header)"),
            std::string::npos)
      << r.out;
  EXPECT_FALSE(fs::exists(d + "/no.npy"));
  for (const char* cmd : {"features", "animate"}) {
    auto h = run_emosync(std::string(cmd) + " --help");
    EXPECT_NE(h.out.find("--max-seconds"), std::string::npos) << h.out;
    EXPECT_NE(h.out.find("3600"), std::string::npos) << h.out;
  }
}

// The engine takes 8..48 kHz: animate brings other rates to 16 kHz itself, and a rate no
// resampler can bridge is an error naming the file.
TEST(AnimateInput, AnyRateIsAnimatedAndAnImpossibleOneNamesTheFile) {
  const std::string d = scratch("rates");
  std::vector<float> x(96000);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = 0.3f * static_cast<float>(std::sin(0.02 * static_cast<double>(i)));
  io::write_file_atomic(d + "/96k.wav", float_wav(x, 96000));
  auto r = run_emosync("animate " + d + "/96k.wav --no-autotag -o " + d + "/out");
  EXPECT_EQ(r.rc, 0) << r.out;
  EXPECT_TRUE(fs::exists(d + "/out/animation.json"));
  io::write_file_atomic(d + "/1hz.wav", float_wav(std::vector<float>(4, 0.1f), 1));
  auto b = run_emosync("animate " + d + "/1hz.wav -o " + d + "/bad");
  EXPECT_NE(b.rc, 0);
  EXPECT_NE(b.out.find(d + "/1hz.wav: resample"), std::string::npos) << b.out;
}

TEST(SpeechText, SayAndTtsRefuseTextOverTheLimitNamingBoth) {
  const std::string d = scratch("text");
  std::string text;
  while (text.size() < 12000) text += "Hello there. ";
  text.resize(12000);
  auto s = run_emosync("say \"" + text + "\" -o " + d + "/say");
  EXPECT_NE(s.rc, 0);
  EXPECT_NE(s.out.find("say: the text is 12000 characters, over the limit of 10000"), std::string::npos) << s.out;
  EXPECT_FALSE(fs::exists(d + "/say"));
  auto t = run_emosync("tts \"" + text + "\" -o " + d + "/t.wav");
  EXPECT_NE(t.rc, 0);
  EXPECT_NE(t.out.find("tts: the text is 12000 characters, over the limit of 10000"), std::string::npos) << t.out;
  EXPECT_FALSE(fs::exists(d + "/t.wav"));
  // Characters, not bytes: 10001 'é' (20002 bytes) count as 10001.
  std::string accents;
  for (int i = 0; i < 10001; ++i) accents += "\xc3\xa9";
  auto u = run_emosync("tts \"" + accents + "\" -o " + d + "/u.wav");
  EXPECT_NE(u.out.find("the text is 10001 characters"), std::string::npos) << u.out;
  for (const char* cmd : {"say", "tts"}) EXPECT_NE(run_emosync(std::string(cmd) + " --help").out.find("10000 characters"), std::string::npos) << cmd;
}
