// Evaluates the shipped model on GoEmotions dev / EmoBank test and the n-gram baseline
// the same way; needs ../shared/data (label shared_data) and fails loudly without it.
#include <gtest/gtest.h>

#include <cstdio>

#include "textemotion/tagger.h"
#include "textemotion_train/corpus.h"
#include "textemotion_train/evaluate.h"

using namespace emosync::textemotion;

TEST(ShippedModel, BeatsBaselineOnGoEmotionsDev) {
  std::string dir;
  try {
    dir = shared_data_dir(std::getenv("EMOSYNC_SHARED_DATA") ? "" : std::string(EMOSYNC_SOURCE_DIR) + "/../shared/data");
  } catch (const std::exception& e) {
    FAIL() << "shared data missing: " << e.what();
  }
  auto model = evaluate_model(Tagger::embedded(), dir);
  auto base = evaluate_baseline(dir);
  std::printf("%s%s", model.text("MicroALBERT").c_str(), base.text("baseline").c_str());
  EXPECT_GT(model.dev.macro_f1, base.dev.macro_f1 + 0.05);  // the 5 points
  // The shipped weights carry the lexical VAD part; the blend must beat the head alone.
  ASSERT_TRUE(Tagger::embedded().lexical().has_value());
  for (std::size_t d = 0; d < 3; ++d) EXPECT_GT(model.vad_r[d], model.vad_r_head[d] + 0.03) << "dimension " << d;
  EXPECT_GT(model.vad_r[0], 0.55);
  EXPECT_GT(model.vad_r[0], base.vad_r[0]);
}
