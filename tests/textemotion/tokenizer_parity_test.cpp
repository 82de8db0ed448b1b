// The runtime tokenizer (no libsentencepiece) must give exactly libsentencepiece's ids.
#include <gtest/gtest.h>
#include <sentencepiece_processor.h>

#include <random>

#include "test_model_util.h"
#include "textemotion/input.h"
#include "textemotion/tokenizer.h"

using namespace emosync::textemotion;

namespace {

std::vector<std::string> sentences() {
  std::vector<std::string> s = {
      "I got the job!", "But I have to move away...", "WHY THE FUCK IS BAYLESS ISOING",
      "Thank you so much [NAME], you're the best :)", "lol that's hilarious 😂😂", "  spaced   out   text  ",
      "Ünïcödé café naïve résumé — “quotes” and ‘single’ …", "3.14159 is pi; 2+2=4? #hashtag @user",
      "日本語のテキスト and 中文", "a", "!!!", "I'm sooooo saaaad right now", "don't/won't/can't", "e.g. i.e. etc."};
  // Many more: random sequences of vocabulary pieces and characters, so that ambiguous
  // segmentations and unknown characters are exercised.
  sentencepiece::SentencePieceProcessor sp;
  if (!sp.Load(te_test::source_path("models/textemotion/tokenizer.model")).ok()) return s;
  std::mt19937 rng(3);
  const std::string chars = "abcdefghijklmnopqrstuvwxyz ABCXYZ.,!?'\"-0123456789";
  for (int n = 0; n < 3000; ++n) {
    std::string t;
    int parts = 1 + static_cast<int>(rng() % 8);
    for (int k = 0; k < parts; ++k) {
      if (rng() % 3 == 0) {
        t += chars[rng() % chars.size()];
      } else {
        std::string p = sp.IdToPiece(static_cast<int>(rng() % static_cast<unsigned>(sp.GetPieceSize())));
        for (std::size_t pos; (pos = p.find("\xE2\x96\x81")) != std::string::npos;) p.replace(pos, 3, " ");
        t += p;
      }
    }
    s.push_back(t);
  }
  return s;
}

}  // namespace

TEST(TokenizerParity, SameIdsAsLibSentencePiece) {
  const std::string path = te_test::source_path("models/textemotion/tokenizer.model");
  sentencepiece::SentencePieceProcessor sp;
  ASSERT_TRUE(sp.Load(path).ok());
  Tokenizer mine = Tokenizer::load(path);
  ASSERT_EQ(mine.size(), sp.GetPieceSize());
  int checked = 0, mismatches = 0;
  for (const auto& raw : sentences()) {
    std::string s = clean_text(raw);
    std::vector<int> ref;
    ASSERT_TRUE(sp.Encode(s, &ref).ok());
    auto got = mine.encode(s);
    ++checked;
    if (got != ref) {
      ++mismatches;
      if (mismatches < 5) ADD_FAILURE() << "ids differ for '" << s << "'";
    }
  }
  EXPECT_GT(checked, 3000);
  EXPECT_EQ(mismatches, 0);
}
