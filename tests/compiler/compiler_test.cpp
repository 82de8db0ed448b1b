#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "compiler/compiler.h"
#include "emotion/classes.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "tables/tables.h"

using namespace emosync;
using namespace emosync::compiler;
using emotion::Level;

namespace {
float max_abs(const Blendshapes& a, const Blendshapes& b) {
  float m = 0;
  for (std::size_t i = 0; i < 52; ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}
std::array<float, 16> one_hot(std::size_t c) {
  std::array<float, 16> w{};
  w[c] = 1.f;
  return w;
}
// The Lipschitz bound this compiler promises (max-norm of the output change per unit of
// L2 VAD change, one-hot weights). Measured maximum over all classes is printed by
// Continuity.SmallVadStepsGiveSmallOutputSteps; the bound leaves headroom.
constexpr float kLipschitz = 3.0f;
}  // namespace

TEST(Compiler, ReproducesEveryPresetAtItsAnchor) {
  const Compiler& c = Compiler::standard();
  const auto& t = presets::PresetTable::standard();
  float worst = 0;
  for (const auto& p : t.all()) {
    Blendshapes y = c.compile(one_hot(p.emotion), p.vad);
    float e = 0;
    for (std::size_t i = 0; i < 52; ++i) e = std::max(e, std::abs(y[i] - p.weights[i]));
    EXPECT_LE(e, 0.01f) << p.label();
    worst = std::max(worst, e);
  }
  std::printf("max abs error at the anchors over 46 presets x 52 channels: %g\n", worst);
}

TEST(Compiler, IntensityZeroIsNeutral) {
  const Compiler& c = Compiler::standard();
  Blendshapes n = c.neutral();
  for (float v : n) EXPECT_NEAR(v, 0.f, 0.01f);
  for (std::size_t k = 0; k < emotion::kCount; ++k)
    EXPECT_LE(max_abs(c.compile(emotion::make_conditioning(k, 0.f)), n), 0.01f) << emotion::names()[k];
}

TEST(Compiler, OutputAlwaysInUnitRange) {
  const Compiler& c = Compiler::standard();
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-1.f, 1.f), w(0.f, 1.f);
  for (int i = 0; i < 2000; ++i) {
    emotion::Conditioning c19{};
    for (std::size_t k = 0; k < 16; ++k) c19[k] = i % 2 ? w(rng) : 0.f;
    c19[i % 16] = 1.f;
    for (int q = 0; q < 3; ++q) c19[16 + q] = u(rng);
    for (float v : c.compile(c19)) {
      EXPECT_GE(v, 0.f);
      EXPECT_LE(v, 1.f);
    }
  }
}

TEST(Compiler, SmallVadStepsGiveSmallOutputSteps) {
  const Compiler& c = Compiler::standard();
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  const float h = 1e-3f;
  float worst = 0;
  for (std::size_t k = 0; k < emotion::kCount; ++k) {
    for (int i = 0; i < 400; ++i) {
      emotion::Vad v{u(rng), u(rng), u(rng)}, d{u(rng), u(rng), u(rng)};
      float n = std::sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
      if (n < 1e-3f) continue;
      emotion::Vad v2 = v;
      for (int q = 0; q < 3; ++q) v2[q] += h * d[q] / n;
      float step = max_abs(c.compile(one_hot(k), v), c.compile(one_hot(k), v2));
      worst = std::max(worst, step / h);
      EXPECT_LE(step, kLipschitz * h) << emotion::names()[k];
    }
    // also along the class's own intensity path, where the presets are
    for (float x = 0; x < 100; x += 0.5f) {
      auto a = emotion::Anchors::standard().at_intensity(k, x), b = emotion::Anchors::standard().at_intensity(k, x + 0.5f);
      float dist = std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
      EXPECT_LE(max_abs(c.compile(one_hot(k), a), c.compile(one_hot(k), b)), kLipschitz * dist + 1e-5f)
          << emotion::names()[k] << " at " << x;
    }
  }
  std::printf("largest measured |d out|_inf / |d vad|_2 = %.3f (bound %.1f)\n", worst, kLipschitz);
}

TEST(Compiler, TwoClassBlendsChangeSmoothly) {
  const Compiler& c = Compiler::standard();
  const std::size_t pairs[][2] = {{1, 9}, {13, 6}, {10, 11}, {7, 8}, {0, 14}, {15, 5}};
  for (auto& pr : pairs) {
    auto a = emotion::make_conditioning(pr[0], 80.f), b = emotion::make_conditioning(pr[1], 80.f);
    Blendshapes ya = c.compile(a), yb = c.compile(b);
    Blendshapes prev = ya;
    const int steps = 200;
    float worst = 0;
    for (int s = 1; s <= steps; ++s) {
      Blendshapes y = c.compile(emotion::blend(a, b, s / float(steps)));
      worst = std::max(worst, max_abs(y, prev));
      prev = y;
    }
    EXPECT_LE(max_abs(prev, yb), 1e-6f);
    // Each 0.5 % step of the blend moves no channel more than 3 % of the full change
    // budget (1.0): no jumps between the two endpoints.
    EXPECT_LE(worst, 0.03f) << emotion::names()[pr[0]] << " -> " << emotion::names()[pr[1]];
    // The blend midpoint stays near the range of both ends: each class's archetype is
    // evaluated at the blended VAD, off its own anchors, so allow some overshoot.
    Blendshapes mid = c.compile(emotion::blend(a, b, 0.5f));
    for (std::size_t i = 0; i < 52; ++i) {
      EXPECT_GE(mid[i], std::min(ya[i], yb[i]) - 0.25f) << arkit::names()[i];
      EXPECT_LE(mid[i], std::max(ya[i], yb[i]) + 0.25f) << arkit::names()[i];
    }
  }
}

TEST(Compiler, WeightsAreNormalisedAndNegativesIgnored) {
  const Compiler& c = Compiler::standard();
  emotion::Vad v = emotion::Anchors::standard().at(1, Level::L3);
  auto w = one_hot(1);
  Blendshapes ref = c.compile(w, v);
  w[1] = 3.f;
  EXPECT_LE(max_abs(c.compile(w, v), ref), 1e-6f);
  w[9] = -2.f;
  EXPECT_LE(max_abs(c.compile(w, v), ref), 1e-6f);
  std::array<float, 16> zero{};
  EXPECT_LE(max_abs(c.compile(zero, c.neutral_vad()), c.neutral()), 1e-6f);
}

TEST(Compiler, BatchEqualsSingle) {
  const Compiler& c = Compiler::standard();
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-1.f, 1.f), w(0.f, 1.f);
  const std::size_t frames = 257;
  std::vector<float> cond(frames * 19), out(frames * 52);
  for (std::size_t f = 0; f < frames; ++f) {
    for (std::size_t k = 0; k < 16; ++k) cond[f * 19 + k] = (f + k) % 5 == 0 ? w(rng) : 0.f;
    for (int q = 0; q < 3; ++q) cond[f * 19 + 16 + q] = u(rng);
    // runs of repeated rows, as a timeline holds them, take compile_batch's reuse path
    if (f % 4 == 3) std::copy(cond.begin() + (f - 1) * 19, cond.begin() + f * 19, cond.begin() + f * 19);
  }
  c.compile_batch(cond.data(), frames, out.data());
  for (std::size_t f = 0; f < frames; ++f) {
    emotion::Conditioning c19;
    std::copy(cond.begin() + f * 19, cond.begin() + f * 19 + 19, c19.begin());
    Blendshapes y = c.compile(c19);
    for (std::size_t i = 0; i < 52; ++i) ASSERT_EQ(out[f * 52 + i], y[i]) << "frame " << f;
  }
}

TEST(Compiler, ArchetypeMakesClassesDifferAtTheSameVad) {
  // Same VAD, different class: the archetype layer must separate them (the character of
  // each class is not only its VAD).
  const Compiler& c = Compiler::standard();
  emotion::Vad v = emotion::Anchors::standard().at(emotion::parse("sulk"), Level::L5);
  Blendshapes sulk = c.compile(one_hot(emotion::parse("sulk")), v);
  Blendshapes sad = c.compile(one_hot(emotion::parse("sadness")), v);
  EXPECT_GT(max_abs(sulk, sad), 0.1f);
}

TEST(Compiler, SensitivitiesErrorsNameTheChannel) {
  io::Json j = tables::read_json(Sensitivities::kDefaultKey);
  j["channels"]["browDownLeft"].erase("why");
  std::string path = ::testing::TempDir() + "/sens_bad.json";
  io::write_file_atomic(path, j.dump());
  try {
    Sensitivities::load(path);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("channels.browDownLeft.why: missing"), std::string::npos) << e.what();
  }
  j = tables::read_json(Sensitivities::kDefaultKey);
  j["channels"].erase("tongueOut");
  io::write_file_atomic(path, j.dump());
  EXPECT_THROW(Sensitivities::load(path), Error);
}

TEST(Compiler, DifferentSensitivitiesStillReproducePresets) {
  io::Json j = tables::read_json(Sensitivities::kDefaultKey);
  for (auto& [name, ch] : j["channels"].items()) {
    (void)name;
    ch["v"] = 4.0;
    ch["b"] = -1.0;
  }
  std::string path = ::testing::TempDir() + "/sens_other.json";
  io::write_file_atomic(path, j.dump());
  Compiler c = Compiler::load(presets::PresetTable::kDefaultKey, path);
  for (const auto& p : presets::PresetTable::standard().all())
    EXPECT_LE(max_abs(c.compile(one_hot(p.emotion), p.vad), p.weights), 0.01f) << p.label();
}
