// The lexical VAD regressor: its n-gram features, the ridge solver, the weights file
// round trip, the blend inside the tagger, and training end to end on a tiny invented
// corpus (sentences and ratings below are made up here; no shared data needed).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <numeric>
#include <random>
#include <set>

#include "io/atomic_file.h"
#include "io/error.h"
#include "support/test_support.h"
#include "test_model_util.h"
#include "textemotion/lexical_vad.h"
#include "textemotion/tagger.h"
#include "textemotion_train/lexical_train.h"

using namespace emosync;
using namespace emosync::textemotion;
namespace fs = std::filesystem;

namespace {

float total(const std::vector<std::pair<std::uint32_t, float>>& v) {
  float s = 0;
  for (const auto& [b, n] : v) s += n;
  return s;
}

LexicalVad random_lexical(std::uint32_t buckets, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-0.5f, 0.5f);
  std::vector<float> idf(buckets), w(buckets * LexicalVad::kOutputs);
  for (auto& x : idf) x = 1.0f + std::abs(u(rng));
  for (auto& x : w) x = u(rng);
  LexicalVad::Blend blend{};
  for (auto& row : blend) row = {0.3f, 0.8f, 0.2f, -0.05f};
  return LexicalVad(idf, w, {0.01f, -0.02f, 0.03f, 0.0f}, blend);
}

// Invented sentences: EmoBank-style rows (train and dev) and GoEmotions rows of joy,
// sadness and neutral, in the shared data's layout.
fs::path tiny_corpus() {
  const fs::path dir = test_support::temp_path("textemotion_lexical", "data");
  fs::remove_all(dir);
  fs::create_directories(dir / "goemotions");
  fs::create_directories(dir / "emobank");
  // Rows use joy (17), sadness (25), neutral (27).
  io::write_file_atomic((dir / "goemotions/emotions.txt").string(), te_test::goemotions_labels_file());
  const char* good[] = {"a wonderful sunny holiday", "we won the lovely prize", "such a happy bright morning",
                        "our wonderful friends laughed", "a lovely warm welcome", "the happy children sang"};
  const char* bad[] = {"a terrible lonely funeral", "we lost the awful war", "such a grim cold night",
                       "our terrible neighbours shouted", "an awful painful injury", "the lonely dog died"};
  const char* flat[] = {"the table is made of wood", "a train leaves at noon", "the report has four pages"};
  std::string tsv;
  for (const char* t : good) tsv += std::string(t) + "\t17\tid\n";
  for (const char* t : bad) tsv += std::string(t) + "\t25\tid\n";
  for (const char* t : flat) tsv += std::string(t) + "\t27\tid\n";
  io::write_file_atomic((dir / "goemotions/train.tsv").string(), tsv);
  std::string csv = "id,split,V,A,D,text\n";
  int id = 0;
  const char* splits[] = {"train", "train", "dev"};
  for (int rep = 0; rep < 3; ++rep)
    for (int i = 0; i < 6; ++i) {
      csv += "g" + std::to_string(id++) + "," + splits[rep] + ",4.2,3.4,3.2,\"" + good[i] + " again\"\n";
      csv += "b" + std::to_string(id++) + "," + splits[rep] + ",1.8,3.0,2.6,\"" + bad[i] + " again\"\n";
    }
  io::write_file_atomic((dir / "emobank/emobank.csv").string(), csv);

  return dir;
}

}  // namespace

TEST(LexicalFeatures, CountsWordsBigramsAndPaddedCharacterNgrams) {
  const std::uint32_t B = 1u << 20;
  // "ab": one word; " ab " gives 3 bigrams, 2 trigrams and 1 four-gram of characters.
  NgramCounts ab = count_ngrams("ab", B);
  EXPECT_EQ(total(ab.words), 1.0f);
  EXPECT_EQ(total(ab.chars), 6.0f);
  // Case does not matter; '!' and '?' are tokens; other punctuation is not.
  NgramCounts x = count_ngrams("Great day!", B), y = count_ngrams("great DAY!", B);
  EXPECT_EQ(x.words, y.words);
  EXPECT_EQ(x.chars, y.chars);
  EXPECT_EQ(total(x.words), 5.0f);  // great, day, !, great_day, day_!
  EXPECT_EQ(total(count_ngrams("great, day", B).words), 3.0f);
  // Word order shows in the bigrams only.
  NgramCounts a = count_ngrams("not good", B), b = count_ngrams("good not", B);
  EXPECT_NE(a.words, b.words);
  // Repeats are counted.
  EXPECT_EQ(count_ngrams("yes yes", B).words.front().second + count_ngrams("yes yes", B).words.back().second, 3.0f);
  EXPECT_NE(te_test::expect_error([] { count_ngrams("x", 0); }), "");
}

TEST(LexicalFeatures, EachPartHasUnitNormAndIdfWeighs) {
  const std::uint32_t B = 1u << 20;
  std::vector<float> idf(B, 1.0f);
  const NgramCounts c = count_ngrams("the storm broke the old fence", B);
  std::set<std::uint32_t> words, chars;
  for (const auto& [bk, n] : c.words) words.insert(bk);
  for (const auto& [bk, n] : c.chars) chars.insert(bk);
  for (auto bk : words) ASSERT_EQ(chars.count(bk), 0u) << "a word and a character bucket collide; pick another text";
  const SparseVector v = lexical_features(c, idf);
  double norm2 = 0;
  for (float x : v.value) norm2 += static_cast<double>(x) * x;
  EXPECT_NEAR(norm2, 2.0, 1e-5);  // two unit parts, disjoint
  EXPECT_TRUE(std::is_sorted(v.index.begin(), v.index.end()));
  // "the" twice: sublinear tf (1 + ln 2) relative to a word seen once.
  const std::uint32_t the = count_ngrams("the", B).words.front().first, storm = count_ngrams("storm", B).words.front().first;
  auto value_at = [&](const SparseVector& s, std::uint32_t bk) {
    auto it = std::lower_bound(s.index.begin(), s.index.end(), bk);
    return it != s.index.end() && *it == bk ? s.value[static_cast<std::size_t>(it - s.index.begin())] : 0.0f;
  };
  EXPECT_NEAR(value_at(v, the) / value_at(v, storm), 1.0 + std::log(2.0), 1e-5);
  // A rarer n-gram (higher idf) weighs more.
  idf[storm] = 3.0f;
  const SparseVector w = lexical_features(c, idf);
  EXPECT_GT(value_at(w, storm) / value_at(w, the), value_at(v, storm) / value_at(v, the));
  EXPECT_NE(te_test::expect_error([&] { lexical_features(c, std::vector<float>(10, 1.0f)); }), "");
}

TEST(Ridge, RecoversALinearTargetAndIgnoresZeroWeightRows) {
  std::mt19937 rng(3);
  std::uniform_int_distribution<std::uint32_t> col(0, 199);
  std::normal_distribution<float> n(0.f, 1.f);
  std::vector<float> truth(200);
  for (auto& t : truth) t = n(rng);
  SparseRows x;
  std::vector<float> y, sw;
  for (int i = 0; i < 2000; ++i) {
    SparseVector v;
    std::set<std::uint32_t> cols;
    while (cols.size() < 8) cols.insert(col(rng));
    float s = 0.7f;  // intercept
    for (auto c : cols) {
      v.index.push_back(c);
      v.value.push_back(n(rng));
      s += v.value.back() * truth[c];
    }
    x.push(v);
    const bool noise_row = i % 5 == 0;  // garbage targets at weight 0
    y.push_back(noise_row ? 100.0f : s);
    sw.push_back(noise_row ? 0.0f : 1.0f);
  }
  const RidgeFit f = fit_ridge(x, y, sw, 200, 1e-3);
  EXPECT_LT(f.residual, 1e-5);
  EXPECT_NEAR(f.bias, 0.7f, 0.01f);
  double worst = 0;
  for (std::size_t c = 0; c < 200; ++c) worst = std::max(worst, std::abs(static_cast<double>(f.weight[c] - truth[c])));
  EXPECT_LT(worst, 0.02);
  // A large penalty shrinks the weights toward 0 but leaves the intercept free.
  const RidgeFit g = fit_ridge(x, y, sw, 200, 1e5);
  double norm_f = 0, norm_g = 0;
  for (std::size_t c = 0; c < 200; ++c) norm_f += f.weight[c] * f.weight[c], norm_g += g.weight[c] * g.weight[c];
  EXPECT_LT(norm_g, 0.01 * norm_f);
  EXPECT_NEAR(g.bias, 0.7f, 0.2f);
}

TEST(Ridge, BadInputsAreErrors) {
  SparseRows x;
  x.push({{0, 1}, {1.0f, 2.0f}});
  EXPECT_NE(te_test::expect_error([&] { fit_ridge(x, {1.0f, 2.0f}, {1.0f}, 2, 1.0); }).find("one value per row"), std::string::npos);
  EXPECT_NE(te_test::expect_error([&] { fit_ridge(x, {1.0f}, {1.0f}, 2, 0.0); }).find("alpha"), std::string::npos);
  EXPECT_NE(te_test::expect_error([&] { fit_ridge(x, {1.0f}, {0.0f}, 2, 1.0); }).find("weight"), std::string::npos);
  EXPECT_NE(te_test::expect_error([&] { fit_ridge(x, {1.0f}, {1.0f}, 1, 1.0); }).find("outside"), std::string::npos);
}

TEST(LexicalVad, WeightsFileRoundTripAndClearErrors) {
  const LexicalVad lex = random_lexical(4096, 5);
  WeightsFile w;
  lex.to_weights(w);
  const WeightsFile r = WeightsFile::from_bytes(w.to_bytes(), "mem.safetensors");
  ASSERT_TRUE(LexicalVad::present(r));
  const LexicalVad back = LexicalVad::from_weights(r, "mem.safetensors");
  const auto a = lex.predict("Nothing went right today."), b = back.predict("Nothing went right today.");
  for (std::size_t k = 0; k < LexicalVad::kOutputs; ++k) EXPECT_FLOAT_EQ(a[k], b[k]);
  EXPECT_FALSE(LexicalVad::present(WeightsFile{}));

  WeightsFile bad = r;
  bad.tensors.erase("lexical.blend");
  EXPECT_NE(te_test::expect_error([&] { LexicalVad::from_weights(bad, "m.st"); }).find("lexical.blend"), std::string::npos);
  bad = r;
  bad.metadata["lexical_buckets"] = "4095";
  EXPECT_NE(te_test::expect_error([&] { LexicalVad::from_weights(bad, "m.st"); }).find("lexical.idf"), std::string::npos);
  bad = r;
  bad.metadata["lexical"] = "something-else";
  EXPECT_NE(te_test::expect_error([&] { LexicalVad::from_weights(bad, "m.st"); }).find("m.st"), std::string::npos);
  bad = r;
  bad.tensors["lexical.idf"].data[7] = -1.0f;
  EXPECT_NE(te_test::expect_error([&] { LexicalVad::from_weights(bad, "m.st"); }).find("lexical.idf"), std::string::npos);
  bad = r;
  bad.tensors["lexical.weight"].data[3] = std::nanf("");
  EXPECT_NE(te_test::expect_error([&] { LexicalVad::from_weights(bad, "m.st"); }).find("not finite"), std::string::npos);
}

TEST(LexicalVad, BlendFollowsItsFormulaAndClamps) {
  const LexicalVad lex = random_lexical(1024, 9);
  const LexicalVad::Vad head{0.2f, -0.1f, 0.4f};
  const LexicalVad::Scores s{0.1f, 0.3f, -0.2f, 0.5f};
  const auto v = lex.blend(head, s);
  for (std::size_t d = 0; d < 3; ++d) EXPECT_NEAR(v[d], 0.3f * head[d] + 0.8f * s[d] + 0.2f * s[3] - 0.05f, 1e-6);
  const auto big = lex.blend({5.f, -5.f, 5.f}, {5.f, -5.f, 5.f, 0.f});
  EXPECT_EQ(big[0], 1.0f);
  EXPECT_EQ(big[1], -1.0f);
}

TEST(LexicalVad, TaggerBlendsTheHeadWithTheLexicalPart) {
  const Tagger& shipped = Tagger::embedded();
  const LexicalVad lex = random_lexical(2048, 11);
  Tagger with(shipped.tokenizer(), shipped.model(), lex);
  Tagger without(shipped.tokenizer(), shipped.model());
  const std::string s = "I finally finished the marathon.";
  const Prediction p = with.predict(s, {}), q = without.predict(s, {});
  EXPECT_EQ(p.probs, q.probs);        // classes come from the network alone
  EXPECT_EQ(p.vad_head, q.vad);       // the head is unchanged
  const auto scores = lex.predict(s);
  const auto expect = lex.blend(p.vad_head, scores);
  for (std::size_t d = 0; d < 3; ++d) {
    EXPECT_FLOAT_EQ(p.vad[d], expect[d]);
    EXPECT_FLOAT_EQ(p.vad_lexical[d], scores[d]);
  }
}

TEST(LexicalVad, TrainsOnATinyCorpusAndSeparatesValence) {
  const fs::path dir = tiny_corpus();
  LexicalOptions o;
  o.data_dir = dir.string();
  o.buckets = 1u << 16;
  const LexicalResult r = train_lexical(Tagger::embedded(), o);
  EXPECT_EQ(r.emobank_rows, 24u);
  EXPECT_EQ(r.goemotions_rows, 15u);
  EXPECT_GT(r.dev_r_emobank[0], 0.9);  // the dev rows repeat training words
  EXPECT_GT(r.dev_r_blend[0], 0.9);
  EXPECT_NE(r.summary().find("EmoBank dev r"), std::string::npos);
  const Tagger t(Tagger::embedded().tokenizer(), Tagger::embedded().model(), r.lexical);
  EXPECT_GT(t.predict("a wonderful happy holiday", {}).vad[0], t.predict("a terrible lonely night", {}).vad[0]);
  // The GoEmotions regressor learnt valence from the anchors alone.
  const auto g = r.lexical.predict("lovely"), h = r.lexical.predict("awful");
  EXPECT_GT(g[LexicalVad::kGoEmotionsValence], h[LexicalVad::kGoEmotionsValence]);
}

TEST(LexicalVad, CommandFitsAndWritesAModelTheTaggerLoads) {
  const fs::path data = tiny_corpus();
  const std::string model = test_support::temp_path("textemotion_lexical", "model");
  fs::remove_all(model);
  fs::create_directories(model);
  for (const char* f : {"tokenizer.model", "textemotion.safetensors"})
    fs::copy_file(fs::path(EMOSYNC_SOURCE_DIR) / "models/textemotion" / f, fs::path(model) / f);
  const std::string out = (fs::path(model) / "with_lexical.safetensors").string();
  auto r = test_support::run_emosync("textemotion lexical --data " + data.string() + " --model " + model +
                                     " --buckets 4096 --out " + out);
  ASSERT_EQ(r.rc, 0) << r.out;
  EXPECT_EQ(r.out.find("error"), std::string::npos) << r.out;  // the hand-over to emosync-torch writes none
  EXPECT_NE(r.out.find("blend"), std::string::npos) << r.out;
  const Tagger t = Tagger::load(model + "/tokenizer.model", out);
  ASSERT_TRUE(t.lexical().has_value());
  EXPECT_EQ(t.lexical()->buckets(), 4096u);
  // Bad input: a missing data folder is named, and nothing is written.
  fs::remove(out);
  r = test_support::run_emosync("textemotion lexical --data " + model + "/nowhere --model " + model + " --out " + out);
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.out.find("nowhere"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(out));
}

TEST(LexicalVad, AnyBytesGiveFiniteScores) {
  const LexicalVad lex = random_lexical(512, 13);
  std::mt19937 rng(17);
  for (int i = 0; i < 300; ++i) {
    std::string s(rng() % 300, '\0');
    for (char& c : s) c = static_cast<char>(rng() % 256);
    for (float v : lex.predict(s)) ASSERT_TRUE(std::isfinite(v)) << i;
  }
  for (const char* s : {"", " ", "!!!", "\xF0\x9F\x98\x80 caf\xC3\xA9", "\t\n"})
    for (float v : lex.predict(s)) EXPECT_TRUE(std::isfinite(v));
  // Empty text: the bias alone.
  const auto e = lex.predict("");
  EXPECT_FLOAT_EQ(e[0], 0.01f);
}
