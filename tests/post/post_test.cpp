#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "arkit/channel_split.h"
#include "post/blinks.h"
#include "io/error.h"
#include "post/post.h"

using namespace emosync;

namespace {
constexpr int kCh = post::kChannels;
const std::size_t kJawOpen = 17, kMouthSmileLeft = 23, kBrowInnerUp = 43;

// Noise at -20 dBFS from start_s to end_s, silence elsewhere, 16 kHz.
std::vector<float> burst(double total_s, double start_s, double end_s) {
  std::vector<float> x(static_cast<std::size_t>(total_s * post::kSampleRate), 0.0f);
  post::Rng rng(7);
  for (std::size_t i = static_cast<std::size_t>(start_s * post::kSampleRate);
       i < static_cast<std::size_t>(end_s * post::kSampleRate) && i < x.size(); ++i)
    x[i] = static_cast<float>(0.1 * rng.normal());
  return x;
}

std::vector<float> constant_frames(std::size_t n, float v) { return std::vector<float>(n * kCh, v); }

// Peak to peak of channel c over the last second of n frames.
float last_second_swing(const std::vector<float>& y, std::size_t n, std::size_t c) {
  float lo = 1, hi = 0;
  for (std::size_t j = n - 30; j < n; ++j) lo = std::min(lo, y[j * kCh + c]), hi = std::max(hi, y[j * kCh + c]);
  return hi - lo;
}

// No blinks, no speech gate, and the lip low-pass at lips_ms: one step of post alone.
post::Options only_filters(double lips_ms) {
  post::Options o;
  o.blinks = false;
  o.fades = false;
  o.lips_ms = lips_ms;
  return o;
}

struct BlinkStats {
  int blinks = 0;            // closures past 0.4 (partial blinks reach 0.5 at least)
  int doubles = 0;           // blinks starting within 150 ms of the previous one's end
  double longest_s = 0;      // eyes not fully open
};

BlinkStats blink_stats(std::uint32_t seed, double seconds) {
  post::Blinks b(seed);
  const auto n = static_cast<std::size_t>(seconds * 30);
  BlinkStats s;
  bool closed = false;
  std::size_t run = 0, last_end = 0;
  bool seen = false;
  for (std::size_t j = 0; j < n; ++j) {
    const float v = b.next();
    if (v > 0) {
      if (run == 0 && seen && j - last_end <= 5) ++s.doubles;
      ++run;
    } else if (run > 0) {
      s.longest_s = std::max(s.longest_s, run / 30.0);
      run = 0;
      last_end = j;
      seen = true;
    }
    if (!closed && v > 0.4f) {
      ++s.blinks;
      closed = true;
    } else if (closed && v == 0.0f) {
      closed = false;
    }
  }
  return s;
}
}  // namespace

TEST(Blinks, RateOverSixtySecondsIsInThePublishedRange) {
  // Doughty 2001: 95% of adults blink 10.5-32.5 times a minute in conversation, 8-21 in
  // silent primary gaze; Bentivoglio 1997: means 26 (conversation) and 17 (rest).
  double sum = 0;
  int doubles = 0;
  for (std::uint32_t seed = 1; seed <= 30; ++seed) {
    const BlinkStats s = blink_stats(seed, 60);
    EXPECT_GE(s.blinks, 10.5) << "seed " << seed;
    EXPECT_LE(s.blinks, 32.5) << "seed " << seed;
    // Spontaneous blinks last at most ~500 ms (Stern, Walrath & Goldstein 1984).
    EXPECT_LE(s.longest_s, 0.5 + 1e-9) << "seed " << seed;
    sum += s.blinks;
    doubles += s.doubles;
  }
  const double mean = sum / 30;
  EXPECT_GE(mean, 17.0);
  EXPECT_LE(mean, 26.0);
  EXPECT_GT(doubles, 0);  // occasional double blinks happen
  EXPECT_LT(doubles, sum * 0.3);
}

TEST(Blinks, SameSeedSameBlinksOtherSeedOther) {
  post::Blinks a(42), b(42), c(43);
  bool differs = false;
  for (int j = 0; j < 1800; ++j) {
    const float va = a.next(), vb = b.next(), vc = c.next();
    EXPECT_EQ(va, vb);
    differs |= va != vc;
  }
  EXPECT_TRUE(differs);
}

TEST(Blinks, ClosingIsFasterThanOpeningAndSomeArePartial) {
  post::Blinks b(3);
  std::vector<float> v(30 * 600);
  for (auto& x : v) x = b.next();
  int full = 0, partial = 0;
  for (std::size_t j = 1; j + 1 < v.size(); ++j) {
    if (v[j] > 0 && v[j] >= v[j - 1] && v[j] > v[j + 1]) {  // a peak
      (v[j] > 0.99f ? full : partial)++;
      std::size_t up = 0, down = 0;  // frames rising to the peak, falling after it
      for (std::size_t k = j; k > 0 && v[k - 1] < v[k]; --k) ++up;
      for (std::size_t k = j; k + 1 < v.size() && v[k + 1] < v[k]; ++k) ++down;
      EXPECT_LT(up, down) << "peak at frame " << j;
    }
  }
  EXPECT_GT(full, partial);
  EXPECT_GT(partial, 0);
}

TEST(Post, LipsFadeInBeforeSpeechAndRestWithin150msAfter) {
  post::Options o;
  o.blinks = false;
  const double start = 1.0, end = 2.0;
  const auto audio = burst(3.0, start, end);
  const auto out = post::process(constant_frames(90, 0.8f), audio, o);
  ASSERT_EQ(out.size(), 90u * kCh);
  for (std::size_t j = 0; j < 90; ++j) {
    const double t = j / 30.0;
    const float jaw = out[j * kCh + kJawOpen];
    if (t < start - o.lead_ms / 1000) {
      EXPECT_EQ(jaw, 0.0f) << "frame " << j;
    }
    if (t >= start && t < end) {
      EXPECT_FLOAT_EQ(jaw, 0.8f) << "frame " << j;
    }
    if (t >= end + 0.150) {
      EXPECT_LT(jaw, 0.05f) << "frame " << j;
    }
    // Expression channels are not gated.
    EXPECT_FLOAT_EQ(out[j * kCh + kBrowInnerUp], 0.8f);
    EXPECT_FLOAT_EQ(out[j * kCh + kMouthSmileLeft], 0.8f);
  }
  // The fade-in starts before the onset: the frame 33 ms before it is partly open.
  EXPECT_GT(out[29 * kCh + kJawOpen], 0.0f);
  EXPECT_LT(out[29 * kCh + kJawOpen], 0.8f);
}

TEST(Post, EveryLipChannelIsGatedAndNothingElse) {
  post::Options o;
  o.blinks = false;
  const auto out = post::process(constant_frames(30, 0.5f), std::vector<float>(16000, 0.0f), o);
  const auto& lips = arkit::ChannelSplit::standard().channels(arkit::ChannelType::Lipsync);
  for (std::size_t c = 0; c < kCh; ++c) {
    const bool lip = std::find(lips.begin(), lips.end(), c) != lips.end();
    EXPECT_EQ(out[15 * kCh + c], lip ? 0.0f : 0.5f) << "channel " << c;
  }
}

TEST(Post, StreamingInAnyChunksEqualsOffline) {
  post::Options o;
  o.smoothing = true;
  const auto audio = burst(4.0, 0.7, 2.9);
  std::vector<float> frames(120 * kCh);
  post::Rng rng(1);
  for (auto& v : frames) v = static_cast<float>(rng.uniform());
  const auto offline = post::process(frames, audio, o);
  for (std::size_t chunk : {1, 37, 160, 1000}) {
    post::PostProcessor p(o);
    std::vector<float> got;
    std::size_t fi = 0;
    for (std::size_t i = 0; i < audio.size(); i += chunk) {
      p.push_audio(audio.data() + i, std::min(chunk, audio.size() - i));
      // Frames arrive roughly with the audio, as from the model.
      const std::size_t due = std::min<std::size_t>(120, (i + chunk) * 30 / 16000);
      if (due > fi) {
        p.push_frames(frames.data() + fi * kCh, due - fi);
        fi = due;
      }
      std::vector<float> buf(p.ready() * kCh);
      p.pull(buf.data(), p.ready());
      got.insert(got.end(), buf.begin(), buf.end());
    }
    p.push_frames(frames.data() + fi * kCh, 120 - fi);
    p.finish();
    std::vector<float> buf(p.ready() * kCh);
    p.pull(buf.data(), p.ready());
    got.insert(got.end(), buf.begin(), buf.end());
    EXPECT_EQ(got, offline) << "chunk " << chunk;
  }
}

TEST(Post, InterruptReachesRestWithinTheFade) {
  for (double fade_ms : {0.0, 100.0, 250.0}) {
    post::Options o;
    post::PostProcessor p(o);
    const auto audio = burst(3.0, 0.0, 3.0);
    p.push_audio(audio.data(), audio.size());
    const auto frames = constant_frames(90, 0.6f);
    p.push_frames(frames.data(), 90);
    p.finish();
    std::vector<float> out(90 * kCh);
    ASSERT_EQ(p.pull(out.data(), 30), 30u);
    p.interrupt(fade_ms);
    ASSERT_EQ(p.pull(out.data() + 30 * kCh, 60), 60u);
    float prev = 1;
    for (std::size_t j = 30; j < 90; ++j) {
      const double after_ms = (j - 30) * 1000.0 / 30;
      const float jaw = out[j * kCh + kJawOpen];
      EXPECT_LE(jaw, prev + 1e-7f);
      prev = jaw;
      if (after_ms >= fade_ms) {
        for (int c = 0; c < kCh; ++c) EXPECT_EQ(out[j * kCh + c], 0.0f) << "frame " << j << " channel " << c;
      }
    }
    if (fade_ms >= 100) {
      EXPECT_GT(out[30 * kCh + kJawOpen], 0.3f);  // a fade, not a cut
    }
  }
}

TEST(Post, SmoothingIsCausalOnePole) {
  post::Options o;
  o.blinks = false;
  o.fades = false;
  o.smoothing = true;
  o.lips_ms = 0;  // the smoothing alone
  std::vector<float> frames(60 * kCh, 0.0f);
  for (std::size_t j = 30; j < 60; ++j)
    for (int c = 0; c < kCh; ++c) frames[j * kCh + c] = 1.0f;
  const auto out = post::process(frames, {}, o);
  EXPECT_EQ(out[29 * kCh + kJawOpen], 0.0f);  // nothing before the step (causal)
  for (std::size_t j = 31; j < 35; ++j) EXPECT_GT(out[j * kCh + kJawOpen], out[(j - 1) * kCh + kJawOpen]);
  EXPECT_NEAR(out[59 * kCh + kJawOpen], 1.0f, 1e-4);
  // After one time constant (35 ms ~ 1 frame) the output has covered 1 - 1/e of the step.
  EXPECT_NEAR(out[30 * kCh + kJawOpen], 1.0 - std::exp(-1000.0 / 30 / 35), 1e-6);
}

// The EXPRESSION channels pass a 150 ms one-pole: a wobble at syllable rate shrinks to a
// fraction, a held level passes unchanged from the first frame, the lips and SHARED channels
// are untouched, and blinks still close the lids fully.
TEST(Post, ExpressionChannelsFollowTheEmotionNotTheSyllables) {
  post::Options o = only_filters(0);
  const std::size_t n = 150, brow = arkit::index_of("browInnerUp"), smile = arkit::index_of("mouthSmileLeft");
  std::vector<float> frames = constant_frames(n, 0.4f);
  for (std::size_t j = 0; j < n; ++j) {
    const float wobble = 0.1f * static_cast<float>(std::sin(2 * M_PI * 5.0 * j / 30.0));  // 5 Hz
    frames[j * kCh + brow] += wobble;
    frames[j * kCh + smile] += wobble;
    frames[j * kCh + kJawOpen] += wobble;
  }
  const auto out = post::process(frames, {}, o);
  auto swing = [&](const std::vector<float>& y, std::size_t c) { return last_second_swing(y, n, c); };
  const float in = swing(frames, brow);
  EXPECT_LT(swing(out, brow), 0.3f * in);  // about a fifth of the input's
  EXPECT_FLOAT_EQ(swing(out, smile), in);     // SHARED: untouched
  EXPECT_FLOAT_EQ(swing(out, kJawOpen), in);  // LIPSYNC: untouched
  const std::size_t eye = arkit::index_of("eyeWideLeft");
  for (std::size_t j = 0; j < n; j += 10) EXPECT_FLOAT_EQ(out[j * kCh + eye], 0.4f) << j;  // held: unchanged
  // Off: the wobble passes.
  o.expression_ms = 0;
  const auto raw = post::process(frames, {}, o);
  EXPECT_EQ(raw, frames);
  // Blinks are added after the low-pass: a blink still shuts the lid.
  post::Options b;
  b.fades = false;
  const auto blinked = post::process(constant_frames(1800, 0.1f), {}, b);
  float most = 0;
  for (std::size_t j = 0; j < 1800; ++j) most = std::max(most, blinked[j * kCh + arkit::index_of("eyeBlinkLeft")]);
  EXPECT_GT(most, 0.95f);
}

// The LIPSYNC channels pass their own one-pole: chatter at 12 Hz shrinks, a 4 Hz opening
// and closing keeps most of its depth, the other channels are untouched, and it is causal.
TEST(Post, LipLowPassCalmsChatterAndKeepsSyllables) {
  post::Options o = only_filters(20);
  const std::size_t n = 150, brow = arkit::index_of("browInnerUp"), smile = arkit::index_of("mouthSmileLeft");
  const std::size_t close = arkit::index_of("mouthClose");
  std::vector<float> frames = constant_frames(n, 0.4f);
  for (std::size_t j = 0; j < n; ++j) {
    const float chatter = 0.1f * static_cast<float>(std::sin(2 * M_PI * 12.0 * j / 30.0));
    const float syllable = 0.1f * static_cast<float>(std::sin(2 * M_PI * 4.0 * j / 30.0));
    frames[j * kCh + kJawOpen] += chatter;
    frames[j * kCh + close] += syllable;
    frames[j * kCh + smile] += chatter;
  }
  o.expression_ms = 0;
  const auto out = post::process(frames, {}, o);
  auto swing = [&](const std::vector<float>& y, std::size_t c) { return last_second_swing(y, n, c); };
  EXPECT_LT(swing(out, kJawOpen), 0.7f * swing(frames, kJawOpen));
  EXPECT_GT(swing(out, close), 0.85f * swing(frames, close));
  EXPECT_FLOAT_EQ(swing(out, smile), swing(frames, smile));  // SHARED: untouched
  for (std::size_t j = 0; j < n; j += 10) EXPECT_FLOAT_EQ(out[j * kCh + brow], 0.4f) << j;
  // Causal: a change at frame 100 leaves every frame before it as it was.
  std::vector<float> later = frames;
  later[100 * kCh + kJawOpen] = 1.0f;
  const auto out_later = post::process(later, {}, o);
  for (std::size_t j = 0; j < 100; ++j) EXPECT_EQ(out_later[j * kCh + kJawOpen], out[j * kCh + kJawOpen]) << j;
  EXPECT_GT(out_later[100 * kCh + kJawOpen], out[100 * kCh + kJawOpen]);
  o.lips_ms = -1;
  EXPECT_THROW(post::PostProcessor{o}, Error);
}

TEST(Post, RejectsBadInput) {
  post::PostProcessor p;
  p.finish();
  const float x = 0;
  EXPECT_THROW(p.push_audio(&x, 1), Error);
  EXPECT_THROW(p.interrupt(-1), Error);
  EXPECT_THROW(post::process(std::vector<float>(51), {}), Error);
}
