#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <numeric>
#include <vector>

#include "arkit/channel_split.h"
#include "engine/animator.h"
#include "engine/loudness.h"
#include "features/stream_resampler.h"
#include "features/clock.h"
#include "features/resample.h"
#include "model/model_file.h"
#include "post/blinks.h"
#include "support/test_support.h"
#include "tts/tts.h"

using namespace emosync;

namespace {
constexpr std::size_t kCh = 52, kJawOpen = 17;

// The shipped default model (models/default): real lips for the speech tests.
std::shared_ptr<const runtime::Model> shipped_model() {
  static auto m = std::make_shared<const runtime::Model>(
      runtime::Model::load(std::string(EMOSYNC_SOURCE_DIR) + "/models/default/emosync-v3.safetensors"));
  return m;
}

// Real speech from espeak-ng (22,050 Hz) with its word timings.
const tts::TtsResult& speech() {
  static const tts::TtsResult r = [] {
    tts::TtsConfig c;
    return tts::make_tts(c)->synthesize(
        "The quick brown fox jumps over the lazy dog. Then it sleeps in the warm afternoon sun.");
  }();
  return r;
}

std::vector<float> with_silence(const std::vector<float>& x, int rate, double before_s, double after_s) {
  std::vector<float> y(static_cast<std::size_t>(before_s * rate), 0.0f);
  y.insert(y.end(), x.begin(), x.end());
  y.resize(y.size() + static_cast<std::size_t>(after_s * rate), 0.0f);
  return y;
}

std::vector<float> stream_all(engine::Animator& a, const std::vector<float>& pcm, int rate, std::size_t chunk) {
  std::vector<float> out;
  auto drain = [&] {
    std::vector<float> buf(a.ready() * kCh);
    a.pull(buf.data(), a.ready());
    out.insert(out.end(), buf.begin(), buf.end());
  };
  for (std::size_t i = 0; i < pcm.size(); i += chunk) {
    a.push(pcm.data() + i, std::min(chunk, pcm.size() - i), rate);
    drain();
  }
  a.finish();
  drain();
  return out;
}

float max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  float m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

double lip_mean_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  const auto& lips = arkit::ChannelSplit::standard().channels(arkit::ChannelType::Lipsync);
  double s = 0;
  const std::size_t n = std::min(a.size(), b.size()) / kCh;
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t c : lips) s += std::abs(a[j * kCh + c] - b[j * kCh + c]);
  return s / static_cast<double>(n * lips.size());
}
}  // namespace

TEST(Loudness, SameOutputInAnyChunksAndGainRemoved) {
  const auto& s = speech();
  const auto x16 = features::resample_sinc(s.audio.samples, s.audio.sample_rate, 16000);
  engine::LoudnessNormalizer whole;
  auto a = x16;
  whole.process(a.data(), a.size());
  engine::LoudnessNormalizer chunked;
  auto b = x16;
  for (std::size_t i = 0; i < b.size(); i += 333) chunked.process(b.data() + i, std::min<std::size_t>(333, b.size() - i));
  EXPECT_EQ(a, b);
  // 12 dB quieter input: after the first half second the outputs agree closely.
  auto q = x16;
  for (auto& v : q) v *= 0.25f;
  engine::LoudnessNormalizer quiet;
  quiet.process(q.data(), q.size());
  double num = 0, den = 0;
  for (std::size_t i = 8000; i < a.size(); ++i) {
    num += (a[i] - q[i]) * (a[i] - q[i]);
    den += a[i] * a[i];
  }
  EXPECT_LT(10 * std::log10(num / den), -20.0);  // residual at least 20 dB below the signal
}

TEST(Animator, AnyRateGivesFramesOnTheSameClockOverTenMinutes) {
  // 10 minutes of silence with speech at 9:50; every rate must give round(600 * 30) frames
  // and put the speech onset (first frame whose lips open) on the same frame.
  const auto& s = speech();
  const double start_s = 590.0;
  std::ptrdiff_t onset_ref = -1;
  for (int rate : {8000, 16000, 22050, 44100, 48000}) {
    const auto clip = features::resample_sinc(s.audio.samples, s.audio.sample_rate, rate);
    std::vector<float> pcm(static_cast<std::size_t>(600.0 * rate), 0.0f);
    std::copy(clip.begin(), clip.end(), pcm.begin() + static_cast<std::ptrdiff_t>(start_s * rate));
    engine::Options o;
    o.post.blinks = false;
    engine::Animator a(shipped_model(), o);
    const auto frames = a.process(pcm.data(), pcm.size(), rate);
    const std::size_t n = frames.size() / kCh;
    EXPECT_EQ(n, features::frames_for_samples(pcm.size(), rate, 30)) << rate;
    EXPECT_LE(std::abs(static_cast<double>(n) - std::round(600.0 * 30)), 1.0) << rate;
    std::ptrdiff_t onset = -1;
    for (std::size_t j = 0; j < n && onset < 0; ++j)
      if (frames[j * kCh + kJawOpen] > 0) onset = static_cast<std::ptrdiff_t>(j);
    ASSERT_GE(onset, 0) << rate;
    EXPECT_NEAR(onset / 30.0, start_s, 0.1) << rate;
    if (onset_ref < 0) onset_ref = onset;
    EXPECT_LE(std::abs(onset - onset_ref), 1) << rate << " Hz: onset frame " << onset << " vs " << onset_ref;
  }
}

TEST(Animator, StreamingEqualsOfflineForAnyChunkSize) {
  const auto& s = speech();
  const int rate = 44100;
  const auto pcm = with_silence(features::resample_sinc(s.audio.samples, s.audio.sample_rate, rate), rate, 0.3, 0.5);
  std::vector<timeline::WordTiming> words;
  for (const auto& w : s.words) words.push_back({w.start_s + 0.3, w.end_s + 0.3, w.text});
  for (int setting = 0; setting < 2; ++setting) {
    engine::Options o;
    o.post.smoothing = true;
    engine::Animator a(shipped_model(), o);
    if (setting == 0) a.set_emotion("joy", 80);
    if (setting == 1)
      a.set_timeline("[happy:80] The quick brown fox jumps over the lazy dog. [sad:60] Then it sleeps in the warm afternoon sun.",
                     words);
    const auto offline = a.process(pcm.data(), pcm.size(), rate);
    ASSERT_EQ(offline.size() / kCh, features::frames_for_samples(pcm.size(), rate, 30));
    for (std::size_t chunk : {17, 441, 1000, 4410, 100000}) {
      a.reset();
      const auto streamed = stream_all(a, pcm, rate, chunk);
      ASSERT_EQ(streamed.size(), offline.size()) << "chunk " << chunk;
      // Only the model's block products may round differently (runtime::Model).
      EXPECT_LE(max_abs_diff(streamed, offline), 1e-5f) << "chunk " << chunk << ", setting " << setting;
    }
  }
}

TEST(Animator, TwelveDecibelsOfGainMoveTheLipsLittle) {
  const auto& s = speech();
  const int rate = s.audio.sample_rate;
  const auto pcm = with_silence(s.audio.samples, rate, 0.2, 0.3);
  engine::Options o;
  o.post.blinks = false;
  engine::Animator a(shipped_model(), o);
  const auto ref = a.process(pcm.data(), pcm.size(), rate);
  engine::Options raw = o;
  raw.normalize_loudness = false;
  engine::Animator b(shipped_model(), raw);
  const auto ref_raw = b.process(pcm.data(), pcm.size(), rate);
  for (double db : {-12.0, 12.0}) {
    auto g = pcm;
    const float gain = static_cast<float>(std::pow(10.0, db / 20));
    for (auto& v : g) v *= gain;
    const double d = lip_mean_abs_diff(ref, a.process(g.data(), g.size(), rate));
    const double d_raw = lip_mean_abs_diff(ref_raw, b.process(g.data(), g.size(), rate));
    EXPECT_LE(d, 0.05) << db << " dB";
    std::printf("gain %+.0f dB: lip channels move %.4f on average (%.4f without normalisation)\n", db, d, d_raw);
  }
}

TEST(Animator, MouthAtRestWithin150msAfterSpeech) {
  const auto& s = speech();
  const int rate = s.audio.sample_rate;
  const auto pcm = with_silence(s.audio.samples, rate, 0.5, 1.5);
  // Speech ends at the last sample above -60 dBFS.
  std::size_t last = 0;
  for (std::size_t i = 0; i < pcm.size(); ++i)
    if (std::abs(pcm[i]) > 1e-3f) last = i;
  const double end_s = static_cast<double>(last + 1) / rate;
  engine::Animator a(shipped_model());
  const auto frames = a.process(pcm.data(), pcm.size(), rate);
  const std::size_t n = frames.size() / kCh;
  std::size_t checked = 0;
  for (std::size_t j = 0; j < n; ++j) {
    if (j / 30.0 < end_s + 0.150) continue;
    ++checked;
    EXPECT_LT(frames[j * kCh + kJawOpen], 0.05f) << "frame " << j << " (" << j / 30.0 - end_s << " s after speech)";
  }
  EXPECT_GT(checked, 30u);
  // And the mouth did move while speaking.
  float most = 0;
  for (std::size_t j = 0; j < n; ++j) most = std::max(most, frames[j * kCh + kJawOpen]);
  EXPECT_GT(most, 0.1f);
}

TEST(Animator, InterruptBringsTheFaceToRestWithinTheFade) {
  const auto& s = speech();
  const int rate = s.audio.sample_rate;
  engine::Animator a(shipped_model());
  a.set_emotion("joy", 100);
  const auto& pcm = s.audio.samples;
  std::vector<float> out;
  const std::size_t chunk = static_cast<std::size_t>(rate / 100);
  std::size_t i = 0;
  std::size_t interrupted_at = 0;
  const double fade_ms = 200;
  for (; i < pcm.size(); i += chunk) {
    a.push(pcm.data() + i, std::min(chunk, pcm.size() - i), rate);
    std::vector<float> buf(a.ready() * kCh);
    a.pull(buf.data(), a.ready());
    out.insert(out.end(), buf.begin(), buf.end());
    if (interrupted_at == 0 && out.size() / kCh >= 45) {
      interrupted_at = out.size() / kCh;
      a.interrupt(fade_ms);
    }
  }
  a.finish();
  std::vector<float> buf(a.ready() * kCh);
  a.pull(buf.data(), a.ready());
  out.insert(out.end(), buf.begin(), buf.end());
  ASSERT_GT(interrupted_at, 0u);
  const std::size_t n = out.size() / kCh;
  ASSERT_GT(n, interrupted_at + 20);
  for (std::size_t j = interrupted_at; j < n; ++j)
    if ((j - interrupted_at) * 1000.0 / 30 >= fade_ms) {
      for (std::size_t c = 0; c < kCh; ++c) ASSERT_EQ(out[j * kCh + c], 0.0f) << "frame " << j << " channel " << c;
    }
  // Before the interrupt the face was not at rest (joy at full intensity).
  float before = 0;
  for (std::size_t c = 0; c < kCh; ++c) before = std::max(before, out[(interrupted_at - 1) * kCh + c]);
  EXPECT_GT(before, 0.1f);
}

TEST(Animator, StreamingLatencyIsLookaheadPlusOneChunk) {
  engine::Animator a(shipped_model());
  const auto& s = speech();
  for (int rate : {16000, 48000, 8000}) {
    a.reset();
    const auto pcm = features::resample_sinc(s.audio.samples, s.audio.sample_rate, rate);
    const std::size_t chunk = static_cast<std::size_t>(rate / 100);  // 10 ms
    double worst_ms = 0;
    std::size_t frames = 0;
    for (std::size_t i = 0; i < pcm.size(); i += chunk) {
      const std::size_t n = std::min(chunk, pcm.size() - i);
      a.push(pcm.data() + i, n, rate);
      const double input_ms = 1000.0 * static_cast<double>(i + n) / rate;
      std::vector<float> buf(a.ready() * kCh);
      for (std::size_t k = 0, got = a.pull(buf.data(), a.ready()); k < got; ++k, ++frames)
        worst_ms = std::max(worst_ms, input_ms - frames * 1000.0 / 30);
    }
    const double algorithmic = a.algorithmic_latency_ms(rate);
    std::printf("%d Hz: algorithmic latency %.1f ms, measured with 10 ms chunks %.1f ms\n", rate, algorithmic, worst_ms);
    EXPECT_LE(worst_ms, algorithmic + 10.0 + 1e-6) << rate;
    EXPECT_GE(worst_ms, algorithmic - 34.0) << rate;  // frames are 33 ms apart
    EXPECT_LE(algorithmic, 100.0);  // issue 7: algorithmic latency (without the chunk) <= 100 ms
  }
}

// Issue 18 item 10: without word timings, streamed frames differed from offline ones by
// up to 0.41 (offline spread the words over all the detected speech, which a stream cannot
// know yet). Both now run the words on the speech clock: the same frames, any chunking.
TEST(Animator, TimelineWithoutTimingsStreamsAsOffline) {
  const auto& s = speech();
  const int rate = 44100;
  const auto pcm = with_silence(features::resample_sinc(s.audio.samples, s.audio.sample_rate, rate), rate, 0.7, 0.5);
  engine::Animator a(shipped_model());
  a.set_timeline("[happy:100] The quick brown fox jumps over the lazy dog. [sad:100] Then it sleeps in the warm afternoon sun.");
  const auto offline = a.process(pcm.data(), pcm.size(), rate);
  for (std::size_t chunk : {17, 441, 4410, 100000}) {
    a.reset();
    const auto streamed = stream_all(a, pcm, rate, chunk);
    ASSERT_EQ(streamed.size(), offline.size()) << "chunk " << chunk;
    EXPECT_LE(max_abs_diff(streamed, offline), 1e-5f) << "chunk " << chunk;
  }
}

// The speech clock stands still in silence: after 6 s of silence the face still has the
// first tag's emotion (a clock running from the start would have crossed into the second
// tag by then), and the second tag arrives while the words are spoken.
TEST(Animator, TimelineWithoutTimingsWaitsForSpeech) {
  const auto& s = speech();
  const int rate = s.audio.sample_rate;
  const double lead_s = 6.0;
  const auto pcm = with_silence(s.audio.samples, rate, lead_s, 0.5);
  engine::Options o;
  o.post.blinks = false;
  engine::Animator a(shipped_model(), o);
  a.set_timeline("[happy:100] The quick brown fox jumps over the lazy dog. [sad:100] Then it sleeps in the warm afternoon sun.");
  const auto tl = a.process(pcm.data(), pcm.size(), rate);
  a.set_emotion("happy", 100);
  const auto happy = a.process(pcm.data(), pcm.size(), rate);
  a.set_emotion("sad", 100);
  const auto sad = a.process(pcm.data(), pcm.size(), rate);
  const std::size_t n = tl.size() / kCh;
  auto frames = [&](const std::vector<float>& x, std::size_t from, std::size_t to) {
    return std::vector<float>(x.begin() + static_cast<std::ptrdiff_t>(from * kCh),
                              x.begin() + static_cast<std::ptrdiff_t>(to * kCh));
  };
  const auto silent = static_cast<std::size_t>(lead_s * 30);
  EXPECT_LE(max_abs_diff(frames(tl, 0, silent), frames(happy, 0, silent)), 1e-5f);
  a.set_timeline("[happy:100] The quick brown fox jumps over the lazy dog. [sad:100] Then it sleeps in the warm afternoon sun.");
  a.reset();
  const auto streamed = stream_all(a, pcm, rate, 441);
  EXPECT_LE(max_abs_diff(frames(streamed, 0, silent), frames(happy, 0, silent)), 1e-5f);
  // The last second: nearer sad than happy.
  const std::size_t last = n - 30;
  const float to_sad = max_abs_diff(frames(tl, last, n), frames(sad, last, n));
  const float to_happy = max_abs_diff(frames(tl, last, n), frames(happy, last, n));
  std::printf("last second: %.3f from sad, %.3f from happy\n", to_sad, to_happy);
  EXPECT_LT(to_sad, to_happy);
}

TEST(Animator, ClearErrors) {
  engine::Animator a(shipped_model());
  const std::vector<float> x(1000, 0.0f);
  using test_support::error_of;
  EXPECT_NE(error_of([&] { a.process(x.data(), x.size(), 7999); }).find("outside 8000..48000"), std::string::npos);
  EXPECT_NE(error_of([&] { a.process(x.data(), x.size(), 48001); }).find("48001"), std::string::npos);
  std::vector<float> bad = x;
  bad[10] = std::nanf("");
  EXPECT_NE(error_of([&] { a.process(bad.data(), bad.size(), 16000); }).find("sample 10"), std::string::npos);
  a.push(x.data(), x.size(), 16000);
  EXPECT_NE(error_of([&] { a.push(x.data(), x.size(), 22050); }).find("sample rate changed"), std::string::npos);
  a.finish();
  EXPECT_NE(error_of([&] { a.push(x.data(), x.size(), 16000); }).find("after finish"), std::string::npos);
  EXPECT_NE(error_of([&] { a.set_emotion("blorf", 50); }).find("blorf"), std::string::npos);
  EXPECT_NE(error_of([&] { a.set_emotion("joy", 120); }).find("0..100"), std::string::npos);
  emotion::Conditioning c = emotion::make_conditioning(emotion::kNeutral, 0.0f);
  c[17] = 1e30f;
  EXPECT_NE(error_of([&] { a.set_conditioning(c); }).find("conditioning[17] (arousal) = 1e+30 is outside -1..1"),
            std::string::npos);
  EXPECT_NE(error_of([&] { a.set_timeline("[joy:80 unclosed"); }).find("line 1"), std::string::npos);
  // Empty input: no frames, no error.
  EXPECT_TRUE(a.process(nullptr, 0, 16000).empty());
}

// A valid model the animator cannot feed is refused naming the file and the field.
TEST(Animator, ModelItCannotFeedIsNamed) {
  model::Architecture arch = model::Architecture::v3_default();
  arch.n_mels = 40;
  const std::string path = test_support::temp_path("engine", "mels40.safetensors");
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  model::write_model(path, model::random_model(arch, 3));
  const std::string e = test_support::error_of([&] { engine::Animator a(runtime::Model::load(path)); });
  EXPECT_NE(e.find(path + ": architecture.n_mels is 40"), std::string::npos) << e;
}

// The speech clock counts in syllables: vowel groups less a final silent e.
TEST(Animator, SyllablesOfWords) {
  for (const auto& [word, n] : std::vector<std::pair<std::string, std::size_t>>{
           {"I", 1}, {"the", 1}, {"quick", 1}, {"move", 1}, {"have", 1}, {"table", 2}, {"lazy", 2}, {"away", 2},
           {"wonderful", 3}, {"afternoon", 3}, {"sleeps", 1}, {"news,", 1}, {"Everything!", 4}, {"42", 1}, {"", 1}})
    EXPECT_EQ(engine::syllables(word), n) << word;
}
