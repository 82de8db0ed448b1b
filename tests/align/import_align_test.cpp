// Training data from recordings with transcripts only: `scenarios import-recorded` aligns
// the clips that come without phones/ID.tsv and leaves out, with a warning, a clip whose
// transcript is another's. Three LJ Speech clips of ../shared/data (fails loudly without).
#include <gtest/gtest.h>

#include <filesystem>

#include "io/atomic_file.h"
#include "support/test_support.h"

using namespace emosync;
using test_support::run_emosync;
namespace fs = std::filesystem;

TEST(ImportAlign, TranscriptOnlyClipsAreAligned) {
  const fs::path lj = fs::path(EMOSYNC_SOURCE_DIR) / ".." / "shared" / "data" / "speech" / "ljspeech";
  ASSERT_TRUE(fs::is_directory(lj / "wav")) << "\n\n*** shared data missing: " << lj.string()
                                            << " does not exist (shared/data/speech/ljspeech beside the repository). ***\n";
  const fs::path dir = test_support::temp_path("import_align", "corpus");
  fs::remove_all(dir);
  fs::create_directories(dir / "wav");
  for (const char* id : {"LJ001-0002", "LJ001-0004", "LJ001-0006"})
    fs::copy_file(lj / "wav" / (std::string(id) + ".wav"), dir / "wav" / (std::string(id) + ".wav"));
  // LJ001-0006 is given LJ001-0002's words: it must not become training data.
  io::write_file_atomic((dir / "metadata.csv").string(),
                        "LJ001-0002|in being comparatively modern.|in being comparatively modern.\n"
                        "LJ001-0004|produced the block books, which were the immediate predecessors of the true printed "
                        "book,|produced the block books, which were the immediate predecessors of the true printed book,\n"
                        "LJ001-0006|in being comparatively modern.|in being comparatively modern.\n");
  const fs::path out = test_support::temp_path("import_align", "out");
  fs::remove_all(out);
  auto r = run_emosync("scenarios import-recorded --dir " + dir.string() + " -o " + (out / "s.jsonl").string());
  ASSERT_EQ(r.rc, 0) << r.out;
  EXPECT_NE(r.out.find("2 recorded clips (2 aligned here, 1 left out"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("LJ001-0006.wav: the transcript does not match"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(out / "alignments" / "LJ001-0004.phones.tsv"));
  EXPECT_TRUE(fs::exists(out / "alignments" / "LJ001-0004.words.tsv"));
  EXPECT_FALSE(fs::exists(out / "alignments" / "LJ001-0006.phones.tsv"));
  const std::string phones = io::read_file((out / "alignments" / "LJ001-0002.phones.tsv").string());
  EXPECT_NE(phones.find("\tM\n"), std::string::npos) << phones;  // comparatively, modern
  auto v = run_emosync("scenarios validate " + (out / "s.jsonl").string());
  EXPECT_EQ(v.rc, 0) << v.out;
  EXPECT_NE(v.out.find("2 scenarios, 2 turns (2 real)"), std::string::npos) << v.out;

  auto none = run_emosync("scenarios import-recorded --no-align --dir " + dir.string() + " -o " + (out / "n.jsonl").string());
  EXPECT_NE(none.rc, 0);
  EXPECT_NE(none.out.find("no clip has phones/ID.tsv"), std::string::npos) << none.out;
}
