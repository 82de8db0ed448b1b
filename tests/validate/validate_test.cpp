// The report's rules can fail: a runtime that ignores its inputs must fail them, and the
// report must hold every section and write its files.
#include <gtest/gtest.h>

#include <filesystem>

#include "io/atomic_file.h"
#include "support/test_support.h"
#include "validate/validate.h"

using namespace emosync;

namespace {
const validate::RuleResult* find_rule(const validate::Report& r, const std::string& id) {
  for (const auto& x : r.rules)
    if (x.id == id) return &x;
  return nullptr;
}
}  // namespace

TEST(Validate, AFaceThatIgnoresSpeechAndEmotionFails) {
  // Every frame the same half-open face, whatever the audio or the emotion.
  validate::Animate flat = [](const std::vector<float>& pcm, const validate::EmotionInput&, bool) {
    return std::vector<float>((pcm.size() * 30 + 15999) / 16000 * 52, 0.5f);
  };
  validate::Options o;
  o.out_dir = test_support::temp_path("validate", "flat");
  std::filesystem::remove_all(o.out_dir);
  validate::Report r = validate::run(flat, o);
  EXPECT_FALSE(r.pass());
  for (const char* id : {"reproducibility.error", "distinctness.closest_pair", "distinctness.identification",
                         "lipsync.bilabial_closure", "lipsync.rest", "lipsync.rounding"}) {
    const auto* x = find_rule(r, id);
    ASSERT_NE(x, nullptr) << id;
    EXPECT_FALSE(x->pass) << id << " = " << x->value;
  }
  // Constant output is perfectly reproducible, smooth and loudness-proof: those pass.
  for (const char* id : {"reproducibility.variance", "smoothness.step.LIPSYNC", "loudness.lip_shift"}) {
    const auto* x = find_rule(r, id);
    ASSERT_NE(x, nullptr) << id;
    EXPECT_TRUE(x->pass) << id << " = " << x->value;
  }
  for (const char* section : {"reproducibility", "distinctness", "smoothness", "lipsync", "lipsync_under_emotion",
                              "loudness", "rules"})
    EXPECT_TRUE(r.json.contains(section)) << section;
  EXPECT_EQ(r.json["inputs"]["real_clips"], 0);
  for (const char* f : {"report.json", "report.html", "distinctness.svg", "smoothness.svg", "lipsync.svg"})
    EXPECT_TRUE(std::filesystem::exists(o.out_dir + "/" + f)) << f;
  const std::string html = io::read_file(o.out_dir + "/report.html");
  EXPECT_NE(html.find("FAIL"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  // A half-open face (mouthClose 0.5 with jawOpen 0.5) seals no bilabial: each is listed
  // with how near it came.
  const auto& misses = r.json["lipsync"]["closure_misses"];
  EXPECT_EQ(misses.size(), r.json["lipsync"]["bilabials"].get<std::size_t>());
  ASSERT_FALSE(misses.empty());
  EXPECT_NE(misses[0].get<std::string>().find("(mouthClose 0.50, jawOpen 0.50)"), std::string::npos) << misses[0];
  EXPECT_NE(html.find("Bilabials without a seal"), std::string::npos);
}

TEST(Validate, MissingSpeechFolderIsAClearError) {
  validate::Animate flat = [](const std::vector<float>& pcm, const validate::EmotionInput&, bool) {
    return std::vector<float>((pcm.size() * 30 + 15999) / 16000 * 52, 0.0f);
  };
  validate::Options o;
  o.data_dir = test_support::temp_path("validate", "no_such_data");
  const std::string e = test_support::error_of([&] { validate::run(flat, o); });
  EXPECT_NE(e.find("no_such_data"), std::string::npos) << e;
  EXPECT_NE(e.find("ljspeech"), std::string::npos) << e;
}
