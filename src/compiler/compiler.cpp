#include "compiler/compiler.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <sstream>

#include "io/error.h"

namespace emosync::compiler {
namespace {

// exp for float without a library call, so loops over the 52 channels vectorise
// (Cephes expf polynomial; relative error below 2e-7 on [-87, 87]). Fitting and
// evaluation both use it, so reproducibility does not depend on its accuracy.
inline float fast_exp(float x) {
  x = std::min(std::max(x, -87.f), 87.f);
  float n = std::floor(x * 1.44269504088896341f + 0.5f);
  float r = x - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  float y = p * r * r + r + 1.f;
  std::int32_t bits = (static_cast<std::int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return y * scale;
}

constexpr float kInv2Sigma2 = 1.f / (2.f * kRbfSigma * kRbfSigma);

// Solves A X = B (A: n x n, B: n x m, row-major, double) by Gaussian elimination with
// partial pivoting; the systems here are at most 5 x 5. Returns false when singular.
bool solve(std::vector<double> A, std::vector<double> B, std::size_t n, std::size_t m, std::vector<double>* X) {
  for (std::size_t col = 0; col < n; ++col) {
    std::size_t piv = col;
    for (std::size_t r = col + 1; r < n; ++r)
      if (std::fabs(A[r * n + col]) > std::fabs(A[piv * n + col])) piv = r;
    if (std::fabs(A[piv * n + col]) < 1e-12) return false;
    if (piv != col) {
      for (std::size_t k = 0; k < n; ++k) std::swap(A[col * n + k], A[piv * n + k]);
      for (std::size_t k = 0; k < m; ++k) std::swap(B[col * m + k], B[piv * m + k]);
    }
    for (std::size_t r = 0; r < n; ++r) {
      if (r == col) continue;
      double f = A[r * n + col] / A[col * n + col];
      if (f == 0) continue;
      for (std::size_t k = 0; k < n; ++k) A[r * n + k] -= f * A[col * n + k];
      for (std::size_t k = 0; k < m; ++k) B[r * m + k] -= f * B[col * m + k];
    }
  }
  X->assign(n * m, 0.0);
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t k = 0; k < m; ++k) (*X)[r * m + k] = B[r * m + k] / A[r * n + r];
  return true;
}

}  // namespace

const Compiler& Compiler::standard() {
  static const Compiler c = load(presets::PresetTable::kDefaultKey, Sensitivities::kDefaultKey);
  return c;
}

Compiler Compiler::load(const std::string& presets_path_or_key, const std::string& sensitivities_path_or_key) {
  return build(presets::PresetTable::load(presets_path_or_key), Sensitivities::load(sensitivities_path_or_key));
}

Compiler Compiler::build(const presets::PresetTable& table, const Sensitivities& sens) {
  Compiler c;
  for (std::size_t ch = 0; ch < arkit::kCount; ++ch) {
    c.wv_[ch] = sens.channels[ch].v;
    c.wa_[ch] = sens.channels[ch].a;
    c.wd_[ch] = sens.channels[ch].d;
    c.wb_[ch] = sens.channels[ch].b;
  }
  const presets::Preset& neutral = table.at(emotion::kNeutral, emotion::Level::L3);
  c.neutral_vad_ = neutral.vad;
  for (std::size_t k = 0; k < emotion::kCount; ++k) {
    std::vector<const presets::Preset*> pts{&neutral};
    if (k != emotion::kNeutral)
      for (const presets::Preset* p : table.of_class(k)) pts.push_back(p);
    const std::size_t n = pts.size();
    // Augmented RBF system [K 1; 1^T 0] [alpha; c] = [residual; 0].
    const std::size_t N = n + 1, M = arkit::kCount;
    std::vector<double> A(N * N, 0.0), B(N * M, 0.0), X;
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        float d2 = 0;
        for (int q = 0; q < 3; ++q) d2 += (pts[i]->vad[q] - pts[j]->vad[q]) * (pts[i]->vad[q] - pts[j]->vad[q]);
        if (i != j && d2 < 1e-8f)
          throw Error("compiler: presets " + pts[i]->label() + " and " + pts[j]->label() +
                      " sit at the same VAD point; the archetype layer cannot interpolate them");
        // Same float expression as evaluation, so the fit is exact for what compile() computes.
        A[i * N + j] = fast_exp(-d2 * kInv2Sigma2);
      }
      A[i * N + n] = A[n * N + i] = 1.0;
      Blendshapes p = c.parametric(pts[i]->vad);
      for (std::size_t ch = 0; ch < M; ++ch)
        B[i * M + ch] = (pts[i]->weights[ch] - kParametricShare * p[ch]) / kArchetypeShare;
    }
    if (!solve(A, B, N, M, &X))
      throw Error("compiler: RBF fit for " + std::string(emotion::names()[k]) + " is singular");
    Rbf& r = c.rbf_[k];
    r.n = n;
    r.centres.resize(n);
    r.coef.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      r.centres[i] = pts[i]->vad;
      for (std::size_t ch = 0; ch < arkit::kCount; ++ch) r.coef[i][ch] = static_cast<float>(X[i * M + ch]);
    }
    for (std::size_t ch = 0; ch < arkit::kCount; ++ch) r.constant[ch] = static_cast<float>(X[n * M + ch]);
  }
  return c;
}

Blendshapes Compiler::parametric(const emotion::Vad& vad) const {
  Blendshapes out;
  for (std::size_t ch = 0; ch < arkit::kCount; ++ch) {
    float z = wv_[ch] * vad[0] + wa_[ch] * vad[1] + wd_[ch] * vad[2] + wb_[ch];
    out[ch] = 1.f / (1.f + fast_exp(-z));
  }
  return out;
}

Blendshapes Compiler::archetype(std::size_t cls, const emotion::Vad& vad) const {
  const Rbf& r = rbf_.at(cls);
  Blendshapes out;
  std::copy(r.constant.begin(), r.constant.begin() + arkit::kCount, out.begin());
  for (std::size_t j = 0; j < r.n; ++j) {
    float d0 = vad[0] - r.centres[j][0], d1 = vad[1] - r.centres[j][1], d2 = vad[2] - r.centres[j][2];
    float phi = fast_exp(-(d0 * d0 + d1 * d1 + d2 * d2) * kInv2Sigma2);
    for (std::size_t ch = 0; ch < arkit::kCount; ++ch) out[ch] += phi * r.coef[j][ch];
  }
  return out;
}

void Compiler::compile_one(const float* w16, const float* vad, float* out) const {
  alignas(64) float acc[kLanes] = {};
  float wsum = 0.f;
  const float v = vad[0], a = vad[1], d = vad[2];
  auto add_class = [&](std::size_t k, float w) {
    const Rbf& r = rbf_[k];
    const float* rc = r.constant.data();
    for (std::size_t ch = 0; ch < kLanes; ++ch) acc[ch] += w * rc[ch];
    for (std::size_t j = 0; j < r.n; ++j) {
      float d0 = v - r.centres[j][0], d1 = a - r.centres[j][1], d2 = d - r.centres[j][2];
      float phi = w * fast_exp(-(d0 * d0 + d1 * d1 + d2 * d2) * kInv2Sigma2);
      const float* cj = r.coef[j].data();
      for (std::size_t ch = 0; ch < kLanes; ++ch) acc[ch] += phi * cj[ch];
    }
  };
  for (std::size_t k = 0; k < emotion::kCount; ++k) {
    float w = w16[k];
    if (!(w > 0.f)) continue;  // negative and NaN weights count as 0
    wsum += w;
    add_class(k, w);
  }
  if (!(wsum > 0.f)) {
    add_class(emotion::kNeutral, 1.f);
    wsum = 1.f;
  }
  const float share = kArchetypeShare / wsum;
  const float *wv = wv_.data(), *wa = wa_.data(), *wd = wd_.data(), *wb = wb_.data();
  for (std::size_t ch = 0; ch < kLanes; ++ch) {
    float z = wv[ch] * v + wa[ch] * a + wd[ch] * d + wb[ch];
    float p = 1.f / (1.f + fast_exp(-z));
    float y = kParametricShare * p + share * acc[ch];
    acc[ch] = std::min(1.f, std::max(0.f, y));
  }
  std::memcpy(out, acc, arkit::kCount * sizeof(float));
}

Blendshapes Compiler::compile(const std::array<float, 16>& emotion_weights, const emotion::Vad& vad) const {
  Blendshapes out;
  compile_one(emotion_weights.data(), vad.data(), out.data());
  return out;
}

Blendshapes Compiler::compile(const emotion::Conditioning& c19) const {
  Blendshapes out;
  compile_one(c19.data(), c19.data() + emotion::kCount, out.data());
  return out;
}

void Compiler::compile_batch(const float* cond, std::size_t frames, float* out) const {
  constexpr std::size_t D = emotion::kConditioningDim;
  for (std::size_t f = 0; f < frames; ++f) {
    const float* c = cond + f * D;
    // A timeline holds its conditioning between crossfades: a repeated row repeats the
    // previous output (bit-identical, since compile is a pure function of the row).
    if (f > 0 && std::memcmp(c, c - D, D * sizeof(float)) == 0) {
      std::memcpy(out + f * arkit::kCount, out + (f - 1) * arkit::kCount, arkit::kCount * sizeof(float));
      continue;
    }
    compile_one(c, c + emotion::kCount, out + f * arkit::kCount);
  }
}

Blendshapes Compiler::neutral() const {
  std::array<float, 16> w{};
  w[emotion::kNeutral] = 1.f;
  return compile(w, neutral_vad_);
}

}  // namespace emosync::compiler
