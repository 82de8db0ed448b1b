// `emosync validate` on the embedded default model, as CI and users run it.
#include <gtest/gtest.h>

#include <filesystem>

#include "io/json_file.h"
#include "support/test_support.h"

using namespace emosync;

TEST(ValidateCli, DefaultModelReportIsCompleteAndItsExitStatusTellsTheTruth) {
  const std::string data = std::string(EMOSYNC_SOURCE_DIR) + "/../shared/data";
  ASSERT_TRUE(std::filesystem::is_directory(data + "/speech/ljspeech"))
      << "../shared/data/speech/ljspeech is missing: this test needs the held-out LJ Speech clips";
  const std::string out = test_support::temp_path("validate_cli", "report");
  std::filesystem::remove_all(out);
  auto r = test_support::run_emosync("validate --data " + data + " -o " + out);
  std::printf("%s\n", r.out.c_str());
  io::Json rep = io::load_json_file(out + "/report.json");
  ASSERT_EQ(rep["rules"].size(), 14u);
  bool all = true;
  for (const auto& rule : rep["rules"]) all = all && rule["pass"].get<bool>();
  EXPECT_EQ(rep["pass"].get<bool>(), all);
  EXPECT_EQ(r.rc == 0, all) << r.out;
  EXPECT_EQ(rep["inputs"]["real_clips"], 8);
  for (const char* f : {"report.html", "distinctness.svg", "smoothness.svg", "lipsync.svg"})
    EXPECT_TRUE(std::filesystem::exists(out + "/" + f)) << f;
  // The rules the issues state as numbers and the shipped model meets (figures in
  // models/default/README.md); a model that regresses on them fails here.
  for (const auto& rule : rep["rules"]) {
    const std::string id = rule["id"];
    if (id == "reproducibility.variance" || id == "reproducibility.error" || id == "distinctness.identification" ||
        id == "loudness.lip_shift" || id == "lipsync.rest_after_speech") {
      EXPECT_TRUE(rule["pass"].get<bool>()) << id << " = " << rule["value"];
    }
  }
}
