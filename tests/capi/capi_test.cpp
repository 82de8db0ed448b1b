#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <tuple>
#include <vector>

#include "emosync/emosync.h"
#include "io/atomic_file.h"
#include "model/model_file.h"
#include "model/safetensors.h"
#include "runtime/model.h"
#include "support/test_support.h"

using namespace emosync;

namespace {
std::string shipped_bytes() {
  const std::string path = std::string(EMOSYNC_SOURCE_DIR) + "/models/default/emosync-v3.safetensors";
  auto bytes = io::read_file(path);
  return bytes;
}

struct Created {
  emosync_status status;
  std::string message;
};

Created create_from(const std::string& bytes) {
  emosync_params p;
  emosync_default_params(&p);
  p.model_data = bytes.data();
  p.model_size = bytes.size();
  emosync_context* ctx = nullptr;
  Created c{emosync_create(&p, &ctx), emosync_last_error(nullptr)};
  if (ctx != nullptr && c.status != EMOSYNC_OK) {
    EXPECT_EQ(c.message, emosync_last_error(ctx));
  }
  emosync_free(ctx);
  return c;
}
}  // namespace

TEST(Capi, ShippedModelBytesLoad) {
  const Created c = create_from(shipped_bytes());
  EXPECT_EQ(c.status, EMOSYNC_OK) << c.message;
}

TEST(Capi, TruncatedModelIsAClearError) {
  const std::string bytes = shipped_bytes();
  for (std::size_t keep : {std::size_t{0}, std::size_t{4}, std::size_t{100}, bytes.size() / 2, bytes.size() - 1}) {
    const Created c = create_from(keep == 0 ? std::string("x") : bytes.substr(0, keep));
    EXPECT_EQ(c.status, EMOSYNC_ERR_MODEL) << keep;
    EXPECT_NE(c.message.find("model bytes"), std::string::npos) << c.message;
  }
  // The same through a file: the message names the file.
  const std::string path = test_support::temp_path("capi", "truncated.safetensors");
  io::write_file_atomic(path, bytes.substr(0, bytes.size() / 3));
  emosync_params p;
  emosync_default_params(&p);
  p.model_path = path.c_str();
  emosync_context* ctx = nullptr;
  EXPECT_EQ(emosync_create(&p, &ctx), EMOSYNC_ERR_MODEL);
  EXPECT_NE(std::string(emosync_last_error(nullptr)).find("truncated.safetensors"), std::string::npos)
      << emosync_last_error(nullptr);
  emosync_free(ctx);
}

TEST(Capi, CorruptModelIsAClearError) {
  const std::string bytes = shipped_bytes();
  std::uint64_t header_len = 0;
  std::memcpy(&header_len, bytes.data(), 8);
  // Header length pointing past the end; garbage inside the JSON header; a tensor's
  // declared shape changed.
  std::string huge = bytes;
  const std::uint64_t big = bytes.size() * 4;
  std::memcpy(huge.data(), &big, 8);
  std::string garbled = bytes;
  for (std::size_t i = 8; i < 8 + 40; ++i) garbled[i] = static_cast<char>(0xFF);
  std::string reshaped = bytes;
  const auto pos = reshaped.find("[128,80,3]");
  ASSERT_NE(pos, std::string::npos);
  reshaped.replace(pos, 10, "[128,81,3]");
  for (const auto* damaged : {&huge, &garbled, &reshaped}) {
    const Created c = create_from(*damaged);
    EXPECT_EQ(c.status, EMOSYNC_ERR_MODEL);
    EXPECT_FALSE(c.message.empty());
    std::printf("damaged model: %s\n", c.message.c_str());
  }
}

TEST(Capi, WrongFormatVersionIsAClearError) {
  model::ModelFile m = model::parse_model(shipped_bytes(), "shipped model");
  model::SafeTensors st = model::with_metadata(m);
  st.metadata["format_version"] = "99";
  const Created c = create_from(model::safetensors_bytes(st));
  EXPECT_EQ(c.status, EMOSYNC_ERR_MODEL);
  EXPECT_NE(c.message.find("format_version is 99"), std::string::npos) << c.message;
}

TEST(Capi, EmbeddedDefaultIsTheShippedModel) {
  emosync_params p;
  emosync_default_params(&p);
  emosync_context* a = nullptr;
  ASSERT_EQ(emosync_create(&p, &a), EMOSYNC_OK) << emosync_last_error(nullptr);
  const std::string bytes = shipped_bytes();
  p.model_data = bytes.data();
  p.model_size = bytes.size();
  emosync_context* b = nullptr;
  ASSERT_EQ(emosync_create(&p, &b), EMOSYNC_OK);
  std::vector<float> pcm(16000);
  for (std::size_t i = 0; i < pcm.size(); ++i) pcm[i] = 0.1f * static_cast<float>((i * 7919) % 200) / 200.0f - 0.05f;
  float *fa = nullptr, *fb = nullptr;
  std::size_t na = 0, nb = 0;
  ASSERT_EQ(emosync_process(a, pcm.data(), pcm.size(), 16000, &fa, &na), EMOSYNC_OK);
  ASSERT_EQ(emosync_process(b, pcm.data(), pcm.size(), 16000, &fb, &nb), EMOSYNC_OK);
  ASSERT_EQ(na, 30u);
  ASSERT_EQ(na, nb);
  EXPECT_EQ(0, std::memcmp(fa, fb, na * 52 * sizeof(float)));  // same seed, same model, same frames
  emosync_frames_free(fa);
  emosync_frames_free(fb);
  emosync_free(a);
  emosync_free(b);
}

namespace {
// Voiced syllables (a 120 Hz buzz through a moving resonance) in groups of two, a pause
// after each group, and silence at both ends: speech to the activity detector.
std::vector<float> speech_like(double seconds, int rate) {
  std::vector<float> x(static_cast<std::size_t>(seconds * rate));
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double t = static_cast<double>(i) / rate, slot = t / 0.25;
    const auto k = static_cast<long>(slot);
    if (k % 3 == 2 || t < 0.4 || t > seconds - 0.4) continue;
    const double env = std::pow(std::sin(3.14159265 * (slot - static_cast<double>(k))), 2);
    double v = 0;
    for (int h = 1; h < 20; ++h) {
      const double f = 120.0 * h, formant = 500 + 300 * (k % 4);
      v += std::sin(2 * 3.14159265 * f * t) / (1 + std::pow((f - formant) / 150, 2));
    }
    x[i] = static_cast<float>(0.2 * env * v);
  }
  return x;
}

std::vector<float> process(emosync_context* ctx, const std::vector<float>& pcm, int rate) {
  float* frames = nullptr;
  std::size_t n = 0;
  EXPECT_EQ(emosync_process(ctx, pcm.data(), pcm.size(), rate, &frames, &n), EMOSYNC_OK) << emosync_last_error(ctx);
  std::vector<float> out(frames, frames + n * EMOSYNC_BLENDSHAPES);
  emosync_frames_free(frames);
  return out;
}

std::vector<float> stream(emosync_context* ctx, const std::vector<float>& pcm, int rate, std::size_t chunk) {
  std::vector<float> out, buf(64 * EMOSYNC_BLENDSHAPES);
  auto drain = [&] {
    for (std::size_t got = 1; got > 0;) {
      EXPECT_EQ(emosync_stream_pull(ctx, buf.data(), 64, &got), EMOSYNC_OK) << emosync_last_error(ctx);
      out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(got * EMOSYNC_BLENDSHAPES));
    }
  };
  EXPECT_EQ(emosync_reset(ctx), EMOSYNC_OK);
  for (std::size_t i = 0; i < pcm.size(); i += chunk) {
    EXPECT_EQ(emosync_stream_push(ctx, pcm.data() + i, std::min(chunk, pcm.size() - i), rate), EMOSYNC_OK);
    drain();
  }
  EXPECT_EQ(emosync_stream_finish(ctx), EMOSYNC_OK);
  drain();
  return out;
}

float max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  EXPECT_EQ(a.size(), b.size());
  float m = 0;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}
}  // namespace

// The header's promise, "the pulled frames equal emosync_process on the concatenated
// audio", for a tagged text without word timings too (issue 18: they differed by 0.41).
TEST(Capi, StreamedTimelineWithoutWordsEqualsProcess) {
  emosync_context* ctx = nullptr;
  ASSERT_EQ(emosync_create(nullptr, &ctx), EMOSYNC_OK) << emosync_last_error(nullptr);
  const int rate = 22050;
  const auto pcm = speech_like(7.0, rate);
  ASSERT_EQ(emosync_set_timeline(ctx, "[happy:100] I got the job, this is wonderful news! [angry:100] But they moved it away.",
                                 nullptr),
            EMOSYNC_OK)
      << emosync_last_error(ctx);
  const auto offline = process(ctx, pcm, rate);
  ASSERT_EQ(offline.size(), 210u * EMOSYNC_BLENDSHAPES);
  for (std::size_t chunk : {160, 2205, 9999}) EXPECT_LE(max_abs_diff(stream(ctx, pcm, rate, chunk), offline), 1e-5f) << chunk;
  // And the timeline did something: the constant first emotion gives other frames.
  ASSERT_EQ(emosync_set_emotion(ctx, "happy", 100), EMOSYNC_OK);
  EXPECT_GT(max_abs_diff(process(ctx, pcm, rate), offline), 0.05f);
  emosync_free(ctx);
}

// Conditioning of 1e30 used to give all-NaN frames with EMOSYNC_OK.
TEST(Capi, ConditioningOutsideItsRangesIsAnArgumentError) {
  emosync_context* ctx = nullptr;
  ASSERT_EQ(emosync_create(nullptr, &ctx), EMOSYNC_OK) << emosync_last_error(nullptr);
  const auto pcm = speech_like(2.0, 16000);
  ASSERT_EQ(emosync_set_emotion(ctx, "joy", 80), EMOSYNC_OK);
  const auto joy = process(ctx, pcm, 16000);
  float cond[EMOSYNC_CONDITIONING_DIM] = {0};
  cond[1] = 1;
  for (const auto& [index, value, says] : std::vector<std::tuple<int, float, std::string>>{
           {17, 1e30f, "[17] (arousal) = 1e+30 is outside -1..1"},
           {5, -0.25f, "[5] (affection weight) = -0.25 is outside 0..1"},
           {16, std::nanf(""), "[16] (valence) = nan is not a finite number"}}) {
    float bad[EMOSYNC_CONDITIONING_DIM];
    std::copy(cond, cond + EMOSYNC_CONDITIONING_DIM, bad);
    bad[index] = value;
    EXPECT_EQ(emosync_set_conditioning(ctx, bad), EMOSYNC_ERR_ARGUMENT) << says;
    EXPECT_NE(std::string(emosync_last_error(ctx)).find(says), std::string::npos) << emosync_last_error(ctx);
  }
  // The emotion before the refused call still holds.
  EXPECT_EQ(max_abs_diff(process(ctx, pcm, 16000), joy), 0.0f);
  EXPECT_EQ(emosync_set_conditioning(ctx, cond), EMOSYNC_OK);
  emosync_free(ctx);
}

// emosync_set_lips: its errors, and the fallback when the alignment cannot run (here: a
// model folder that does not exist), which still animates, with the audio lips and the
// reason. The alignment itself on real speech: capi_lips_test.cpp (shared_data).
TEST(Capi, LipsTextErrorsAndFallbackWithTheReason) {
  emosync_context* ctx = nullptr;
  ASSERT_EQ(emosync_create(nullptr, &ctx), EMOSYNC_OK) << emosync_last_error(nullptr);
  const int rate = 16000;
  const auto pcm = speech_like(3.0, rate);
  emosync_lips_info info;
  ASSERT_EQ(emosync_lips_report(ctx, &info), EMOSYNC_OK);
  EXPECT_EQ(info.requested, EMOSYNC_LIPS_AUDIO);
  EXPECT_EQ(info.confidence, -1);
  EXPECT_EQ(emosync_lips_report(ctx, nullptr), EMOSYNC_ERR_ARGUMENT);

  EXPECT_EQ(emosync_set_lips(ctx, 7, nullptr, nullptr), EMOSYNC_ERR_ARGUMENT);
  EXPECT_NE(std::string(emosync_last_error(ctx)).find("lips must be"), std::string::npos) << emosync_last_error(ctx);
  EXPECT_EQ(emosync_set_lips(ctx, EMOSYNC_LIPS_TEXT, "", nullptr), EMOSYNC_ERR_ARGUMENT);
  EXPECT_NE(std::string(emosync_last_error(ctx)).find("model_dir"), std::string::npos) << emosync_last_error(ctx);
  ASSERT_EQ(emosync_set_lips(ctx, EMOSYNC_LIPS_TEXT, nullptr, nullptr), EMOSYNC_OK) << emosync_last_error(ctx);

  // No transcript yet (an emotion is not one): a state error, nothing computed.
  ASSERT_EQ(emosync_set_emotion(ctx, "joy", 60), EMOSYNC_OK);
  float* frames = nullptr;
  std::size_t n = 0;
  EXPECT_EQ(emosync_process(ctx, pcm.data(), pcm.size(), rate, &frames, &n), EMOSYNC_ERR_STATE);
  EXPECT_NE(std::string(emosync_last_error(ctx)).find("emosync_set_timeline"), std::string::npos) << emosync_last_error(ctx);
  EXPECT_EQ(frames, nullptr);
  // Streaming cannot align: a state error that says how to stream.
  EXPECT_EQ(emosync_stream_push(ctx, pcm.data(), 1600, rate), EMOSYNC_ERR_STATE);
  EXPECT_NE(std::string(emosync_last_error(ctx)).find("whole clip"), std::string::npos) << emosync_last_error(ctx);

  // The aligner's model is missing: the clip is animated with the audio lips, exactly
  // the frames of EMOSYNC_LIPS_AUDIO, and the report says why.
  const char* text = "[joy:60] one two three four five six";
  ASSERT_EQ(emosync_set_timeline(ctx, text, nullptr), EMOSYNC_OK);
  ASSERT_EQ(emosync_set_lips(ctx, EMOSYNC_LIPS_TEXT, "no-such-model-folder", nullptr), EMOSYNC_OK);
  const auto fell_back = process(ctx, pcm, rate);
  ASSERT_EQ(emosync_lips_report(ctx, &info), EMOSYNC_OK);
  EXPECT_EQ(info.requested, EMOSYNC_LIPS_TEXT);
  EXPECT_EQ(info.used, EMOSYNC_LIPS_AUDIO);
  EXPECT_EQ(info.confidence, -1);
  EXPECT_NE(std::string(info.fallback).find("no-such-model-folder"), std::string::npos) << info.fallback;
  ASSERT_EQ(emosync_set_lips(ctx, EMOSYNC_LIPS_AUDIO, nullptr, nullptr), EMOSYNC_OK);
  EXPECT_LE(max_abs_diff(process(ctx, pcm, rate), fell_back), 1e-6f);
  ASSERT_EQ(emosync_lips_report(ctx, &info), EMOSYNC_OK);
  EXPECT_EQ(info.requested, EMOSYNC_LIPS_AUDIO);
  EXPECT_STREQ(info.fallback, "");
  emosync_free(ctx);
}
