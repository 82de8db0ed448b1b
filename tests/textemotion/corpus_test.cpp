// GoEmotions rows keep every class their labels map to (the anchor-VAD training target
// averages them), with the same neutral rule as the single training label.
#include <gtest/gtest.h>

#include <filesystem>

#include "emotion/classes.h"
#include "io/atomic_file.h"
#include "support/test_support.h"
#include "textemotion_train/corpus.h"

using namespace emosync;
using namespace emosync::textemotion;

namespace {
// emotions.txt in the GoEmotions order (label id = line index).
const char* kLabels =
    "admiration\namusement\nanger\nannoyance\napproval\ncaring\nconfusion\ncuriosity\ndesire\ndisappointment\n"
    "disapproval\ndisgust\nembarrassment\nexcitement\nfear\ngratitude\ngrief\njoy\nlove\nnervousness\noptimism\n"
    "pride\nrealization\nrelief\nremorse\nsadness\nsurprise\nneutral\n";

int cls(const char* name) { return static_cast<int>(emotion::parse(name)); }
}  // namespace

TEST(Corpus, GoEmotionsRowsKeepAllMappedClasses) {
  const std::string dir = test_support::temp_path("textemotion_corpus", "goemotions");
  std::filesystem::create_directories(dir);
  io::write_file_atomic(dir + "/emotions.txt", kLabels);
  io::write_file_atomic(dir + "/train.tsv",
                        "calm text\t27\tr1\n"          // neutral alone
                        "ha, fine\t1,27\tr2\n"         // amusement + neutral: neutral dropped
                        "miss you so\t0,18,16\tr3\n"   // admiration, love -> affection; grief -> sadness
                        "oops sorry\t24,4\tr4\n");     // remorse -> apology; approval -> neutral, dropped
  auto rows = load_goemotions(dir, "train");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].classes, std::vector<int>{cls("neutral")});
  EXPECT_EQ(rows[0].label, cls("neutral"));
  EXPECT_EQ(rows[1].classes, std::vector<int>{cls("amusement")});
  EXPECT_EQ(rows[2].classes, (std::vector<int>{cls("affection"), cls("sadness")}));
  EXPECT_EQ(rows[2].label, cls("sadness"));  // the rarer class wins the single label
  EXPECT_EQ(rows[3].classes, std::vector<int>{cls("apology")});
  EXPECT_EQ(rows[3].label, cls("apology"));
}
