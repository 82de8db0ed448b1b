// `scenarios import-recorded --splits` on a real corpus of ../shared/data/speech (fails
// loudly without it): vctk with the shared splits.tsv yields exactly the metadata rows of
// its train speakers, and none of a dev speaker.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <sstream>
#include <string>

#include "io/atomic_file.h"
#include "scenarios/scenario.h"
#include "support/test_support.h"

using namespace emosync;
using test_support::run_emosync;
namespace fs = std::filesystem;

TEST(ImportVctk, TrainClipsAreTheTrainSpeakersRows) {
  const fs::path speech = fs::path(EMOSYNC_SOURCE_DIR) / ".." / "shared" / "data" / "speech";
  ASSERT_TRUE(fs::exists(speech / "vctk" / "metadata.tsv") && fs::exists(speech / "splits.tsv"))
      << "\n\n*** shared data missing: " << speech.string()
      << " has no vctk/metadata.tsv or splits.tsv (shared/data/speech beside the repository). ***\n";
  // The expectation, read independently of the importer: speaker -> split for vctk
  // (named rows; the corpus has no '*' row), then the metadata rows of train speakers.
  std::map<std::string, std::string> split;
  std::istringstream splits(io::read_file((speech / "splits.tsv").string()));
  for (std::string c, sp, s; splits >> c >> sp >> s;)
    if (c == "vctk") split[sp] = s;
  ASSERT_EQ(split.count("*"), 0u) << "splits.tsv places vctk as a whole now: update this test";
  std::size_t train_rows = 0, dev_rows = 0;
  std::istringstream meta(io::read_file((speech / "vctk" / "metadata.tsv").string()));
  std::string line;
  std::getline(meta, line);  // header
  while (std::getline(meta, line)) {
    if (line.empty()) continue;
    std::istringstream f(line);
    std::string id, speaker;
    std::getline(f, id, '\t');
    std::getline(f, speaker, '\t');
    ASSERT_TRUE(split.count(speaker)) << speaker << " of vctk is in no split";
    (split[speaker] == "train" ? train_rows : dev_rows)++;
  }
  ASSERT_GT(train_rows, 0u);
  ASSERT_GT(dev_rows, 0u);

  const fs::path out = fs::path(test_support::temp_path("import_vctk", "train.jsonl"));
  fs::create_directories(out.parent_path());
  auto r = run_emosync("scenarios import-recorded --no-align --dir " + (speech / "vctk").string() + " --splits " +
                       (speech / "splits.tsv").string() + " --split train -o " + out.string());
  ASSERT_EQ(r.rc, 0) << r.out;
  const auto loaded = scenarios::load_scenarios(out.string(), true).scenarios;
  EXPECT_EQ(loaded.size(), train_rows);
  for (const auto& s : loaded) {
    const std::string& by = s.turns.at(0).recorded_by;
    ASSERT_EQ(by.rfind("vctk/", 0), 0u) << s.id << ": " << by;
    EXPECT_EQ(split[by.substr(5)], "train") << s.id << " was spoken by " << by;
    EXPECT_EQ(s.id.rfind("rec-vctk-", 0), 0u) << s.id;
  }
}
