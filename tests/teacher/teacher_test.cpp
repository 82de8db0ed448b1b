#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <random>

#include "support/test_support.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "teacher/speech_check.h"
#include "teacher/teacher.h"
#include "tts/tts.h"

using namespace emosync;
using teacher::Animation;
using teacher::PhoneTimeline;

using emosync::test_support::error_of;

namespace {
std::string temp_path(const std::string& name) { return test_support::temp_path("teacher", name); }

// ARPAbet timeline from (label, duration) pairs.
PhoneTimeline timeline(std::initializer_list<std::pair<const char*, double>> phones) {
  PhoneTimeline t;
  t.phone_set = viseme::PhoneSet::Arpabet;
  double at = 0;
  for (const auto& [label, d] : phones) {
    t.phones.push_back({label, at, at + d});
    at += d;
  }
  return t;
}

// Noise whose loudness follows the vowels: loud in vowels, soft in consonants, silent in pauses.
audio::Audio speechlike(const PhoneTimeline& t, int rate = 16000) {
  audio::Audio a;
  a.sample_rate = rate;
  a.samples.resize(static_cast<std::size_t>(t.end_s() * rate));
  std::mt19937 rng(7);
  std::normal_distribution<float> n(0.f, 1.f);
  const auto& map = viseme::PhonemeMap::standard(t.phone_set);
  for (const auto& p : t.phones) {
    auto v = *map.lookup(p.symbol);
    float amp = v == viseme::Viseme::sil ? 0.f : (v >= viseme::Viseme::aa ? 0.3f : 0.05f);
    for (auto i = static_cast<std::size_t>(p.start_s * rate); i < static_cast<std::size_t>(p.end_s * rate) && i < a.samples.size(); ++i)
      a.samples[i] = amp * n(rng);
  }
  return a;
}

float max_step(const Animation& a) {
  float m = 0;
  for (std::size_t f = 1; f < a.frames; ++f)
    for (std::size_t c = 0; c < arkit::kCount; ++c) m = std::max(m, std::abs(a.at(f, c) - a.at(f - 1, c)));
  return m;
}

float value_at(const Animation& a, double t, const char* ch) {
  return a.at(static_cast<std::size_t>(std::lround(t * a.fps)), arkit::index_of(ch));
}
}  // namespace

TEST(RuleTeacher, EveryBilabialOf40msCloses) {
  // Short bilabials squeezed between wide-open vowels: the hardest case for closure.
  auto t = timeline({{"sil", 0.3}, {"AA1", 0.2}, {"P", 0.04}, {"AA1", 0.18}, {"B", 0.045}, {"AE1", 0.2},
                     {"M", 0.05},  {"AA0", 0.15}, {"P", 0.041}, {"OW1", 0.2}, {"M", 0.08}, {"sil", 0.5}});
  auto audio = speechlike(t);
  auto teacher = teacher::make_rule_teacher();
  for (double fps : {30.0, 25.0, 60.0}) {
    Animation a = teacher->animate({&audio, &t}, fps);
    auto s = teacher::bilabial_closure(a, t);
    EXPECT_EQ(s.bilabials, 5u);
    EXPECT_EQ(s.closed, s.bilabials) << "fps " << fps << ", first miss " << (s.misses.empty() ? "" : s.misses[0]);
  }
}

TEST(RuleTeacher, OutputInRangeAndContinuous) {
  auto t = timeline({{"sil", 0.2}, {"HH", 0.06}, {"AH0", 0.05}, {"L", 0.07}, {"OW1", 0.2}, {"W", 0.06},
                     {"ER1", 0.12}, {"L", 0.06}, {"D", 0.05}, {"sp", 0.1}, {"M", 0.04}, {"AY1", 0.2}, {"sil", 0.3}});
  auto audio = speechlike(t);
  Animation a = teacher::make_rule_teacher()->animate({&audio, &t}, 30);
  EXPECT_EQ(a.frames, teacher::frame_count(t.end_s(), 30));
  for (float v : a.data) {
    EXPECT_GE(v, 0.f);
    EXPECT_LE(v, 1.f);
  }
  // A jaw can travel about its whole range in ~70 ms; at 30 fps that bounds one step.
  EXPECT_LE(max_step(a), 0.6f);
  EXPECT_GT(max_step(a), 0.05f);  // and it does move
}

TEST(RuleTeacher, SilenceReturnsToRest) {
  auto t = timeline({{"sil", 0.1}, {"AA1", 0.3}, {"UW1", 0.2}, {"sil", 0.8}, {"IY1", 0.2}, {"sil", 0.1}});
  auto audio = speechlike(t);
  Animation a = teacher::make_rule_teacher()->animate({&audio, &t}, 30);
  // 300 ms into the pause and beyond its middle, everything is at rest.
  for (double s = 0.9; s <= 1.1; s += 1.0 / 30)
    for (std::size_t c = 0; c < arkit::kCount; ++c)
      EXPECT_LE(a.at(static_cast<std::size_t>(std::lround(s * 30)), c), 0.03f) << arkit::names()[c] << " at " << s;
  EXPECT_GT(value_at(a, 0.25, "jawOpen"), 0.3f);
}

TEST(RuleTeacher, AnticipatoryRounding) {
  // "stroo" vs "stree": the lips round during s-t-r when /u/ follows.
  auto u = timeline({{"sil", 0.3}, {"S", 0.1}, {"T", 0.06}, {"R", 0.06}, {"UW1", 0.25}, {"sil", 0.3}});
  auto i = timeline({{"sil", 0.3}, {"S", 0.1}, {"T", 0.06}, {"R", 0.06}, {"IY1", 0.25}, {"sil", 0.3}});
  auto teacher = teacher::make_rule_teacher();
  Animation au = teacher->animate({nullptr, &u}, 30), ai = teacher->animate({nullptr, &i}, 30);
  double during_s = 0.35;
  EXPECT_GT(value_at(au, during_s, "mouthPucker"), value_at(ai, during_s, "mouthPucker") + 0.1);
  EXPECT_GT(value_at(au, during_s, "mouthFunnel"), value_at(ai, during_s, "mouthFunnel") + 0.1);
}

TEST(RuleTeacher, EnergyShapesTheJaw) {
  auto t = timeline({{"sil", 0.2}, {"AA1", 0.3}, {"sil", 0.1}, {"AA1", 0.3}, {"sil", 0.2}});
  audio::Audio a = speechlike(t);
  // second vowel four times quieter
  for (std::size_t k = static_cast<std::size_t>(0.6 * 16000); k < a.samples.size(); ++k) a.samples[k] *= 0.25f;
  Animation out = teacher::make_rule_teacher()->animate({&a, &t}, 30);
  EXPECT_GT(value_at(out, 0.35, "jawOpen"), value_at(out, 0.75, "jawOpen") + 0.15);
  teacher::RuleTeacherConfig plain;
  plain.energy_shaping = false;
  Animation flat = teacher::make_rule_teacher(plain)->animate({&a, &t}, 30);
  EXPECT_NEAR(value_at(flat, 0.35, "jawOpen"), value_at(flat, 0.75, "jawOpen"), 0.02);
}

TEST(RuleTeacher, UnknownPhoneIsNamed) {
  auto t = timeline({{"AA1", 0.2}, {"QX", 0.1}});
  EXPECT_NE(error_of([&] { teacher::make_rule_teacher()->animate({nullptr, &t}, 30); }).find("'QX'"),
            std::string::npos);
  EXPECT_NE(error_of([&] { teacher::make_rule_teacher()->animate({}, 30); }).find("phoneme timeline"),
            std::string::npos);
}

TEST(RuleTeacher, EspeakSpeechClosesItsBilabials) {
  auto r = tts::make_tts({})->synthesize(
      "Bob bought a big blue bumpy map, maybe. Please pass the pepper, mum! Emma's umbrella imbibed probably.");
  PhoneTimeline t = teacher::timeline_from_events(r);
  Animation a = teacher::make_rule_teacher()->animate({&r.audio, &t}, 30);
  auto s = teacher::bilabial_closure(a, t);
  EXPECT_GE(s.bilabials, 15u);
  EXPECT_EQ(s.closed, s.bilabials) << (s.misses.empty() ? "" : s.misses[0]);
  EXPECT_GT(teacher::pearson(teacher::channel(a, "jawOpen"), teacher::loudness_envelope(r.audio, a)), 0.3);
}

TEST(Alignment, ReadsTsvAndNamesBadLines) {
  io::write_file_atomic(temp_path("a.tsv"), "start_s\tend_s\tlabel\n0.000\t0.040\tP\n0.040\t0.100\tAH0\n");
  auto t = teacher::read_alignment_tsv(temp_path("a.tsv"));
  ASSERT_EQ(t.phones.size(), 2u);
  EXPECT_EQ(t.phones[1].symbol, "AH0");
  EXPECT_DOUBLE_EQ(t.end_s(), 0.1);
  io::write_file_atomic(temp_path("b.tsv"), "start_s\tend_s\tlabel\n0.000\tx\tP\n");
  EXPECT_NE(error_of([&] { teacher::read_alignment_tsv(temp_path("b.tsv")); }).find("b.tsv:2"), std::string::npos);
}

// --------------------------------------------------------------- Live Link Face

namespace {
// Apple order with the app's Jaw/Mouth label swap, as the Live Link Face header has it.
std::vector<std::string> livelink_names() {
  std::vector<std::string> n;
  for (auto s : arkit::names()) {
    std::string p(s);
    p[0] = static_cast<char>(std::toupper(p[0]));
    n.push_back(p);
  }
  auto swap = [&](const char* a, const char* b) {
    auto ia = std::find(n.begin(), n.end(), a), ib = std::find(n.begin(), n.end(), b);
    std::iter_swap(ia, ib);
  };
  swap("JawLeft", "JawRight");
  swap("MouthLeft", "MouthRight");
  return n;
}

std::string livelink_csv(int frames, double app_fps, const char* count_label = "BlendShapeCount") {
  auto names = livelink_names();
  std::string s = std::string("Timecode,") + count_label;
  for (const auto& n : names) s += "," + n;
  s += ",HeadYaw,HeadPitch,HeadRoll,LeftEyeYaw,LeftEyePitch,LeftEyeRoll,RightEyeYaw,RightEyePitch,RightEyeRoll\n";
  for (int f = 0; f < frames; ++f) {
    int total = 45 + f;  // starts mid-second, like a real capture
    char tc[64];
    std::snprintf(tc, sizeof tc, "10:20:%02d:%02d.%03d", 30 + total / int(app_fps), total % int(app_fps), 0);
    s += std::string(tc) + ",61";
    for (const auto& n : names) {
      float v = 0;
      if (n == "JawOpen") v = 0.01f * f;                // a ramp
      if (n == "JawLeft") v = 0.7f;                     // label-swapped column: must land on jawLeft
      if (n == "MouthRight") v = 0.3f;
      char b[32];
      std::snprintf(b, sizeof b, ",%.5f", v);
      s += b;
    }
    s += ",0.1,0.2,0.3,0,0,0,0,0,0\n";
  }
  return s;
}
}  // namespace

TEST(LiveLink, RemapsByNameAndResamples) {
  io::write_file_atomic(temp_path("cap.csv"), livelink_csv(90, 60, "BlendshapeCount"));
  Animation cap = teacher::read_livelink_csv(temp_path("cap.csv"));
  EXPECT_DOUBLE_EQ(cap.fps, 60);  // inferred from the frame field
  EXPECT_EQ(cap.frames, 90u);
  EXPECT_FLOAT_EQ(cap.at(0, arkit::index_of("jawLeft")), 0.7f);
  EXPECT_FLOAT_EQ(cap.at(0, arkit::index_of("jawRight")), 0.f);
  EXPECT_FLOAT_EQ(cap.at(0, arkit::index_of("mouthRight")), 0.3f);

  teacher::LiveLinkConfig c;
  c.path = temp_path("cap.csv");
  Animation a = teacher::make_livelink_teacher(c)->animate({}, 30);
  EXPECT_DOUBLE_EQ(a.fps, 30);
  EXPECT_EQ(a.frames, 45u);
  // frame i at 30 fps = capture frame 2i at 60 fps: the ramp value 0.01 * 2i
  for (std::size_t i = 0; i < a.frames; ++i) EXPECT_NEAR(a.at(i, arkit::index_of("jawOpen")), 0.02f * i, 1e-5);
  // with audio, the length follows the audio
  audio::Audio one_s;
  one_s.sample_rate = 16000;
  one_s.samples.assign(16000, 0.f);
  EXPECT_EQ(teacher::make_livelink_teacher(c)->animate({&one_s, nullptr}, 30).frames, 30u);
}

TEST(LiveLink, ErrorsNameTheProblem) {
  std::string csv = livelink_csv(3, 60);
  std::string missing = csv;
  missing.replace(missing.find(",TongueOut"), 10, ",TongueOot");
  io::write_file_atomic(temp_path("bad1.csv"), missing);
  EXPECT_NE(error_of([&] { teacher::read_livelink_csv(temp_path("bad1.csv")); }).find("TongueOot"), std::string::npos);
  std::string badtc = csv;
  badtc.replace(badtc.find("10:20:"), 6, "10-20-");
  io::write_file_atomic(temp_path("bad2.csv"), badtc);
  EXPECT_NE(error_of([&] { teacher::read_livelink_csv(temp_path("bad2.csv")); }).find("bad2.csv:2: timecode"),
            std::string::npos);
}

TEST(ResampleTime, LinearBetweenFrames) {
  Animation src;
  src.fps = 10;
  src.frames = 3;
  src.data.assign(3 * arkit::kCount, 0.f);
  src.at(1, 17) = 1.f;
  Animation out = teacher::resample_time(src, 20, 6);
  EXPECT_FLOAT_EQ(out.at(1, 17), 0.5f);
  EXPECT_FLOAT_EQ(out.at(2, 17), 1.f);
  EXPECT_FLOAT_EQ(out.at(5, 17), 0.f);  // held at the end
}
