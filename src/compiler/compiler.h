#pragma once
// The rule-based compiler (ARCHITECTURE.md §3): (emotion weights[16], VAD) -> 52 ARKit
// channels.
//   parametric  p(vad)[c]  = sigmoid(v_c V + a_c A + d_c D + b_c)      (sensitivities table)
//   archetype   r(w, vad)  = sum_k w_k R_k(vad) / sum_k w_k            (per-class RBF)
//   output                 = clamp01(0.6 p + 0.4 r)
// R_k is a Gaussian RBF interpolant (plus a constant) over class k's presets in VAD space
// and the neutral preset, fitted to (preset - 0.6 p(vad_preset)) / 0.4, so the output at a
// preset's own anchor is that preset and intensity -> 0 goes to neutral. Negative weights
// count as 0; all-zero weights mean neutral. Everything is precomputed at load: compile()
// allocates nothing.
#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "arkit/blendshapes.h"
#include "compiler/sensitivities.h"
#include "emotion/anchors.h"
#include "emotion/conditioning.h"
#include "presets/presets.h"

namespace emosync::compiler {

using Blendshapes = std::array<float, 52>;  // canonical ARKit order (arkit::names())
static_assert(arkit::kCount == 52, "52 ARKit channels");

constexpr float kParametricShare = 0.6f;
constexpr float kArchetypeShare = 0.4f;
// Width of the Gaussian RBF kernel exp(-|x - c|^2 / (2 sigma^2)) in VAD units.
constexpr float kRbfSigma = 0.35f;

class Compiler {
 public:
  static const Compiler& standard();  // embedded presets + sensitivities
  static Compiler load(const std::string& presets_path_or_key, const std::string& sensitivities_path_or_key);
  static Compiler build(const presets::PresetTable& presets, const Sensitivities& sens);

  Blendshapes compile(const std::array<float, 16>& emotion_weights, const emotion::Vad& vad) const;
  Blendshapes compile(const emotion::Conditioning& c19) const;
  // cond: frames x 19 row-major (one-hot/blend ++ VAD); out: frames x 52 row-major.
  void compile_batch(const float* cond, std::size_t frames, float* out) const;
  Blendshapes neutral() const;  // compile at neutral one-hot + neutral anchor

  // Parts, for tests and tools.
  Blendshapes parametric(const emotion::Vad& vad) const;
  Blendshapes archetype(std::size_t cls, const emotion::Vad& vad) const;  // R_cls, unclamped
  const emotion::Vad& neutral_vad() const { return neutral_vad_; }

 private:
  void compile_one(const float* w16, const float* vad, float* out) const;

  // Channel arrays are padded to kLanes (a multiple of the widest SIMD width) with zeros
  // so the per-channel loops vectorise without remainder loops.
  static constexpr std::size_t kLanes = 64;
  using Lane = std::array<float, kLanes>;
  struct Rbf {
    std::size_t n = 0;                          // centres
    std::vector<std::array<float, 3>> centres;  // n
    std::vector<Lane> coef;                     // n x 52 (padded)
    Lane constant{};
  };
  // parametric weights laid out per component for vectorisation
  Lane wv_{}, wa_{}, wd_{}, wb_{};
  std::array<Rbf, emotion::kCount> rbf_;
  emotion::Vad neutral_vad_{};
};

}  // namespace emosync::compiler
