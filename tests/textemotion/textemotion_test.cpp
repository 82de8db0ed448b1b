#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <regex>
#include <tuple>

#include "io/atomic_file.h"
#include "io/error.h"
#include "test_model_util.h"
#include "textemotion/input.h"
#include "textemotion/sentences.h"
#include "textemotion/tagger.h"
#include "textemotion/tokenizer.h"
#include "textemotion/weights.h"

using namespace emosync;
using namespace emosync::textemotion;
using te_test::random_weights;
using te_test::expect_error;
using te_test::source_path;

namespace {

const Tokenizer& shipped_tokenizer() {
  static const Tokenizer t = Tokenizer::load(source_path("models/textemotion/tokenizer.model"));
  return t;
}

ModelConfig small_config() {
  ModelConfig c;
  c.vocab = shipped_tokenizer().size() + kSpecialTokens;
  c.embed = 16;
  c.hidden = 24;
  c.heads = 3;
  c.ffn = 40;
  c.layers = 2;
  c.max_len = 64;
  return c;
}

}  // namespace

TEST(Sentences, SplitsOnTerminatorsEllipsesAndQuotes) {
  auto s = split_sentences("I got the job! But I have to move away... Why? \"Really?\" she asked. Okay.");
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s[0], "I got the job!");
  EXPECT_EQ(s[1], "But I have to move away...");
  EXPECT_EQ(s[2], "Why?");
  EXPECT_EQ(s[3], "\"Really?\" she asked.");  // quote + lower-case attribution continues
  EXPECT_EQ(s[4], "Okay.");
}

TEST(Sentences, KeepsAbbreviationsNumbersAndContinuingEllipses) {
  auto s = split_sentences("Mr. Smith paid 3.50 dollars. Well... maybe not. Wait\xE2\x80\xA6 What?!  Fine");
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s[0], "Mr. Smith paid 3.50 dollars.");
  EXPECT_EQ(s[1], "Well... maybe not.");
  EXPECT_EQ(s[2], "Wait\xE2\x80\xA6");
  EXPECT_EQ(s[3], "What?!");
  EXPECT_EQ(s[4], "Fine");
}

TEST(Tokenizer, EncodesKnownTextAndUnknownCharacters) {
  const Tokenizer& t = shipped_tokenizer();
  EXPECT_GT(t.size(), 1000);
  auto ids = t.encode("I am so happy for you!");
  ASSERT_FALSE(ids.empty());
  std::string joined;
  for (int id : ids) joined += t.piece(id);
  EXPECT_EQ(joined, "\xE2\x96\x81I\xE2\x96\x81" "am\xE2\x96\x81so\xE2\x96\x81happy\xE2\x96\x81" "for\xE2\x96\x81you!");
  // A character absent from the training text becomes one unknown id (runs merged).
  auto unk = t.encode("\xE4\xB8\x80\xE4\xB8\x81");
  EXPECT_NE(std::find(unk.begin(), unk.end(), t.unk_id()), unk.end());
  EXPECT_TRUE(t.encode("").empty());
  EXPECT_EQ(t.encode("  hello   world "), t.encode("hello world"));
}

TEST(Tokenizer, DamagedModelFailsClearly) {
  std::string bytes = io::read_file(source_path("models/textemotion/tokenizer.model"));
  auto msg = expect_error([&] { Tokenizer::from_bytes(bytes.substr(0, bytes.size() / 2), "half.model"); });
  EXPECT_NE(msg.find("half.model"), std::string::npos) << msg;
  msg = expect_error([&] { Tokenizer::from_bytes("\xff\xff\xff", "junk.model"); });
  EXPECT_NE(msg.find("junk.model"), std::string::npos) << msg;
}

// A SentencePiece model written field by field (protobuf): each piece with its score and
// type (1 normal, 2 unknown, as in sentencepiece_model.proto).
static std::string piece_model(const std::vector<std::tuple<std::string, float, int>>& pieces) {
  std::string out;
  for (const auto& [text, score, type] : pieces) {
    std::string p;
    p += '\x0a';
    p += static_cast<char>(text.size());
    p += text;
    p += '\x15';
    char f[4];
    std::memcpy(f, &score, 4);
    p.append(f, 4);
    p += '\x18';
    p += static_cast<char>(type);
    out += '\x0a';
    out += static_cast<char>(p.size());
    out += p;
  }
  return out;
}

TEST(Tokenizer, NonFiniteScoresAreRejectedAndIdsStayInTheVocabulary) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  for (float bad : {nan, inf, -inf}) {
    std::string bytes = piece_model({{"<unk>", 0.0f, 2}, {"a", bad, 1}});
    auto msg = expect_error([&] { Tokenizer::from_bytes(bytes, "bad.model"); });
    EXPECT_NE(msg.find("bad.model: piece 1 has a non-finite score"), std::string::npos) << msg;
  }
  // Extreme but finite scores still give ids that index the vocabulary.
  const float lowest = std::numeric_limits<float>::lowest();
  Tokenizer t = Tokenizer::from_bytes(
      piece_model({{"<unk>", 0.0f, 2}, {"a", lowest, 1}, {"b", 3e38f, 1}}),
      "extreme.model");
  for (int id : t.encode("abba cab a")) {
    EXPECT_GE(id, 0);
    EXPECT_LT(id, t.size());
  }
}

TEST(Input, SentenceFirstThenMarkedContext) {
  const Tokenizer& t = shipped_tokenizer();
  auto ids = encode_input(t, "Thanks!", {{true, "old turn"}, {false, "I fixed it"}, {true, "last"}}, 64);
  ASSERT_GE(ids.size(), 4u);
  EXPECT_EQ(ids[0], special_id(t, kCls));
  auto sep = std::find(ids.begin(), ids.end(), special_id(t, kSep));
  ASSERT_NE(sep, ids.end());
  EXPECT_EQ(*(sep + 1), special_id(t, kSelf));  // most recent turn ("last") first
  EXPECT_EQ(std::count(ids.begin(), ids.end(), special_id(t, kOther)), 1);  // window of 2
  EXPECT_EQ(std::count(ids.begin(), ids.end(), special_id(t, kSelf)), 1);
  EXPECT_EQ(encode_input(t, "Thanks!", {}, 64).size(), static_cast<std::size_t>(sep - ids.begin() + 1));
  EXPECT_LE(encode_input(t, std::string(2000, 'a'), {}, 64).size(), 64u);
}

TEST(Weights, RoundTripAndPrediction) {
  ModelConfig c = small_config();
  WeightsFile w = random_weights(c);
  std::string bytes = w.to_bytes();
  WeightsFile r = WeightsFile::from_bytes(bytes, "mem");
  EXPECT_EQ(r.tensors.at("layer.qkv.weight").data, w.tensors.at("layer.qkv.weight").data);
  Model m = Model::from_weights(r, "mem");
  auto p = m.predict(encode_input(shipped_tokenizer(), "What a day.", {}, c.max_len));
  EXPECT_NEAR(std::accumulate(p.probs.begin(), p.probs.end(), 0.0), 1.0, 1e-5);
  for (float v : p.vad) EXPECT_LE(std::abs(v), 1.f);
}

TEST(Weights, DamagedFilesGiveClearErrors) {
  ModelConfig c = small_config();
  const std::string bytes = random_weights(c).to_bytes();
  EXPECT_NE(expect_error([&] { WeightsFile::from_bytes(bytes.substr(0, 5), "w.st"); }).find("truncated"), std::string::npos);
  EXPECT_NE(expect_error([&] { WeightsFile::from_bytes(bytes.substr(0, bytes.size() - 10), "w.st"); }).find("w.st"), std::string::npos);
  std::string flipped = bytes;
  flipped[flipped.size() - 3] ^= 0x40;
  EXPECT_NE(expect_error([&] { WeightsFile::from_bytes(flipped, "w.st"); }).find("CRC-32 mismatch"), std::string::npos);
  std::string badjson = bytes;
  badjson[9] = '#';
  EXPECT_NE(expect_error([&] { WeightsFile::from_bytes(badjson, "w.st"); }).find("JSON"), std::string::npos);
  WeightsFile w = random_weights(c);
  w.tensors.erase("layer.ff2.bias");
  auto msg = expect_error([&] { Model::from_weights(WeightsFile::from_bytes(w.to_bytes(), "w.st"), "w.st"); });
  EXPECT_NE(msg.find("layer.ff2.bias"), std::string::npos) << msg;
  w = random_weights(c);
  w.tensors["layer.ff1.weight"].shape = {static_cast<std::size_t>(c.hidden), static_cast<std::size_t>(c.ffn)};
  msg = expect_error([&] { Model::from_weights(WeightsFile::from_bytes(w.to_bytes(), "w.st"), "w.st"); });
  EXPECT_NE(msg.find("expected"), std::string::npos) << msg;
  io::write_file_atomic(std::string(EMOSYNC_BINARY_DIR) + "/te_damaged.safetensors", bytes.substr(0, bytes.size() / 2));
  msg = expect_error([&] { Model::load(std::string(EMOSYNC_BINARY_DIR) + "/te_damaged.safetensors"); });
  EXPECT_NE(msg.find("te_damaged.safetensors"), std::string::npos) << msg;
}

TEST(Tagger, TaggedTextAndJsonFormat) {
  ModelConfig c = small_config();
  Tagger t(shipped_tokenizer(), Model::from_weights(random_weights(c), "mem"));
  auto r = t.tag("I got the job! But I have to move away. Sigh...", {{false, "How did it go?"}});
  ASSERT_EQ(r.size(), 3u);
  std::string tagged = to_tagged_text(r);
  std::regex form(R"(^(\[[a-z]+(:[0-9]{1,3})?\] [^\[]+)+$)");
  EXPECT_TRUE(std::regex_match(tagged, form)) << tagged;
  EXPECT_NE(tagged.find("I got the job!"), std::string::npos);
  for (auto& s : r) {
    if (s.emotion != 0) {
      EXPECT_GE(s.intensity, 20);
      EXPECT_LE(s.intensity, 100);
    }
  }
  auto j = to_json(r);
  ASSERT_EQ(j["sentences"].size(), 3u);
  double sum = 0;
  for (auto& [k, v] : j["sentences"][1]["probs"].items()) sum += v.get<double>();
  EXPECT_NEAR(sum, 1.0, 1e-3);
  EXPECT_EQ(j["sentences"][1]["vad"].size(), 3u);
  EXPECT_EQ(j["sentences"][0]["text"], "I got the job!");
}

TEST(Tagger, IntensityRule) {
  Prediction p;
  p.probs.fill(0.f);
  p.probs[1] = 1.f;  // certain joy
  p.vad = {0.f, 0.f, 0.f};
  int certain = intensity_of(1, p);
  p.probs.fill(1.f / 16);
  int unsure = intensity_of(1, p);
  EXPECT_GT(certain, unsure);
  EXPECT_EQ(unsure, 20);  // floor at L1
  EXPECT_EQ(intensity_of(0, p), 0);
}

// What say/animate and serve hand the timeline: tags pass, plain text gets tagged, text
// without a sentence stays neutral.
TEST(Tagger, TimelineTextTagsOnlyPlainText) {
  const Tagger& t = Tagger::embedded();
  TimelineText given = timeline_text("[sad:40] Oh well. [glee] typo stays for the parser", t);
  EXPECT_EQ(given.text, "[sad:40] Oh well. [glee] typo stays for the parser");
  EXPECT_EQ(given.how, "tags as given");
  TimelineText plain = timeline_text("Thank you so much, this is wonderful! I am so sorry for your loss.", t);
  EXPECT_EQ(plain.text, to_tagged_text(t.tag("Thank you so much, this is wonderful! I am so sorry for your loss.", {})));
  EXPECT_EQ(plain.text.rfind("[gratitude:", 0), 0u) << plain.text;
  EXPECT_NE(plain.how.find("text-emotion model"), std::string::npos);
  TimelineText empty = timeline_text("   ", t);
  EXPECT_EQ(empty.text, "   ");
  EXPECT_NE(empty.how.find("neutral"), std::string::npos);
}

TEST(Tagger, EmbeddedModelTagsText) {
  // The model ships in models/textemotion and is embedded: failing to load it is a bug.
  const Tagger* t = &Tagger::embedded();
  auto r = t->tag("Thank you so much, this is wonderful! I am so sorry for your loss.", {});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].emotion, 4u) << to_tagged_text(r);   // gratitude
  EXPECT_GT(r[0].pred.vad[0], r[1].pred.vad[0]);      // thanks more pleasant than condolence
}
