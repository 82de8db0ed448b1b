#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "support/test_support.h"
#include "audio/audio.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "tts/tts.h"

using namespace emosync;

using emosync::test_support::error_of;

namespace {
std::string temp_path(const std::string& name) { return test_support::temp_path("tts", name); }

void expect_consistent(const tts::TtsResult& r, const std::string& text) {
  ASSERT_FALSE(r.audio.samples.empty());
  ASSERT_FALSE(r.phonemes.empty());
  ASSERT_FALSE(r.words.empty());
  double dur = r.audio.duration_s();
  for (std::size_t i = 0; i < r.phonemes.size(); ++i) {
    EXPECT_GE(r.phonemes[i].start_s, 0.0);
    EXPECT_LE(r.phonemes[i].end_s, dur + 1e-6);
    EXPECT_LE(r.phonemes[i].start_s, r.phonemes[i].end_s);
    if (i) {
      EXPECT_GE(r.phonemes[i].start_s, r.phonemes[i - 1].start_s);
    }
    EXPECT_TRUE(viseme::PhonemeMap::standard(r.phone_set).knows(r.phonemes[i].symbol)) << r.phonemes[i].symbol;
  }
  for (const auto& w : r.words) {
    EXPECT_LE(w.text_end, text.size());
    EXPECT_LE(w.start_s, w.end_s);
    EXPECT_LE(w.end_s, dur + 1e-6);
  }
}
}  // namespace

TEST(TtsConfig, ValidatesItself) {
  tts::TtsConfig c;
  EXPECT_NO_THROW(c.validate());
  c.engine = "festival";
  EXPECT_NE(error_of([&] { c.validate(); }).find("engine"), std::string::npos);
  c.engine = "espeak";
  c.rate = 10;
  EXPECT_NE(error_of([&] { c.validate(); }).find("rate"), std::string::npos);
  c.rate = 1;
  c.engine = "external";
  EXPECT_NE(error_of([&] { c.validate(); }).find("external_audio"), std::string::npos);
  EXPECT_NE(c.to_string().find("engine=external"), std::string::npos);
}

TEST(EspeakTts, AudioPhonemesAndWordsLineUp) {
  auto t = tts::make_tts({});
  std::string text = "Hello world, maybe.";
  auto r = t->synthesize(text);
  EXPECT_EQ(r.audio.sample_rate, 22050);
  EXPECT_EQ(r.phone_set, viseme::PhoneSet::Espeak);
  expect_consistent(r, text);
  ASSERT_EQ(r.words.size(), 3u);
  EXPECT_EQ(r.words[0].text, "Hello");
  EXPECT_EQ(text.substr(r.words[1].text_begin, r.words[1].text_end - r.words[1].text_begin), "world");
  EXPECT_EQ(r.words[2].text, "maybe");
  EXPECT_LT(r.words[0].end_s, r.words[1].start_s + 1e-9);
  // "maybe" has an m and a b: both appear after the word starts
  int bilabials = 0;
  for (const auto& p : r.phonemes)
    if (p.start_s >= r.words[2].start_s && (p.symbol == "m" || p.symbol == "b")) ++bilabials;
  EXPECT_EQ(bilabials, 2);
}

TEST(EspeakTts, Utf8WordSpansAreBytes) {
  auto t = tts::make_tts({});
  std::string text = "Café au lait, please.";
  auto r = t->synthesize(text);
  ASSERT_GE(r.words.size(), 2u);
  EXPECT_EQ(text.substr(r.words[0].text_begin, r.words[0].text_end - r.words[0].text_begin), "Café");
  EXPECT_EQ(text.substr(r.words[1].text_begin, r.words[1].text_end - r.words[1].text_begin), "au");
}

TEST(EspeakTts, RateChangesDuration) {
  tts::TtsConfig slow, fast;
  slow.rate = 0.7;
  fast.rate = 1.6;
  std::string text = "The rain in Spain stays mainly in the plain.";
  double a = tts::make_tts(slow)->synthesize(text).audio.duration_s();
  double b = tts::make_tts(fast)->synthesize(text).audio.duration_s();
  EXPECT_GT(a, b * 1.5);
}

TEST(EspeakTts, UnknownVoiceIsNamed) {
  tts::TtsConfig c;
  c.voice = "xx-nonexistent";
  EXPECT_NE(error_of([&] { tts::make_tts(c); }).find("xx-nonexistent"), std::string::npos);
}

// The phoneme table must cover whatever the English voices say: synthesise a text rich
// in English sounds (pangrams, diphthongs, r-coloured vowels, syllabic consonants,
// numbers, foreign words) with every en voice and look each phoneme up.
TEST(EspeakTts, EveryEnglishPhonemeEventMaps) {
  const std::string text =
      "The quick brown fox jumps over the lazy dog. Pack my box with five dozen liquor jugs. "
      "Sphinx of black quartz, judge my vow. She sells sea shells by the sea shore. Measure the pleasure of "
      "leisure and vision. Thought, though, through, thorough, tough, cough, bough. Choir, hour, fire, poor, "
      "pure, cure, tour, your, there, here, near, bear, air, car, door, bird, word, nurse. Ahead, about, sofa, "
      "butter, water, little, button, bottle, happy, city. Buy, boy, bay, bow, now, no, new, nude, tune, hat, "
      "hot, hut, hit, heat, hoot, hook, hate, height, hoist, house, whom, which, what, why. Singing, anger, "
      "finger, uh-huh, oh, ah, um, yes, young, azure, genre, beige, rouge, loch, Bach, bath, laugh, dance, "
      "can't, aunt. Naive cafe fiance tsunami pizza schedule Xavier zoo bazaar. 1234567890, 3.14, 100%. "
      "Mrs. Smith's twelfth birthday, sixth, months, strengths, glimpsed.";
  std::set<std::string> seen;
  for (const char* voice : {"en-us", "en", "en-gb-x-rp", "en-gb-scotland", "en-029", "en-gb-x-gbclan"}) {
    tts::TtsConfig c;
    c.voice = voice;
    auto r = tts::make_tts(c)->synthesize(text);
    for (const auto& p : r.phonemes) {
      seen.insert(p.symbol);
      EXPECT_NO_THROW(viseme::PhonemeMap::standard(viseme::PhoneSet::Espeak).lookup(p.symbol))
          << voice << ": '" << p.symbol << "'";
    }
  }
  EXPECT_GE(seen.size(), 60u);  // the text really exercises the inventory
}

TEST(FliteTts, SegmentsAndWords) {
  tts::TtsConfig c;
  c.engine = "flite";
  c.voice = "slt";
  std::string text = "Hello world, it's a bumpy map.";
  auto r = tts::make_tts(c)->synthesize(text);
  EXPECT_EQ(r.phone_set, viseme::PhoneSet::Flite);
  EXPECT_EQ(r.audio.sample_rate, 16000);
  expect_consistent(r, text);
  for (const auto& p : r.phonemes) EXPECT_NO_THROW(viseme::PhonemeMap::standard(viseme::PhoneSet::Flite).lookup(p.symbol));
  ASSERT_GE(r.words.size(), 6u);
  EXPECT_EQ(text.substr(r.words[0].text_begin, r.words[0].text_end - r.words[0].text_begin), "Hello");
  // "it's" is one token, two words sharing its span
  EXPECT_EQ(text.substr(r.words[2].text_begin, r.words[2].text_end - r.words[2].text_begin), "it's");
  EXPECT_EQ(r.words[3].text_begin, r.words[2].text_begin);
  EXPECT_EQ(r.phonemes.front().symbol, "pau");
}

TEST(ExternalTts, ReadsSubtitleAndTsvTimings) {
  // The "other tool" is played by espeak: its audio plus hand-written word timings.
  auto spoken = tts::make_tts({})->synthesize("good morning everyone");
  std::string wav = temp_path("ext.wav");
  audio::write_wav16(wav, spoken.audio);
  double d = spoken.audio.duration_s();
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "WEBVTT\n\n00:00:00.050 --> 00:00:00.400\ngood\n\n00:00:00.400 --> 00:00:%06.3f\nmorning everyone\n",
                d - 0.05);
  io::write_file_atomic(temp_path("ext.vtt"), buf);
  std::snprintf(buf, sizeof buf, "1\n00:00:00,050 --> 00:00:00,400\ngood\n\n2\n00:00:00,400 --> 00:00:%06.3f\nmorning everyone\n",
                d - 0.05);
  std::string srt_body(buf);
  for (std::size_t i = 0; i < srt_body.size(); ++i)
    if (srt_body[i] == '.' && i + 4 < srt_body.size()) srt_body[i] = ',';
  io::write_file_atomic(temp_path("ext.srt"), srt_body);
  std::snprintf(buf, sizeof buf, "start_s\tend_s\tword\n0.05\t0.4\tgood\n0.4\t0.9\tmorning\n0.9\t%.3f\teveryone\n", d - 0.05);
  io::write_file_atomic(temp_path("ext.tsv"), buf);

  std::string text = "Good morning, everyone!";
  for (const char* f : {"ext.vtt", "ext.srt", "ext.tsv"}) {
    tts::TtsConfig c;
    c.engine = "external";
    c.external_audio = wav;
    c.external_timings = temp_path(f);
    auto r = tts::make_tts(c)->synthesize(text);
    SCOPED_TRACE(f);
    expect_consistent(r, text);
    ASSERT_EQ(r.words.size(), 3u);
    EXPECT_NEAR(r.words[0].start_s, 0.05, 1e-6);
    EXPECT_NEAR(r.words[1].start_s, 0.4, 1e-6);
    EXPECT_NEAR(r.words[2].end_s, d - 0.05, 2e-3);
    EXPECT_EQ(text.substr(r.words[1].text_begin, r.words[1].text_end - r.words[1].text_begin), "morning");
    EXPECT_EQ(text.substr(r.words[2].text_begin, r.words[2].text_end - r.words[2].text_begin), "everyone");
    // estimated phonemes: "morning" starts with m, inside its interval
    bool m_inside = false;
    for (const auto& p : r.phonemes)
      if (p.symbol == "m" && p.start_s >= r.words[1].start_s - 1e-9 && p.end_s <= r.words[1].end_s + 1e-9) m_inside = true;
    EXPECT_TRUE(m_inside);
  }
}

TEST(ExternalTts, BadTimingsNameFileAndLine) {
  io::write_file_atomic(temp_path("bad.tsv"), "0.1\t0.2\thello\nzero\t0.5\tworld\n");
  EXPECT_NE(error_of([&] { tts::read_word_timings(temp_path("bad.tsv"), ""); }).find("bad.tsv:2"), std::string::npos);
}

TEST(EventsTsv, RoundTrip) {
  auto r = tts::make_tts({})->synthesize("Bob made a map.");
  std::string p = temp_path("events.tsv");
  tts::write_events_tsv(p, r);
  auto back = tts::read_events_tsv(p);
  EXPECT_EQ(back.phone_set, r.phone_set);
  ASSERT_EQ(back.phonemes.size(), r.phonemes.size());
  ASSERT_EQ(back.words.size(), r.words.size());
  for (std::size_t i = 0; i < r.phonemes.size(); ++i) {
    EXPECT_EQ(back.phonemes[i].symbol, r.phonemes[i].symbol);
    EXPECT_NEAR(back.phonemes[i].start_s, r.phonemes[i].start_s, 1e-4);
  }
  EXPECT_EQ(back.words[1].text_begin, r.words[1].text_begin);
  io::write_file_atomic(temp_path("events_bad.tsv"), "kind\tstart_s\tend_s\tlabel\nphoneme\t0.2\t0.1\tp\n");
  EXPECT_NE(error_of([&] { tts::read_events_tsv(temp_path("events_bad.tsv")); }).find("events_bad.tsv:2"),
            std::string::npos);
}

// Training data must be a pure function of its text: espeak-ng carried state from one
// utterance to the next (the same sentence came out up to ~50 ms longer after another
// one), and a second engine with other settings must not leak into the first.
TEST(EspeakTts, SameTextSameSpeechWhateverCameBefore) {
  const std::string text = "Oh. That is a big change.";
  auto first = tts::make_tts({})->synthesize(text);
  auto t = tts::make_tts({});
  tts::TtsConfig fast;
  fast.rate = 1.6;
  fast.pitch = 80;
  auto other = tts::make_tts(fast);
  t->synthesize("I got the job! I start on Monday.");
  other->synthesize("Did you hear the one about the penguin in the lift?");
  auto again = t->synthesize(text);
  EXPECT_EQ(again.audio.samples, first.audio.samples);
  ASSERT_EQ(again.phonemes.size(), first.phonemes.size());
  for (std::size_t i = 0; i < first.phonemes.size(); ++i) EXPECT_EQ(again.phonemes[i].start_s, first.phonemes[i].start_s);
  ASSERT_EQ(again.words.size(), first.words.size());
  for (std::size_t i = 0; i < first.words.size(); ++i) EXPECT_EQ(again.words[i].end_s, first.words[i].end_s);
}

TEST(FliteTts, SameTextSameSpeechWhateverCameBefore) {
  tts::TtsConfig c;
  c.engine = "flite";
  const std::string text = "Oh. That is a big change.";
  auto first = tts::make_tts(c)->synthesize(text);
  tts::TtsConfig high = c;
  high.pitch = 90;
  high.rate = 1.5;
  auto other = tts::make_tts(high);
  other->synthesize("I got the job! I start on Monday.");
  auto t = tts::make_tts(c);  // made after the other engine moved the voice's pitch
  t->synthesize("Did you hear the one about the penguin in the lift?");
  EXPECT_EQ(t->synthesize(text).audio.samples, first.audio.samples);
}
