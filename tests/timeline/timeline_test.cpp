#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "emotion/classes.h"
#include "emotion/conditioning.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "timeline/timeline.h"

using namespace emosync;
using namespace emosync::timeline;

namespace {
std::string error_of(const std::string& text) {
  try {
    parse_tagged(text);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}
const float* row(const std::vector<float>& c, std::size_t f) { return c.data() + f * 19; }
}  // namespace

TEST(Tags, ParsesTagsIntensitiesAndLeadingNeutral) {
  auto s = parse_tagged("Well. [happy:80] I got the job! [sad] But I have to\nmove away.");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].emotion, emotion::kNeutral);
  EXPECT_EQ(s[0].text, "Well.");
  EXPECT_EQ(s[1].emotion, emotion::parse("joy"));
  EXPECT_FLOAT_EQ(s[1].intensity, 80.f);
  EXPECT_EQ(s[1].text, "I got the job!");
  EXPECT_EQ(s[1].first_word, 1u);
  EXPECT_EQ(s[1].word_count, 4u);
  EXPECT_EQ(s[2].emotion, emotion::parse("sadness"));
  EXPECT_FLOAT_EQ(s[2].intensity, kDefaultIntensity);
  EXPECT_EQ(s[2].first_word, 5u);
  EXPECT_EQ(s[2].word_count, 6u);
  EXPECT_EQ(s[1].line, 1u);
  EXPECT_EQ(s[1].column, 7u);
  EXPECT_EQ(words_of(s).size(), 11u);
}

TEST(Tags, UntaggedTextIsOneNeutralSegment) {
  auto s = parse_tagged("just words here");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].emotion, emotion::kNeutral);
  EXPECT_EQ(s[0].word_count, 3u);
  auto t = parse_tagged("[Angry : 100 ]x");
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].emotion, emotion::parse("anger"));
  EXPECT_FLOAT_EQ(t[0].intensity, 100.f);
  EXPECT_FLOAT_EQ(parse_tagged("[joy:0]x")[0].intensity, 0.f);
  EXPECT_FLOAT_EQ(parse_tagged("[joy:42.5]x")[0].intensity, 42.5f);
}

TEST(Tags, ErrorsNameLineColumnAndValidNames) {
  std::string m = error_of("hello\n  [grumbly:50] there");
  EXPECT_NE(m.find("line 2, column 4"), std::string::npos) << m;
  EXPECT_NE(m.find("unknown emotion 'grumbly'"), std::string::npos) << m;
  EXPECT_NE(m.find("embarrassment"), std::string::npos) << m;
  EXPECT_NE(m.find("happy"), std::string::npos) << m;  // aliases listed too

  m = error_of("[joy:120] too much");
  EXPECT_NE(m.find("line 1, column 6"), std::string::npos) << m;
  EXPECT_NE(m.find("bad intensity '120'"), std::string::npos) << m;
  for (const char* bad : {"[joy:] x", "[joy:-5] x", "[joy:abc] x", "[joy:1.2.3] x", "[joy:1e2] x"})
    EXPECT_NE(error_of(bad).find("bad intensity"), std::string::npos) << bad;

  m = error_of("ok [joy:50 never closed");
  EXPECT_NE(m.find("line 1, column 4"), std::string::npos) << m;
  EXPECT_NE(m.find("unclosed '['"), std::string::npos) << m;
  EXPECT_NE(error_of("[joy\n] x").find("unclosed"), std::string::npos);
  EXPECT_NE(error_of("a ] b").find("']' without"), std::string::npos);
  EXPECT_NE(error_of("[] x").find("empty emotion name"), std::string::npos);
}

TEST(Tags, RandomBytesOnlyEverThrowEmosyncError) {
  std::mt19937 rng(1234);
  const std::string alphabet = "[]:0123456789 \n\tjoyhappysadANGER.-\x01\xff\xc3\xa9";
  int parsed = 0, rejected = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string s;
    std::size_t n = rng() % 64;
    for (std::size_t k = 0; k < n; ++k)
      s += i % 2 ? static_cast<char>(rng() & 0xff) : alphabet[rng() % alphabet.size()];
    try {
      auto segs = parse_tagged(s);
      ASSERT_FALSE(segs.empty());
      std::size_t words = 0;
      for (const auto& g : segs) {
        ASSERT_LT(g.emotion, emotion::kCount);
        ASSERT_GE(g.intensity, 0.f);
        ASSERT_LE(g.intensity, 100.f);
        ASSERT_EQ(g.first_word, words);
        words += g.word_count;
      }
      auto c = conditioning(segs, {}, 0, TimelineOptions{});
      ASSERT_EQ(c.size() % 19, 0u);
      ++parsed;
    } catch (const Error&) {
      ++rejected;
    }
  }
  EXPECT_GT(parsed, 100);
  EXPECT_GT(rejected, 100);
}

TEST(Words, ReadsTsvAndReportsBadLines) {
  std::string path = ::testing::TempDir() + "/words.tsv";
  io::write_file_atomic(path, "# start end word\n0.00\t0.30\tI\n0.30 0.55 got\n\n0.6\t0.9\tthe job\n");
  auto w = read_words_tsv(path);
  ASSERT_EQ(w.size(), 3u);
  EXPECT_DOUBLE_EQ(w[1].start_s, 0.30);
  EXPECT_EQ(w[2].word, "the job");
  io::write_file_atomic(path, "0 0.3 I\n0.3 x got\n");
  try {
    read_words_tsv(path);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("words.tsv:2: end_s 'x'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_words_tsv("0.5 0.2 w\n", "t"), Error);
  EXPECT_THROW(parse_words_tsv("0.5 0.7 a\n0.1 0.2 b\n", "t"), Error);
}

TEST(Placement, FromWordTimings) {
  auto segs = parse_tagged("[joy] a b [sad] c d");
  std::vector<WordTiming> w = {{0.0, 0.5, "a"}, {0.5, 1.0, "b"}, {1.4, 2.0, "c"}, {2.0, 3.0, "d"}};
  Placement p = place(segs, w, 0);
  ASSERT_EQ(p.segment.size(), 2u);
  EXPECT_DOUBLE_EQ(p.duration_s, 3.0);
  EXPECT_DOUBLE_EQ(p.end[0], 1.2);  // middle of the pause between "b" and "c"
  EXPECT_DOUBLE_EQ(p.start[1], 1.2);
  EXPECT_DOUBLE_EQ(p.end[1], 3.0);
  // Timings with a different word count are mapped proportionally.
  std::vector<WordTiming> w2 = {{0, 1, "ab"}, {1, 2, "cd"}};
  Placement q = place(segs, w2, 5.0);
  EXPECT_DOUBLE_EQ(q.duration_s, 5.0);
  EXPECT_DOUBLE_EQ(q.end[0], 1.0);
}

TEST(Placement, FromSpeakingRateEstimate) {
  auto segs = parse_tagged("[joy] aaa bbb [sad] ccc ddd");
  Placement p = place(segs, {}, 0);
  EXPECT_DOUBLE_EQ(p.duration_s, 4 / kWordsPerSecond);
  EXPECT_NEAR(p.end[0], p.duration_s / 2, 1e-12);
  Placement q = place(segs, {}, 10.0);
  EXPECT_DOUBLE_EQ(q.duration_s, 10.0);
  EXPECT_NEAR(q.end[0], 5.0, 1e-12);
  // Empty tags are overridden by the next one.
  Placement r = place(parse_tagged("[joy] [sad] x"), {}, 1.0);
  ASSERT_EQ(r.segment.size(), 1u);
  EXPECT_EQ(r.segment[0], 1u);
}

TEST(Crossfade, SmoothstepProperties) {
  EXPECT_EQ(smoothstep(0), 0.0);
  EXPECT_EQ(smoothstep(1), 1.0);
  EXPECT_DOUBLE_EQ(smoothstep(0.5), 0.5);
  const double e = 1e-6;
  EXPECT_NEAR((smoothstep(e) - smoothstep(0)) / e, 0.0, 1e-5);
  EXPECT_NEAR((smoothstep(1) - smoothstep(1 - e)) / e, 0.0, 1e-5);
  for (double x = 0; x < 1; x += 0.001) EXPECT_LE(smoothstep(x), smoothstep(x + 0.001));
}

TEST(Crossfade, FramesAroundABoundary) {
  // joy for 5 s, sadness for 5 s, boundary at 5 s; at 100 fps the crossfade covers 4.2 .. 5.8 s.
  auto segs = parse_tagged("[joy:80] aaaa [sad:40] bbbb");
  TimelineOptions o;
  o.fps = 100;
  auto c = conditioning(segs, {}, 10.0, o);
  ASSERT_EQ(c.size(), 1000u * 19);
  auto joy = emotion::make_conditioning(1, 80.f), sad = emotion::make_conditioning(9, 40.f);
  const std::size_t f0 = 420, f1 = 580;  // crossfade start and end frames
  for (std::size_t f : {std::size_t(0), std::size_t(200), f0})
    for (int i = 0; i < 19; ++i) EXPECT_EQ(row(c, f)[i], joy[i]) << "frame " << f;  // endpoints exact
  for (std::size_t f : {f1, std::size_t(700), std::size_t(999)})
    for (int i = 0; i < 19; ++i) EXPECT_EQ(row(c, f)[i], sad[i]) << "frame " << f;
  for (std::size_t f = 0; f < 1000; ++f) {
    float sum = 0;
    for (int i = 0; i < 16; ++i) sum += row(c, f)[i];
    EXPECT_NEAR(sum, 1.f, 1e-6f) << "frame " << f;
  }
  // monotone within the crossfade: joy weight falls, sadness weight rises, every VAD
  // component moves one way
  for (std::size_t f = f0; f < f1; ++f) {
    EXPECT_GE(row(c, f)[1], row(c, f + 1)[1]);
    EXPECT_LE(row(c, f)[9], row(c, f + 1)[9]);
    for (int q = 16; q < 19; ++q) {
      float dir = sad[q] - joy[q];
      EXPECT_GE((row(c, f + 1)[q] - row(c, f)[q]) * dir, -1e-7f);
    }
  }
  EXPECT_NEAR(row(c, 500)[9], 0.5f, 1e-6f);  // middle of the crossfade
  // zero slope at both ends: the first and last steps are far smaller than the middle one
  float first = row(c, f0 + 1)[9] - row(c, f0)[9], last = row(c, f1)[9] - row(c, f1 - 1)[9];
  float middle = row(c, 501)[9] - row(c, 500)[9];
  // s'(1/2) = 1.5 over 2h = 1.6 s: 0.0094 per 10 ms frame; s' at the ends is 0, so the first
  // and last steps (one frame in) are below s(0.00625) ~ 1.2e-4.
  EXPECT_NEAR(middle, 1.5f / 160.f, 2e-4f);
  EXPECT_LT(first, 0.02f * middle);
  EXPECT_LT(last, 0.02f * middle);
}

TEST(Crossfade, ShrinksSoCrossfadesNeverOverlap) {
  // three segments of 0.4 s, 0.6 s, 3 s: widths limited to half the shorter neighbour
  std::vector<WordTiming> w = {{0, 0.4, "a"}, {0.4, 1.0, "b"}, {1.0, 4.0, "c"}};
  auto segs = parse_tagged("[joy] a [sad] b [anger] c");
  Placement p = place(segs, w, 0);
  auto h = crossfade_widths(p, 0.8);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_DOUBLE_EQ(h[0], 0.2);
  EXPECT_DOUBLE_EQ(h[1], 0.3);
  for (std::size_t i = 0; i + 1 < h.size(); ++i) EXPECT_LE(p.end[i] + h[i], p.end[i + 1] - h[i + 1] + 1e-12);
  EXPECT_DOUBLE_EQ(crossfade_widths(place(segs, {}, 100.0), 0.8)[0], 0.8);
  // every frame of the short middle segment stays a blend of its neighbours only
  TimelineOptions o;
  o.fps = 200;
  auto c = conditioning(segs, w, 0, o);
  for (std::size_t f = 0; f < c.size() / 19; ++f) {
    int nonzero = 0;
    for (int i = 0; i < 16; ++i) nonzero += row(c, f)[i] != 0.f;
    EXPECT_LE(nonzero, 2) << "frame " << f;
  }
}

TEST(Crossfade, FrameCountAndBadOptions) {
  auto segs = parse_tagged("[joy] hi");
  EXPECT_EQ(conditioning(segs, {}, 2.0, TimelineOptions{}).size(), 60u * 19);
  EXPECT_EQ(frame_count(2.01, 30), 61u);
  EXPECT_EQ(frame_count(0, 30), 1u);
  TimelineOptions bad;
  bad.fps = 0;
  EXPECT_THROW(conditioning(segs, {}, 1.0, bad), Error);
  bad = TimelineOptions{};
  bad.crossfade_s = -1;
  EXPECT_THROW(conditioning(segs, {}, 1.0, bad), Error);
}

TEST(Words, TimesBeyondTheLimitAndControlBytesAreReportedSafely) {
  try {
    parse_words_tsv("0 0.3 I\n0.3 1e300 got\n", "w.tsv");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("w.tsv:2: end_s '1e300' is not a time in seconds from 0 to 14400"),
              std::string::npos)
        << e.what();
  }
  try {
    parse_words_tsv("\x1b[2J\x1b]0;pwned\x07 1 a\n", "w.tsv");
    FAIL();
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("w.tsv:1: start_s '\\x1b[2J\\x1b]0;pwned\\x07'"), std::string::npos) << m;
    EXPECT_EQ(m.find('\x1b'), std::string::npos);
  }
}

TEST(Crossfade, FrameCountIsBounded) {
  EXPECT_EQ(frame_count(kMaxDurationS, 30), io::kMaxFrames);
  // 1e300 s used to be cast to size_t (undefined) and then allocated.
  EXPECT_THROW(frame_count(1e300, 30), Error);
  EXPECT_THROW(frame_count(kMaxDurationS, 31), Error);
  EXPECT_THROW(conditioning(parse_tagged("[joy] a"), {}, 1e9, TimelineOptions{}), Error);
}
