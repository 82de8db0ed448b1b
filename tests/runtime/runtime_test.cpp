#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <filesystem>
#include <random>

#include "arkit/channel_split.h"
#include "emotion/classes.h"
#include "emotion/conditioning.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "model/model_file.h"
#include "runtime/model.h"
#include "support/test_support.h"

using namespace emosync;

namespace {
struct Fixture {
  model::Architecture arch = model::Architecture::v3_default();
  std::vector<float> feats, cond;
  std::size_t tf = 0, t = 0;
  explicit Fixture(std::size_t feature_frames) : tf(feature_frames), t(model::output_frames_for(feature_frames)) {
    std::mt19937 rng(11);
    std::normal_distribution<float> nd;
    feats.resize(tf * arch.n_mels);
    for (float& v : feats) v = nd(rng);
    cond.assign(t * 19, 0.0f);
    for (std::size_t k = 0; k < t; ++k) {  // a crossfade joy -> sadness with moving VAD
      const float x = static_cast<float>(k) / static_cast<float>(t);
      cond[k * 19 + 1] = 1 - x;
      cond[k * 19 + 9] = x;
      cond[k * 19 + 16] = 0.8f - 1.4f * x;
      cond[k * 19 + 17] = 0.2f;
    }
  }
};

std::vector<float> stream(const runtime::Model& m, const Fixture& f, std::vector<std::size_t> chunks) {
  runtime::Stream s(m);
  std::vector<float> out(f.t * 52);
  std::size_t pushed = 0, c = 0;
  while (pushed < f.tf) {
    const std::size_t n = std::min(chunks[c++ % chunks.size()], f.tf - pushed);
    s.push(&f.feats[pushed * f.arch.n_mels], n);
    pushed += n;
    const std::size_t before = s.frames_out();
    s.pull(&f.cond[before * 19], s.available(), &out[before * 52]);
  }
  s.finish();
  const std::size_t before = s.frames_out();
  s.pull(&f.cond[before * 19], s.available(), &out[before * 52]);
  EXPECT_EQ(s.frames_out(), f.t);
  return out;
}
}  // namespace

TEST(RuntimeModel, OutputsAreBlendshapeWeights) {
  Fixture f(500);
  runtime::Model m(model::random_model(f.arch, 5));
  auto y = m.forward(f.feats.data(), f.tf, f.cond.data(), f.t);
  ASSERT_EQ(y.size(), f.t * 52);
  for (float v : y) {
    ASSERT_TRUE(std::isfinite(v));
    ASSERT_GE(v, 0.0f);
    ASSERT_LE(v, 1.0f);
  }
  // Conditioning matters: frame 0 (joy) and the last frame (sadness) differ on the same audio.
  std::vector<float> c2 = f.cond;
  for (std::size_t k = 0; k < f.t; ++k) c2[k * 19 + 16] = -0.9f;
  auto y2 = m.forward(f.feats.data(), f.tf, c2.data(), f.t);
  float diff = 0;
  for (std::size_t i = 0; i < y.size(); ++i) diff = std::max(diff, std::abs(y[i] - y2[i]));
  EXPECT_GT(diff, 1e-4f);
}

TEST(RuntimeModel, LipsyncChannelsComeFromTheSpeechAlone) {
  // model.h: the LIPSYNC channels run under neutral conditioning whatever the emotion, the
  // others follow it. The first 200 frames are neutral, so blocks and chunks of both kinds
  // (all neutral, mixed, all emotion) meet, offline and streaming.
  Fixture f(1001);
  const auto neutral = emotion::make_conditioning(emotion::kNeutral, 0.0f);
  for (std::size_t k = 0; k < 200; ++k) std::copy(neutral.begin(), neutral.end(), f.cond.begin() + k * 19);
  std::vector<float> all_neutral(f.t * 19);
  for (std::size_t k = 0; k < f.t; ++k) std::copy(neutral.begin(), neutral.end(), all_neutral.begin() + k * 19);
  runtime::Model m(model::random_model(f.arch, 8));
  const auto y = m.forward(f.feats.data(), f.tf, f.cond.data(), f.t);
  const auto yn = m.forward(f.feats.data(), f.tf, all_neutral.data(), f.t);
  const auto& split = arkit::ChannelSplit::standard();
  float lip_diff = 0, other_diff = 0;
  for (std::size_t k = 0; k < f.t; ++k)
    for (std::size_t ch = 0; ch < 52; ++ch) {
      const float d = std::abs(y[k * 52 + ch] - yn[k * 52 + ch]);
      if (split.type_of(ch) == arkit::ChannelType::Lipsync)
        lip_diff = std::max(lip_diff, d);
      else if (k >= 200)
        other_diff = std::max(other_diff, d);
    }
  EXPECT_LE(lip_diff, 1e-6f);
  EXPECT_GT(other_diff, 1e-3f);  // the emotion still reaches the rest of the face
  // A model whose lips are trained to follow the emotion too keeps them.
  model::ModelFile emotional = model::random_model(f.arch, 8);
  emotional.arch.lips = model::Lips::SpeechAndEmotion;
  runtime::Model me(emotional);
  const auto ye = me.forward(f.feats.data(), f.tf, f.cond.data(), f.t);
  float lip_moved = 0;
  for (std::size_t k = 200; k < f.t; ++k)
    for (std::size_t ch : split.channels(arkit::ChannelType::Lipsync))
      lip_moved = std::max(lip_moved, std::abs(ye[k * 52 + ch] - yn[k * 52 + ch]));
  EXPECT_GT(lip_moved, 1e-3f);
  for (auto chunks : std::vector<std::vector<std::size_t>>{{1}, {7}, {64}, {1001}}) {
    const auto s = stream(m, f, chunks);
    float diff = 0;
    for (std::size_t i = 0; i < s.size(); ++i) diff = std::max(diff, std::abs(s[i] - y[i]));
    EXPECT_LE(diff, 1e-5f) << "chunk pattern starting " << chunks[0];
  }
}

namespace {
// The shipped encoder with the anti-aliasing resampler and the lookahead moved to it.
model::Architecture triangle_arch() {
  model::Architecture a = model::Architecture::v3_default();
  a.resample = model::Resample::Triangle;
  for (auto& l : a.encoder) l.lookahead = 1;
  return a;
}
}  // namespace

TEST(RuntimeModel, StreamingMatchesOfflineForAnyChunking) {
  for (auto arch : {model::Architecture::v3_default(), triangle_arch()}) {
    Fixture f(1001);
    f.arch = arch;
    runtime::Model m(model::random_model(f.arch, 6));
    const auto offline = m.forward(f.feats.data(), f.tf, f.cond.data(), f.t);
    for (auto chunks : std::vector<std::vector<std::size_t>>{{1}, {7}, {33}, {1000}, {1, 2, 5, 17, 64}, {1001}}) {
      const auto s = stream(m, f, chunks);
      float diff = 0;
      for (std::size_t i = 0; i < s.size(); ++i) diff = std::max(diff, std::abs(s[i] - offline[i]));
      EXPECT_LE(diff, 1e-5f) << "chunk pattern starting " << chunks[0];
      std::printf("%s resampling, streaming vs offline, chunks from %zu frames: max abs diff %.2e\n",
                  arch.resample == model::Resample::Triangle ? "triangle" : "linear", chunks[0], diff);
    }
  }
}

TEST(RuntimeModel, StreamingLatencyIsTheLookahead) {
  for (auto arch : {model::Architecture::v3_default(), triangle_arch()}) {
    Fixture f(300);
    f.arch = arch;
    runtime::Model m(model::random_model(f.arch, 7));
    runtime::Stream s(m);
    const long la = f.arch.lookahead_frames();
    const bool triangle = arch.resample == model::Resample::Triangle;
    for (std::size_t n = 1; n <= f.tf; ++n) {
      s.push(&f.feats[(n - 1) * f.arch.n_mels], 1);
      // Frame k needs feature frame ceil(10k/3) (linear) or floor(10k/3) + 3 (triangle),
      // plus the encoder lookahead.
      std::size_t expect = 0;
      while (true) {
        auto p = model::resample_point(expect);
        const long last = static_cast<long>(p.i0) + (triangle ? 3 : (p.frac > 0 ? 1 : 0));
        if (last + la >= static_cast<long>(n)) break;
        ++expect;
      }
      ASSERT_EQ(s.available(), expect) << "after " << n << " frames";
    }
    s.finish();
    EXPECT_EQ(s.available(), model::output_frames_for(f.tf));
  }
}

TEST(RuntimeModel, DamagedModelFilesGiveClearErrors) {
  const auto m = model::random_model(model::Architecture::v3_default(), 8);
  const std::string good = model::safetensors_bytes(model::with_metadata(m));
  auto dir = std::filesystem::temp_directory_path() / "emosync_runtime_test";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "m.safetensors").string();
  io::write_file_atomic(path, good);
  EXPECT_NO_THROW(runtime::Model::load(path));
  io::write_file_atomic(path, good.substr(0, good.size() / 2));
  try {
    runtime::Model::load(path);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
  }
  std::string nan = good;
  nan.replace(nan.size() - 4, 4, std::string("\x00\x00\xc0\x7f", 4));  // a NaN weight
  io::write_file_atomic(path, nan);
  EXPECT_THROW(runtime::Model::load(path), Error);
}

// Issue 18 item 5: NaN features used to come out as normal-looking frames. Every input is
// checked where it enters, the error naming the frame and the band.
TEST(RuntimeModel, BadFeaturesAreErrorsNamingFrameAndBand) {
  Fixture f(200);
  runtime::Model m(model::random_model(f.arch, 9));
  for (float bad : {std::nanf(""), INFINITY, -INFINITY, 1e30f, -2000.0f}) {
    auto feats = f.feats;
    feats[57 * f.arch.n_mels + 7] = bad;
    const std::string e = test_support::error_of([&] { m.forward(feats.data(), f.tf, f.cond.data(), f.t); });
    EXPECT_NE(e.find("frame 57, mel band 7"), std::string::npos) << bad << ": " << e;
    // Streaming: the chunk holding it is refused, with the frame counted from the stream's start.
    runtime::Stream s(m);
    s.push(feats.data(), 50);
    const std::string es = test_support::error_of([&] { s.push(feats.data() + 50 * f.arch.n_mels, 50); });
    EXPECT_NE(es.find("frame 57, mel band 7"), std::string::npos) << bad << ": " << es;
  }
  // The documented range's edges are fine.
  auto feats = f.feats;
  feats[0] = -runtime::kMaxFeatureMagnitude;
  feats[1] = runtime::kMaxFeatureMagnitude;
  EXPECT_NO_THROW(m.forward(feats.data(), f.tf, f.cond.data(), f.t));
}

// Conditioning of 1e30 used to give all-NaN frames and no error: class weights must be in
// 0..1 and V, A, D in -1..1 (emotion/conditioning.h).
TEST(RuntimeModel, ConditioningOutsideItsRangesIsAnErrorNamingFrameAndField) {
  Fixture f(200);
  runtime::Model m(model::random_model(f.arch, 10));
  struct Case {
    std::size_t index;
    float value;
    const char* says;
  };
  for (const Case& c : {Case{17, 1e30f, "[17] (arousal) = 1e+30 is outside -1..1"},
                        Case{16, -1.5f, "[16] (valence) = -1.5 is outside -1..1"},
                        Case{9, 1.2f, "[9] (sadness weight) = 1.2 is outside 0..1"},
                        Case{0, -0.5f, "[0] (neutral weight) = -0.5 is outside 0..1"},
                        Case{18, std::nanf(""), "[18] (dominance) = nan is not a finite number"},
                        Case{3, INFINITY, "[3] (excitement weight) = inf is not a finite number"}}) {
    auto cond = f.cond;
    cond[42 * 19 + c.index] = c.value;
    const std::string e = test_support::error_of([&] { m.forward(f.feats.data(), f.tf, cond.data(), f.t); });
    EXPECT_NE(e.find("conditioning: frame 42, "), std::string::npos) << e;
    EXPECT_NE(e.find(c.says), std::string::npos) << e;
  }
  // Rounding slack: a blend that lands a hair above 1 is still a weight of 1.
  auto cond = f.cond;
  cond[19 + 1] = 1.0f + 1e-6f;
  cond[19 + 17] = -1.0f - 1e-6f;
  EXPECT_NO_THROW(m.forward(f.feats.data(), f.tf, cond.data(), f.t));
}

// A model whose weights are finite but overflow inside the products gives NaN; the output
// is checked before it is returned.
TEST(RuntimeModel, NonFiniteOutputIsAnError) {
  Fixture f(100);
  model::ModelFile file = model::random_model(f.arch, 11);
  // The block's fc turns the (non-negative) hidden state into +inf, which the head's
  // weights of both signs turn into inf - inf = NaN.
  for (float& w : file.weights.tensors.at("block_fc.0.weight").data) w = 3e38f;
  runtime::Model m(file);
  const std::string e = test_support::error_of([&] { m.forward(f.feats.data(), f.tf, f.cond.data(), f.t); });
  EXPECT_NE(e.find("model output: frame "), std::string::npos) << e;
  EXPECT_NE(e.find("not a finite number"), std::string::npos) << e;
}

// From memory, as the C API and the WebAssembly build load models: errors name the source.
TEST(RuntimeModel, ParsesFromMemoryNamingTheSource) {
  const auto file = model::random_model(model::Architecture::v3_default(), 12);
  const std::string bytes = model::safetensors_bytes(model::with_metadata(file));
  EXPECT_EQ(runtime::Model::parse(bytes, "mem").stage(), "v3");
  const std::string e = test_support::error_of([&] { runtime::Model::parse(bytes.substr(0, 100), "upload.bin"); });
  EXPECT_NE(e.find("upload.bin"), std::string::npos) << e;
}

namespace {
// A tiny network with feature_norm running and a speech-like prior.
model::ModelFile running_model(unsigned seed) {
  model::Architecture a = model::Architecture::v3_default();
  a.encoder = {{16, 3, 1, 1}, {16, 3, 2, 2}};
  a.embed_dim = 8;
  a.blocks = 1;
  a.feature_norm = model::FeatureNorm::Running;
  a.norm_tau_s = 1.0f;
  model::ModelFile f = model::random_model(a, seed);
  auto& prior = f.weights.tensors.at(model::kFeaturePriorTensor).data;
  for (std::size_t b = 0; b < prior.size(); ++b) prior[b] = 2.0f - 0.02f * static_cast<float>(b);
  return f;
}
}  // namespace

TEST(RuntimeModel, RunningNormStreamingMatchesOffline) {
  Fixture f(1001);
  for (std::size_t t = 300; t < 400; ++t)  // a pause: silence must not move the running mean
    for (int b = 0; b < f.arch.n_mels; ++b) f.feats[t * 80 + b] = std::log(1e-10f);
  runtime::Model m(running_model(21));
  const auto offline = m.forward(f.feats.data(), f.tf, f.cond.data(), f.t);
  for (auto chunks : std::vector<std::vector<std::size_t>>{{1}, {7}, {100}, {1, 2, 5, 17, 64}}) {
    const auto s = stream(m, f, chunks);
    float diff = 0;
    for (std::size_t i = 0; i < s.size(); ++i) diff = std::max(diff, std::abs(s[i] - offline[i]));
    EXPECT_LE(diff, 1e-5f) << "chunks of " << chunks[0];
    std::printf("running norm, streaming vs offline, chunks from %zu frames: max abs diff %.2e\n", chunks[0], diff);
  }
  // reset() starts again from the prior: the same stream twice gives the same frames.
  runtime::Stream s(m);
  std::vector<float> a(52 * 400), b(52 * 400);
  s.push(f.feats.data(), 500);
  const std::size_t na = s.pull(f.cond.data(), s.available(), a.data());
  s.reset();
  s.push(f.feats.data(), 500);
  const std::size_t nb = s.pull(f.cond.data(), s.available(), b.data());
  ASSERT_EQ(na, nb);
  EXPECT_EQ(a, b);
}

TEST(RuntimeModel, RunningNormRemovesAChannelOffset) {
  Fixture f(1000);  // 10 s; tau 1 s
  runtime::Model m(running_model(22));
  model::ModelFile plain_file = running_model(22);  // the same weights without the normaliser
  plain_file.arch.feature_norm = model::FeatureNorm::None;
  plain_file.weights.tensors.erase(model::kFeaturePriorTensor);
  runtime::Model plain(plain_file);
  std::vector<float> coloured = f.feats;
  for (std::size_t t = 0; t < f.tf; ++t)
    for (int b = 0; b < 80; ++b) coloured[t * 80 + b] += b < 40 ? 2.0f : -1.5f;
  auto late_diff = [&](const runtime::Model& model) {
    const auto y = model.forward(f.feats.data(), f.tf, f.cond.data(), f.t);
    const auto yc = model.forward(coloured.data(), f.tf, f.cond.data(), f.t);
    float d = 0;
    for (std::size_t i = 150 * 52; i < y.size(); ++i) d = std::max(d, std::abs(y[i] - yc[i]));  // after 5 s
    return d;
  };
  const float with = late_diff(m), without = late_diff(plain);
  std::printf("channel offset, output change after 5 s: %.2e with running norm, %.2e without\n", with, without);
  EXPECT_LT(with, 1e-2f * without);
  EXPECT_GT(without, 1e-2f);
}

TEST(RuntimeModel, RunningNormModelRoundTripsThroughItsFile) {
  const model::ModelFile f = running_model(23);
  const std::string path = test_support::temp_path("runtime", "running.safetensors");
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  model::write_model(path, f);
  runtime::Model loaded = runtime::Model::load(path), direct(f);
  EXPECT_EQ(loaded.arch().feature_norm, model::FeatureNorm::Running);
  EXPECT_FLOAT_EQ(loaded.arch().norm_tau_s, 1.0f);
  Fixture fx(300);
  EXPECT_EQ(loaded.forward(fx.feats.data(), fx.tf, fx.cond.data(), fx.t),
            direct.forward(fx.feats.data(), fx.tf, fx.cond.data(), fx.t));
}

TEST(RuntimeModel, ShippedModelNormalisesItsFeatures) {
  // The default model is trained with feature_norm "running" (models/default/README.md): its
  // architecture says so and it carries the prior it starts from.
  const runtime::Model& m = runtime::Model::embedded_default();
  EXPECT_EQ(m.arch().feature_norm, model::FeatureNorm::Running);
  EXPECT_FLOAT_EQ(m.arch().norm_tau_s, 2.5f);
  EXPECT_TRUE(m.arch().to_json().contains("feature_norm"));
}

TEST(RuntimeModel, ModelWithoutFeatureNormKeepsItsArchitectureJson) {
  // A model file from before feature_norm reads as "none" and its architecture JSON (which
  // is in the file's metadata and compared on checkpoint resume) gains no field.
  model::ModelFile f = running_model(24);
  f.arch.feature_norm = model::FeatureNorm::None;
  f.weights.tensors.erase(model::kFeaturePriorTensor);
  runtime::Model m(f);
  EXPECT_EQ(m.arch().feature_norm, model::FeatureNorm::None);
  EXPECT_FALSE(m.arch().to_json().contains("feature_norm"));
  EXPECT_FALSE(m.arch().to_json().contains("norm_tau_s"));
}
