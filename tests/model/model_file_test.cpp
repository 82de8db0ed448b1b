#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "io/atomic_file.h"
#include "io/error.h"
#include "model/architecture.h"
#include "model/model_file.h"
#include "model/safetensors.h"
#include "support/test_support.h"

using namespace emosync;

namespace {
model::Architecture small_arch() {
  model::Architecture a = model::Architecture::v3_default();
  a.encoder = {{8, 3, 1, 1}, {8, 3, 2, 0}};
  a.embed_dim = 4;
  a.blocks = 1;
  return a;
}
std::string tmp(const std::string& name) {
  auto d = std::filesystem::temp_directory_path() / "emosync_model_test";
  std::filesystem::create_directories(d);
  return (d / name).string();
}
}  // namespace

TEST(Architecture, DefaultFitsTheSizeBudgetAndLookahead) {
  const auto v3 = model::Architecture::v3_default();
  EXPECT_LE(v3.parameter_count() * 4, 2u * 1000 * 1000);
  EXPECT_LE(v3.lookahead_ms(), 100.0);
  const auto base = model::Architecture::base_default();
  EXPECT_EQ(base.cond_dim(), 5);
  EXPECT_EQ(v3.cond_dim(), 19);
  // Linear(5,64) -> MLP(19,64,64): 384 -> 5440 parameters.
  EXPECT_EQ(v3.parameter_count() - base.parameter_count(), 5440u - 384u);
}

TEST(Architecture, JsonRoundTripAndFieldErrors) {
  const auto a = small_arch();
  EXPECT_EQ(model::Architecture::from_json(a.to_json(), "x").to_json(), a.to_json());
  auto j = a.to_json();
  j["encoder"][0]["lookahead"] = 9;
  try {
    model::Architecture::from_json(j, "m.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("encoder[0].lookahead"), std::string::npos) << e.what();
  }
}

TEST(Architecture, ResamplePointsAreExactThirds) {
  EXPECT_EQ(model::resample_point(0).i0, 0u);
  EXPECT_EQ(model::resample_point(1).i0, 3u);
  EXPECT_FLOAT_EQ(model::resample_point(1).frac, 1.0f / 3);
  EXPECT_EQ(model::resample_point(3).i0, 10u);
  EXPECT_FLOAT_EQ(model::resample_point(3).frac, 0.0f);
  EXPECT_EQ(model::output_frames_for(100), 30u);
  EXPECT_EQ(model::output_frames_for(101), 31u);
}

TEST(SafeTensors, RoundTripsBytesAndMetadata) {
  const auto m = model::random_model(small_arch(), 3);
  const std::string path = tmp("rt.safetensors");
  model::write_model(path, m);
  const std::string bytes = io::read_file(path);
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(bytes[i]);
  EXPECT_EQ(bytes[8], '{');
  EXPECT_EQ((8 + n) % 8, 0u);
  const auto back = model::read_model(path);
  EXPECT_EQ(back.arch.to_json(), m.arch.to_json());
  EXPECT_EQ(back.stage, "v3");
  for (const auto& [name, t] : m.weights.tensors) EXPECT_EQ(back.weights.at(name, "x").data, t.data) << name;
  for (const char* key : {"architecture", "feature_config", "channel_order", "emotions", "anchors_version",
                          "format_version"})
    EXPECT_TRUE(back.weights.metadata.count(key)) << key;
}

// Two tensors over the same bytes cover the data's size exactly; the offsets must still be
// one gap-free, overlap-free tiling.
TEST(SafeTensors, OverlappingTensorsAreRejected) {
  std::string header =
      R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
      R"("c":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})";
  auto file = [](const std::string& h, std::size_t data_bytes) {
    std::string out(8, '\0');
    for (int i = 0; i < 8; ++i) out[static_cast<std::size_t>(i)] = static_cast<char>((h.size() >> (8 * i)) & 0xff);
    return out + h + std::string(data_bytes, '\0');
  };
  try {
    model::parse_safetensors(file(header, 24), "overlap.safetensors");
    FAIL() << "accepted overlapping tensors";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("overlap"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("overlap.safetensors"), std::string::npos) << e.what();
  }
  std::string_view data;
  const std::string ok = file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", 8);
  EXPECT_EQ(model::parse_safetensors(ok, "ok", &data).tensors.size(), 1u);
  EXPECT_EQ(data.size(), 8u);
}

TEST(SafeTensors, DamagedFilesGiveErrorsNeverCrashes) {
  const auto m = model::random_model(small_arch(), 4);
  const std::string good = model::safetensors_bytes(model::with_metadata(m));
  int errors = 0;
  // Every truncation.
  for (std::size_t cut = 0; cut < good.size(); cut += 1 + cut / 64) {
    EXPECT_THROW(model::parse_model(good.substr(0, cut), "cut"), Error) << cut;
    ++errors;
  }
  // Flipped bytes anywhere in the header must either parse to a valid model or throw Error.
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(good[i]);
  for (std::size_t i = 0; i < 8 + n; i += 7) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    try {
      model::parse_model(bad, "flip");
    } catch (const Error&) {
      ++errors;
    }
  }
  EXPECT_GT(errors, 100);
  // Wrong format version names the field.
  model::SafeTensors st = model::with_metadata(m);
  st.metadata["format_version"] = "99";
  try {
    model::parse_model(model::safetensors_bytes(st), "v99.safetensors");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("format_version"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("v99.safetensors"), std::string::npos) << e.what();
  }
  // A tensor of the wrong shape.
  st = model::with_metadata(m);
  st.tensors["head.bias"].shape = {4, 13};
  EXPECT_THROW(model::parse_model(model::safetensors_bytes(st), "shape"), Error);
  // Not a model at all.
  EXPECT_THROW(model::parse_model("hello world, this is not a model", "text"), Error);
  EXPECT_THROW(model::read_model(tmp("missing.safetensors")), Error);
}

// The runtime resamples to 30 fps only: a file made for another rate is refused by name,
// not played at the wrong speed.
TEST(ModelFile, OutputFpsOtherThanThirtyIsRejectedNamingFileAndField) {
  model::SafeTensors st = model::with_metadata(model::random_model(small_arch(), 5));
  EXPECT_NO_THROW(model::parse_model(model::safetensors_bytes(st), "ok"));
  for (const char* fps : {"60", "25", "thirty"}) {
    st.metadata["output_fps"] = fps;
    const std::string e = test_support::error_of([&] { model::parse_model(model::safetensors_bytes(st), "fps.safetensors"); });
    EXPECT_NE(e.find("fps.safetensors"), std::string::npos) << e;
    EXPECT_NE(e.find("output_fps"), std::string::npos) << e;
    EXPECT_NE(e.find(fps), std::string::npos) << e;
  }
  st.metadata.erase("output_fps");
  const std::string e = test_support::error_of([&] { model::parse_model(model::safetensors_bytes(st), "nofps"); });
  EXPECT_NE(e.find("output_fps"), std::string::npos) << e;
}

namespace {
std::string safetensors_file(const std::string& header, std::size_t data_bytes) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[static_cast<std::size_t>(i)] = static_cast<char>((header.size() >> (8 * i)) & 0xff);
  return out + header + std::string(data_bytes, '\0');
}
}  // namespace

// Shapes are multiplied in 64 bits with a check before each product (size_t is 32 bits in
// WebAssembly), and a tensor has at most 8 dimensions.
TEST(SafeTensors, ShapesAreCheckedWithoutOverflow) {
  auto error = [](const std::string& shape, const std::string& offsets) {
    return test_support::error_of([&] {
      model::parse_safetensors(
          safetensors_file(R"({"a":{"dtype":"F32","shape":)" + shape + R"(,"data_offsets":)" + offsets + "}}", 0),
          "shape.safetensors");
    });
  };
  for (const char* shape : {"[65536,65536,2]", "[268435456,268435456,268435456]", "[4294967296]",
                            "[18446744073709551615]", "[16384,16384,16384,0]"}) {
    const std::string e = error(shape, "[0,0]");
    EXPECT_NE(e.find("shape.safetensors"), std::string::npos) << shape << ": " << e;
    EXPECT_NE(e.find("shape"), std::string::npos) << shape << ": " << e;
  }
  // Nine dimensions of 1: one element, but no tensor of emosync's has more than 8.
  const std::string e = error("[1,1,1,1,1,1,1,1,1]", "[0,4]");
  EXPECT_NE(e.find("more than 8 dimensions"), std::string::npos) << e;
  // A zero dimension anywhere is an empty tensor, whatever the others.
  const auto st = model::parse_safetensors(
      safetensors_file(R"({"a":{"dtype":"F32","shape":[0,268435456],"data_offsets":[0,0]}})", 0), "empty");
  EXPECT_EQ(st.tensors.at("a").numel(), 0u);
  EXPECT_TRUE(st.tensors.at("a").data.empty());
}

// Every damaged byte in the data offsets or the shapes of a real model gives an Error.
TEST(SafeTensors, DamagedNumbersInTheHeaderGiveErrors) {
  const std::string good = model::safetensors_bytes(model::with_metadata(model::random_model(small_arch(), 6)));
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(good[i]);
  int damaged = 0;
  for (std::size_t i = 8; i < 8 + n; ++i) {
    if (good[i] < '0' || good[i] > '9') continue;
    for (const char* digits : {"9", "99999999999", "18446744073709551616", "-1", "0.5"}) {
      std::string bad = good.substr(0, i) + digits + good.substr(i + 1);
      // Keep the header length right for the longer header.
      const std::uint64_t m = n + std::strlen(digits) - 1;
      for (int b = 0; b < 8; ++b) bad[static_cast<std::size_t>(b)] = static_cast<char>((m >> (8 * b)) & 0xff);
      try {
        model::parse_model(bad, "digits");
      } catch (const Error&) {
        ++damaged;
      }
    }
  }
  EXPECT_GT(damaged, 100);
}

TEST(Architecture, FeatureNormJsonRoundTripAndFieldErrors) {
  model::Architecture a = small_arch();
  a.feature_norm = model::FeatureNorm::Running;
  a.norm_tau_s = 3.0f;
  const auto back = model::Architecture::from_json(a.to_json(), "x");
  EXPECT_EQ(back.feature_norm, model::FeatureNorm::Running);
  EXPECT_FLOAT_EQ(back.norm_tau_s, 3.0f);
  EXPECT_EQ(back.to_json(), a.to_json());
  // The prior travels as a tensor of the architecture.
  EXPECT_EQ(a.parameter_count(), small_arch().parameter_count() + 80);
  // A config can switch it on with the fields alone; "none" writes nothing (old files stay as they were).
  auto j = small_arch().to_json();
  EXPECT_FALSE(j.contains("feature_norm"));
  j["feature_norm"] = "none";
  EXPECT_EQ(model::Architecture::from_json(j, "x").to_json(), small_arch().to_json());
  auto expect_error = [](io::Json j, const std::string& field) {
    const std::string e = test_support::error_of([&] { model::Architecture::from_json(j, "m.json"); });
    EXPECT_NE(e.find("m.json"), std::string::npos) << e;
    EXPECT_NE(e.find(field), std::string::npos) << e;
  };
  j["feature_norm"] = "per_utterance";
  expect_error(j, "feature_norm");
  j["feature_norm"] = "none";
  j["norm_tau_s"] = 2.0;
  expect_error(j, "norm_tau_s");  // a time constant for no normaliser: inconsistent
  j["feature_norm"] = "running";
  j["norm_tau_s"] = 0.0;
  expect_error(j, "norm_tau_s");
  j["norm_tau_s"] = 1e9;
  expect_error(j, "norm_tau_s");
}

TEST(Architecture, LipsJsonRoundTripAndFieldErrors) {
  // "speech" is the default and writes nothing, so every older file reads as it.
  auto j = small_arch().to_json();
  EXPECT_FALSE(j.contains("lips"));
  EXPECT_EQ(model::Architecture::from_json(j, "x").lips, model::Lips::Speech);
  j["lips"] = "speech";
  EXPECT_EQ(model::Architecture::from_json(j, "x").to_json(), small_arch().to_json());
  model::Architecture a = small_arch();
  a.lips = model::Lips::SpeechAndEmotion;
  EXPECT_EQ(a.to_json()["lips"], "speech+emotion");
  EXPECT_EQ(model::Architecture::from_json(a.to_json(), "x").lips, model::Lips::SpeechAndEmotion);
  j["lips"] = "emotion";
  const std::string e = test_support::error_of([&] { model::Architecture::from_json(j, "m.json"); });
  EXPECT_NE(e.find("m.json"), std::string::npos) << e;
  EXPECT_NE(e.find("lips"), std::string::npos) << e;
}

TEST(Architecture, ResampleTapsAreNormalisedCentredAndBounded) {
  for (std::size_t k = 0; k < 30; ++k) {
    const auto p = model::resample_point(k);
    const double pos = static_cast<double>(p.i0) + p.frac;
    for (auto kind : {model::Resample::Linear, model::Resample::Triangle}) {
      const auto taps = model::resample_taps(kind, k);
      double sum = 0, centre = 0;
      for (const auto& t : taps) {
        EXPECT_GT(t.weight, 0.0f);
        sum += t.weight;
        centre += t.weight * static_cast<double>(t.index);
      }
      EXPECT_NEAR(sum, 1.0, 1e-6) << k;
      // The weighted mean position is the frame's own position p, so neither kind delays
      // or advances the output: exactly for linear; the triangle sampled at whole frames
      // off a third is 1/33 frame (0.3 ms) off.
      EXPECT_NEAR(centre, pos, kind == model::Resample::Linear ? 1e-5 : 1.0 / 33 + 1e-5) << k;
      model::Architecture a = model::Architecture::v3_default();
      a.resample = kind;
      EXPECT_LE(taps.back().index, static_cast<long>(p.i0) + a.resample_lookahead_frames()) << k;
      EXPECT_GE(taps.front().index, static_cast<long>(p.i0) - 3) << k;
    }
    // Linear is the old interpolation exactly.
    const auto lin = model::resample_taps(model::Resample::Linear, k);
    EXPECT_EQ(lin.front().index, static_cast<long>(p.i0));
    EXPECT_FLOAT_EQ(lin.front().weight, 1.0f - p.frac);
  }
  // The triangle reaches 3.33 frames each way: 7 taps at frame positions on a whole frame.
  EXPECT_EQ(model::resample_taps(model::Resample::Triangle, 0).size(), 7u);
  EXPECT_EQ(model::resample_taps(model::Resample::Triangle, 0).front().index, -3);
}

TEST(Architecture, ResampleJsonRoundTripAndLookaheadLimit) {
  auto j = small_arch().to_json();
  EXPECT_FALSE(j.contains("resample"));
  EXPECT_EQ(model::Architecture::from_json(j, "x").resample, model::Resample::Linear);
  model::Architecture a = small_arch();
  a.resample = model::Resample::Triangle;
  EXPECT_EQ(a.to_json()["resample"], "triangle");
  EXPECT_EQ(model::Architecture::from_json(a.to_json(), "x").resample, model::Resample::Triangle);
  j["resample"] = "cubic";
  std::string e = test_support::error_of([&] { model::Architecture::from_json(j, "m.json"); });
  EXPECT_NE(e.find("m.json"), std::string::npos) << e;
  EXPECT_NE(e.find("resample"), std::string::npos) << e;
  // 100 ms: the shipped encoder (6 frames) fits with linear (+1) but not with triangle (+3).
  model::Architecture v3 = model::Architecture::v3_default();
  EXPECT_EQ(v3.lookahead_ms(), 70.0);
  v3.resample = model::Resample::Triangle;
  EXPECT_EQ(v3.lookahead_ms(), 90.0);
  v3.encoder[1].lookahead = 4;  // 8 + 3 frames
  e = test_support::error_of([&] { v3.validate("m.json"); });
  EXPECT_NE(e.find("exceeds 100 ms"), std::string::npos) << e;
}

TEST(ModelFile, FeatureNormRoundTripsAndInconsistentFilesAreRejected) {
  model::Architecture a = small_arch();
  a.feature_norm = model::FeatureNorm::Running;
  model::ModelFile f = model::random_model(a, 9);
  const std::string path = tmp("running.safetensors");
  model::write_model(path, f);
  const model::ModelFile back = model::read_model(path);
  EXPECT_EQ(back.arch.to_json(), a.to_json());
  EXPECT_EQ(back.weights.at(model::kFeaturePriorTensor, "x").data, f.weights.at(model::kFeaturePriorTensor, "x").data);

  auto error = [](const model::ModelFile& m) {
    return test_support::error_of([&] { model::parse_model(model::safetensors_bytes(model::with_metadata(m)), "n.safetensors"); });
  };
  model::ModelFile no_prior = f;  // running, but the prior is missing
  no_prior.weights.tensors.erase(model::kFeaturePriorTensor);
  EXPECT_NE(error(no_prior).find(model::kFeaturePriorTensor), std::string::npos) << error(no_prior);
  model::ModelFile short_prior = f;
  short_prior.weights.tensors[model::kFeaturePriorTensor].shape = {40};
  short_prior.weights.tensors[model::kFeaturePriorTensor].data.resize(40);
  EXPECT_NE(error(short_prior).find(model::kFeaturePriorTensor), std::string::npos) << error(short_prior);
  model::ModelFile nan_prior = f;
  nan_prior.weights.tensors[model::kFeaturePriorTensor].data[3] = NAN;
  EXPECT_NE(error(nan_prior).find(model::kFeaturePriorTensor), std::string::npos) << error(nan_prior);
  model::ModelFile stray = f;  // a prior in a file without the normaliser
  stray.arch.feature_norm = model::FeatureNorm::None;
  EXPECT_NE(error(stray).find(model::kFeaturePriorTensor), std::string::npos) << error(stray);
}
