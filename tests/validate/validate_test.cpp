// The report's rules can fail: a runtime that ignores its inputs must fail them, and the
// report must hold every section and write its files.
#include <gtest/gtest.h>

#include <filesystem>

#include "arkit/blendshapes.h"
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
  // Every frame the same face, whatever the audio or the emotion: half-open, with the
  // lips apart (mouthClose 0, so the lip gap is 0.5 throughout).
  validate::Animate flat = [](const std::vector<float>& pcm, const validate::EmotionInput&, bool) {
    std::vector<float> y((pcm.size() * 30 + 15999) / 16000 * 52, 0.5f);
    for (std::size_t f = 0; f < y.size() / 52; ++f) y[f * 52 + arkit::index_of("mouthClose")] = 0.f;
    return y;
  };
  validate::Options o;
  o.out_dir = test_support::temp_path("validate", "flat");
  std::filesystem::remove_all(o.out_dir);
  validate::Report r = validate::run(flat, o);
  EXPECT_FALSE(r.pass());
  // A gap that never moves tells open vowels from p/b/m no better than chance, rounds
  // nothing, seals nothing and never rests.
  for (const char* id : {"reproducibility.error", "distinctness.closest_pair", "distinctness.identification",
                         "lipsync.articulation_auc", "lipsync.rounding_auc", "lipsync.sealed", "lipsync.rest"}) {
    const auto* x = find_rule(r, id);
    ASSERT_NE(x, nullptr) << id;
    EXPECT_FALSE(x->pass) << id << " = " << x->value;
  }
  EXPECT_NEAR(find_rule(r, "lipsync.articulation_auc")->value, 0.5, 1e-9);
  // Constant output is perfectly reproducible, still (no chatter), open in every vowel and
  // loudness-proof: those pass.
  for (const char* id : {"reproducibility.variance", "lipsync.jitter", "lipsync.open", "loudness.lip_shift"}) {
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
  // Every checked bilabial is listed with how near it came (gap 0.5 against a threshold of
  // 0.25 x 0.5).
  const auto& l = r.json["lipsync"];
  const auto& pooled = l["model"]["pooled"];
  EXPECT_GT(pooled["bilabials_checked"].get<std::size_t>(), 0u);
  EXPECT_EQ(pooled["bilabials_sealed"].get<std::size_t>(), 0u);
  EXPECT_EQ(l["unsealed_total"].get<std::size_t>(), pooled["bilabials_checked"].get<std::size_t>());
  ASSERT_FALSE(l["unsealed"].empty());
  EXPECT_NE(l["unsealed"][0].get<std::string>().find("smallest gap 0.500, shut <= 0.125"), std::string::npos)
      << l["unsealed"][0];
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
