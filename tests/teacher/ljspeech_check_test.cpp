// The rule-based teacher on real speech: 32 LJ Speech clips with forced alignments
// (../shared/data/speech/ljspeech). Fails, never skips, when the data is absent.
#include <gtest/gtest.h>

#include <filesystem>

#include "teacher/speech_check.h"

using namespace emosync;

TEST(LjSpeech, ClosureAndJawFollowLoudness) {
  std::filesystem::path dir = std::filesystem::path(EMOSYNC_SOURCE_DIR) / ".." / "shared" / "data" / "speech" / "ljspeech";
  ASSERT_TRUE(std::filesystem::is_directory(dir / "phones"))
      << "\n\n*** shared data missing: " << dir.string()
      << " does not exist. This test needs the LJ Speech subset from the shared folder"
         " (shared/data/speech/ljspeech beside the repository). ***\n";
  auto out = std::filesystem::path(EMOSYNC_BINARY_DIR) / "test_tmp" / "ljspeech_report";
  auto rep = teacher::check_speech_alignments(dir.string(), out.string(), 30);
  EXPECT_EQ(rep.clips.size(), 32u);
  std::printf("%s", rep.markdown().c_str());
  // Every p/b/m of >= 40 ms must close; allow 5% for alignment slop (10 ms grid).
  EXPECT_GE(rep.closure.rate(), 0.95) << rep.closure.closed << "/" << rep.closure.bilabials;
  EXPECT_GE(rep.closure.bilabials, 100u);
  // jawOpen should follow loudness on real speech.
  EXPECT_GE(rep.mean_r, 0.5);
  EXPECT_LE(rep.max_step, 0.6f);
  EXPECT_TRUE(std::filesystem::exists(out / "LJ001-0001.svg"));
}
