// `emosync validate` on the embedded default model, as CI and users run it.
#include <gtest/gtest.h>

#include <filesystem>

#include "io/json_file.h"
#include "support/test_support.h"

using namespace emosync;

TEST(ValidateCli, DefaultModelReportIsCompleteAndItsExitStatusTellsTheTruth) {
  const std::string data = std::string(EMOSYNC_SOURCE_DIR) + "/../shared/data";
  ASSERT_TRUE(std::filesystem::is_regular_file(data + "/speech/splits.tsv"))
      << "../shared/data/speech/splits.tsv is missing: this test needs the dev speakers and held-out LJ Speech clips";
  const std::string out = test_support::temp_path("validate_cli", "report");
  std::filesystem::remove_all(out);
  auto r = test_support::run_emosync("validate --data " + data + " -o " + out);
  std::printf("%s\n", r.out.c_str());
  io::Json rep = io::load_json_file(out + "/report.json");
  ASSERT_EQ(rep["rules"].size(), 16u);
  bool all = true;
  for (const auto& rule : rep["rules"]) all = all && rule["pass"].get<bool>();
  EXPECT_EQ(rep["pass"].get<bool>(), all);
  EXPECT_EQ(r.rc == 0, all) << r.out;
  // Every dev clip of splits.tsv (335) and the 8 held-out LJ Speech clips, per corpus and
  // pooled, beside the loudness envelope.
  EXPECT_EQ(rep["inputs"]["real_clips"], 343);
  const auto& lips = rep["lipsync"];
  for (const char* corpus : {"ljspeech", "vctk", "grid", "speechocean762", "pooled"})
    for (const char* who : {"model", "envelope"}) {
      ASSERT_TRUE(lips[who].contains(corpus)) << who << " " << corpus;
      const double auc = lips[who][corpus]["articulation_auc"].get<double>();
      EXPECT_TRUE(auc > 0 && auc <= 1) << who << " " << corpus << " " << auc;
    }
  EXPECT_NE(r.out.find("| pooled |"), std::string::npos) << "the per-corpus table is printed";
  for (const char* f : {"report.html", "distinctness.svg", "smoothness.svg", "lipsync.svg"})
    EXPECT_TRUE(std::filesystem::exists(out + "/" + f)) << f;
  // The rules the issues state as numbers and the shipped model meets (figures in
  // models/default/README.md); a model that regresses on them fails here.
  for (const auto& rule : rep["rules"]) {
    const std::string id = rule["id"];
    if (id == "reproducibility.variance" || id == "reproducibility.error" || id == "distinctness.identification" ||
        id == "loudness.lip_shift" || id == "lipsync.rest_after_speech" || id == "lipsync.articulation_auc" ||
        id == "lipsync.rounding_auc" || id == "lipsync.sealed" || id == "lipsync.open" || id == "lipsync.jitter" ||
        id == "emotion.sealed" || id == "smoothness.step.EXPRESSION" || id == "distinctness.closest_pair" ||
        id == "emotion.articulation_auc") {
      EXPECT_TRUE(rule["pass"].get<bool>()) << id << " = " << rule["value"];
    }
  }
}
