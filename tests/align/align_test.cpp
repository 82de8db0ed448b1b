// The aligner without ../shared/data: pronunciations, espeak-ng speech aligned to its
// own text, and every kind of bad input (needs the pocketsphinx-en-us model, an apt
// package of the install list).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "align/align.h"
#include "align/pronounce.h"
#include "align/text_lips.h"
#include "arkit/blendshapes.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "tts/tts.h"

using namespace emosync;

namespace {

const std::string kSentence = "The quick brown fox jumps over the lazy dog, and a big moose bumps into my map.";

const tts::TtsResult& spoken() {
  static const tts::TtsResult r = [] {
    tts::TtsConfig c;
    c.engine = "espeak";
    return tts::make_tts(c)->synthesize(kSentence);
  }();
  return r;
}

align::Aligner& aligner() {
  static align::Aligner a;
  return a;
}

std::string error_of(const audio::Audio& a, const std::string& text) {
  try {
    aligner().align(a, text);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(AlignWords, NormaliseTrimsPunctuationAndCase) {
  EXPECT_EQ(align::normalise_word("\"Hello,\""), "hello");
  EXPECT_EQ(align::normalise_word("don't."), "don't");
  EXPECT_EQ(align::normalise_word("lower-case"), "lower-case");
  EXPECT_EQ(align::normalise_word("--"), "");
  EXPECT_EQ(align::normalise_word("..."), "");
}

TEST(AlignWords, TagsAreNotWords) {
  auto w = align::transcript_words("[joy:80] I got it! [sad:40] But --");
  ASSERT_EQ(w.size(), 5u);
  EXPECT_EQ(w[0], "I");
  EXPECT_EQ(w[3], "But");
}

TEST(AlignDictionary, AlternatesStressAndErrors) {
  auto dir = std::filesystem::path(EMOSYNC_BINARY_DIR) / "test_tmp" / "align";
  io::write_file_atomic((dir / "d.dict").string(), "tomato T AH0 M EY1 T OW2\ntomato(2) T AH0 M AA1 T OW2\nA AH0\n");
  auto d = align::Dictionary::load((dir / "d.dict").string());
  ASSERT_NE(d->find("tomato"), nullptr);
  ASSERT_EQ(d->find("tomato")->size(), 2u);
  EXPECT_EQ((*d->find("tomato"))[1], (align::Pron{"T", "AH", "M", "AA", "T", "OW"}));
  EXPECT_NE(d->find("a"), nullptr);  // lower-cased
  EXPECT_EQ(d->find("potato"), nullptr);
  EXPECT_EQ(d->phones(), (std::vector<std::string>{"AA", "AH", "EY", "M", "OW", "T"}));

  io::write_file_atomic((dir / "bad.dict").string(), "ok OW K EY\nbroken\n");
  try {
    align::Dictionary::load((dir / "bad.dict").string());
    FAIL() << "a word without phones was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.dict:2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(align::Dictionary::load((dir / "missing.dict").string()), Error);
}

// Every phoneme espeak-ng's English voices report maps to phones the en-us model has.
TEST(AlignEspeak, EveryEnglishPhonemeHasArpabet) {
  std::ifstream in(std::string(EMOSYNC_SOURCE_DIR) + "/data/viseme/phonemes_espeak_en.json");
  auto j = nlohmann::json::parse(in);
  auto model = align::Dictionary::load(align::AlignConfig{}.dict);
  std::size_t mapped = 0;
  for (const auto& [viseme, symbols] : j["visemes"].items())
    for (const auto& s : symbols) {
      auto phones = align::espeak_to_arpabet(s.get<std::string>());
      EXPECT_EQ(phones.empty(), viseme == "sil") << s;
      for (const auto& p : phones)
        EXPECT_TRUE(std::binary_search(model->phones().begin(), model->phones().end(), p)) << s << " -> " << p;
      mapped += !phones.empty();
    }
  EXPECT_GT(mapped, 100u);
  EXPECT_THROW(align::espeak_to_arpabet("no-such-phoneme"), Error);
  EXPECT_EQ(align::espeak_pronounce("zorblax").front(), "Z");
}

TEST(Align, SyntheticSpeechFollowsItsWords) {
  const auto& s = spoken();
  align::Alignment r = aligner().align(s.audio, "[joy:80] " + kSentence);
  // espeak-ng's formant speech is far from the voices the acoustic model learnt: its
  // confidence sits near the threshold (no check of `matched` here), but its timing holds.
  std::printf("espeak-ng sentence: gap %.2f nats/frame, confidence %.2f\n", r.score_gap, r.confidence);
  ASSERT_EQ(r.word_index.size(), 17u);
  EXPECT_EQ(r.transcript_words, 17u);
  // Contiguous spans over the clip, phones in the model's set.
  ASSERT_FALSE(r.phones.empty());
  EXPECT_EQ(r.phones.front().start_s, 0.0);
  EXPECT_NEAR(r.phones.back().end_s, s.audio.duration_s(), 1e-3);
  for (std::size_t i = 1; i < r.phones.size(); ++i) EXPECT_EQ(r.phones[i].start_s, r.phones[i - 1].end_s);
  // espeak-ng's own word onsets (its events): every one within 100 ms, half within 30 ms
  // (a stop's onset is its silent closure for espeak, often its burst for the aligner).
  std::size_t k = 0, close = 0;
  for (const auto& w : r.words) {
    if (w.label == "sil") continue;
    ASSERT_LT(k, s.words.size());
    EXPECT_NEAR(w.start_s, s.words[k].start_s, 0.100) << w.label;
    close += std::fabs(w.start_s - s.words[k].start_s) <= 0.030;
    ++k;
  }
  EXPECT_GE(close, k / 2);
  std::string tsv = r.phones_tsv();
  EXPECT_EQ(tsv.rfind("start_s\tend_s\tlabel\n", 0), 0u);
  EXPECT_NE(tsv.find("\tM\n"), std::string::npos);
}

TEST(Align, AKeptAlignerAnswersAsAFreshOne) {
  // The C API and the server keep one aligner between clips: nothing of the previous clip
  // may carry over into the next (pocketsphinx's noise estimate did, before each
  // alignment started a stream of its own).
  align::Aligner kept;
  const align::Alignment first = kept.align(spoken().audio, kSentence);
  const std::string between = "Bob bought a big blue map in Memphis.";
  const auto other = tts::make_tts({})->synthesize(between);
  try {  // fitted or not, the clip went through the decoder, which is what leaves state
    kept.align(other.audio, between);
  } catch (const Error&) {
  }
  const align::Alignment again = kept.align(spoken().audio, kSentence);
  EXPECT_EQ(again.score_gap, first.score_gap);
  EXPECT_EQ(again.phones_tsv(), first.phones_tsv());
  EXPECT_EQ(aligner().align(spoken().audio, kSentence).score_gap, first.score_gap);
}

TEST(Align, PunctuationWordsAreSkippedAndIndexed) {
  align::Alignment r = aligner().align(spoken().audio, "The quick brown fox -- jumps over the lazy dog, and a big moose bumps into my map.");
  ASSERT_EQ(r.word_index.size(), 17u);
  EXPECT_EQ(r.transcript_words, 18u);
  EXPECT_EQ(r.word_index[3], 3u);
  EXPECT_EQ(r.word_index[4], 5u);  // "jumps", after the dash
}

TEST(AlignBadInput, EmptyOrPunctuationOnlyText) {
  const auto& a = spoken().audio;
  EXPECT_NE(error_of(a, "").find("no words"), std::string::npos);
  EXPECT_NE(error_of(a, "  ... !!! -- ").find("no words"), std::string::npos);
  EXPECT_NE(error_of(a, "[joy:80]").find("no words"), std::string::npos);
  EXPECT_NE(error_of(a, "[joy:80 unclosed").find("line 1"), std::string::npos);
}

TEST(AlignBadInput, SilentEmptyOrTooShortAudio) {
  audio::Audio silence;
  silence.samples.assign(16000 * 2, 0.f);
  EXPECT_NE(error_of(silence, kSentence).find("silent"), std::string::npos);
  audio::Audio hiss = silence;
  for (std::size_t i = 0; i < hiss.samples.size(); ++i) hiss.samples[i] = 1e-4f * std::sin(i * 0.7f);
  EXPECT_NE(error_of(hiss, kSentence).find("silent"), std::string::npos);
  EXPECT_NE(error_of(audio::Audio{}, kSentence).find("empty"), std::string::npos);
  audio::Audio clipped = spoken().audio;
  clipped.samples.resize(clipped.sample_rate / 4);  // 250 ms for 17 words
  EXPECT_NE(error_of(clipped, kSentence).find("does not match"), std::string::npos);
}

TEST(AlignBadInput, OtherSpeechIsRejected) {
  const std::string other = "Seven silly sisters sell sea shells, while lonely lions sleep quietly in the shade.";
  const double own_gap = aligner().align(spoken().audio, kSentence).score_gap;
  try {
    align::Alignment r = aligner().align(spoken().audio, other);
    EXPECT_FALSE(r.matched);
    EXPECT_GT(r.score_gap, own_gap + 0.5);  // clearly worse than the right text, not only below the line
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("does not match"), std::string::npos) << e.what();
  }
}

TEST(AlignBadInput, LimitsAndConfig) {
  audio::Audio long_audio;
  long_audio.samples.assign(static_cast<std::size_t>(16000 * (align::kMaxAudioS + 1)), 0.1f);
  EXPECT_NE(error_of(long_audio, "hello").find("at most 600 s"), std::string::npos);
  std::string many;
  for (std::size_t i = 0; i <= align::kMaxWords; ++i) many += "la ";
  EXPECT_NE(error_of(spoken().audio, many).find("at most 4000"), std::string::npos);

  align::AlignConfig bad;
  bad.min_confidence = 2;
  EXPECT_THROW(align::Aligner{bad}, Error);
  align::AlignConfig no_model;
  no_model.model_dir = "no/such/model";
  try {
    align::Aligner a(no_model);
    FAIL() << "a missing model was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no/such/model"), std::string::npos) << e.what();
  }
  align::AlignConfig strict;
  strict.espeak_fallback = false;
  align::Aligner s(strict);
  try {
    s.align(spoken().audio, "zorblax");
    FAIL() << "a word missing from the dictionary was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'zorblax' is not in the dictionary"), std::string::npos) << e.what();
  }
}

TEST(AlignBadInput, RequireMatchNamesTheInput) {
  align::Alignment r;
  r.confidence = 0.1;
  try {
    align::require_match(r, "speech.wav", 0.5);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("speech.wav: the transcript does not match"), std::string::npos);
  }
}

// --lips text: the teacher takes LIPSYNC and SHARED, the model keeps EXPRESSION, and a
// vowel squeezed between bilabials parts the lips at its centre only.
TEST(TextLips, BlendKeepsExpressionAndPartsLipsInVowels) {
  align::Alignment a;
  a.phones = {{0.0, 0.1, "B"}, {0.1, 0.4, "AA"}, {0.4, 0.5, "B"}, {0.5, 1.0, "sil"}};
  a.duration_s = 1.0;
  audio::Audio speech;
  speech.samples.assign(16000, 0.f);
  for (std::size_t i = 0; i < 8000; ++i) speech.samples[i] = 0.3f * std::sin(i * 0.05f);
  const std::size_t n = 30, jaw = arkit::index_of("jawOpen"), close = arkit::index_of("mouthClose"),
                    brow = arkit::index_of("browInnerUp");
  std::vector<float> frames(n * arkit::kCount, 0.5f);
  align::blend_text_lips(frames, 30, speech, a);
  for (std::size_t f = 0; f < n; ++f) EXPECT_FLOAT_EQ(frames[f * arkit::kCount + brow], 0.5f) << f;
  // Middle third of the AA (0.2-0.3 s): mouthClose at most a quarter of jawOpen.
  for (std::size_t f = 6; f <= 9; ++f)
    EXPECT_LE(frames[f * arkit::kCount + close], 0.25f * frames[f * arkit::kCount + jaw] + 1e-6f) << f;

  std::vector<float> held(n * arkit::kCount, 0.f);
  for (std::size_t f = 0; f < n; ++f) held[f * arkit::kCount + close] = 0.6f, held[f * arkit::kCount + jaw] = 0.2f;
  align::release_lips_in_vowels(held, 30, a);
  EXPECT_FLOAT_EQ(held[1 * arkit::kCount + close], 0.6f);   // inside the first B
  EXPECT_FLOAT_EQ(held[13 * arkit::kCount + close], 0.6f);  // inside the second B
  EXPECT_NEAR(held[7 * arkit::kCount + close], 0.05f, 1e-6f);
}

TEST(TextLips, LipSourceNames) {
  EXPECT_EQ(align::lip_source_from_string("text", "--lips"), align::LipSource::Text);
  EXPECT_EQ(align::lip_source_from_string("audio", "--lips"), align::LipSource::Audio);
  EXPECT_THROW(align::lip_source_from_string("video", "--lips"), Error);
}

// animate's timings: one per transcript word, punctuation-only words an empty span.
TEST(AlignWords, TimingsCoverEveryTranscriptWord) {
  align::Alignment r = aligner().align(spoken().audio, "[joy:80] The quick brown fox -- jumps over the lazy dog, and a big moose bumps into my map.");
  auto t = align::word_timings(r);
  ASSERT_EQ(t.size(), 18u);
  EXPECT_EQ(t[3].word, "fox");
  EXPECT_EQ(t[4].word, "");
  EXPECT_EQ(t[4].start_s, t[3].end_s);
  EXPECT_EQ(t[4].end_s, t[3].end_s);
  EXPECT_EQ(t[5].word, "jumps");
  for (std::size_t i = 1; i < t.size(); ++i) EXPECT_GE(t[i].start_s, t[i - 1].end_s - 1e-9);

  std::string warning;
  audio::Audio silence;
  silence.samples.assign(16000, 0.f);
  EXPECT_TRUE(align::align_words_or_warn(aligner(), silence, kSentence, &warning).empty());
  EXPECT_NE(warning.find("silent"), std::string::npos) << warning;
}
