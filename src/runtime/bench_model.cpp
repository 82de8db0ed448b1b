// Runtime model speed, one thread: offline frames/s and x real time on 60 s of features,
// and streaming compute per 10 ms chunk, for the default architecture with feature_norm
// "none" and "running" (the ratio is the normaliser's cost), and with lips "speech+emotion"
// (the ratio is the cost of reading the lips under neutral conditioning: a second pass of the
// FiLM blocks while an emotion is on). Ratios from one run, not asserts.
#include <chrono>
#include <cstdio>
#include <random>

#include "features/normalise.h"
#include "model/architecture.h"
#include "model/model_file.h"
#include "runtime/model.h"

namespace {
using namespace emosync;
using Clock = std::chrono::steady_clock;

struct Speed {
  double offline_x, stream_x, stream_ms;
};

Speed measure(const model::Architecture& arch) {
  runtime::Model m(model::random_model(arch, 1));
  const std::size_t tf = 6000, t = model::output_frames_for(tf);
  std::mt19937 rng(2);
  std::normal_distribution<float> nd;
  std::vector<float> feats(tf * arch.n_mels), cond(t * 19, 0.0f);
  for (float& v : feats) v = nd(rng);
  for (std::size_t k = 0; k < t; ++k) cond[k * 19 + 1] = 1.0f;
  m.forward(feats.data(), 500, cond.data(), 150);  // warm-up
  const int reps = 3;
  auto a = Clock::now();
  for (int r = 0; r < reps; ++r) m.forward(feats.data(), tf, cond.data(), t);
  double s = std::chrono::duration<double>(Clock::now() - a).count() / reps;
  const char* norm = arch.lips == model::Lips::SpeechAndEmotion  ? "none, lips speech+emotion"
                     : arch.feature_norm == model::FeatureNorm::Running ? "running"
                                                                        : "none";
  std::printf("[feature_norm %s] model: %zu parameters (%.2f MB float32), lookahead %.0f ms\n", norm,
              arch.parameter_count(), arch.parameter_count() * 4.0 / 1e6, arch.lookahead_ms());
  std::printf("[feature_norm %s] offline: 60 s audio in %.1f ms: %.0f output frames/s, %.0f feature frames/s, %.0fx real time\n",
              norm, s * 1e3, t / s, tf / s, 60.0 / s);
  Speed out{60.0 / s, 0, 0};
  runtime::Stream st(m);
  std::vector<float> y(52 * 4);
  a = Clock::now();
  std::size_t pulled = 0;
  for (std::size_t i = 0; i < tf; ++i) {
    st.push(&feats[i * arch.n_mels], 1);
    pulled += st.pull(&cond[pulled * 19], st.available(), y.data());
  }
  s = std::chrono::duration<double>(Clock::now() - a).count();
  std::printf("[feature_norm %s] streaming, 10 ms chunks: %.3f ms compute per chunk, %.0fx real time, %zu frames\n", norm,
              s * 1e3 / tf, 60.0 / s, pulled);
  out.stream_x = 60.0 / s;
  out.stream_ms = s * 1e3 / tf;
  return out;
}
}  // namespace

int main() {
  Eigen::setNbThreads(1);
  model::Architecture arch = model::Architecture::v3_default();
  const Speed none = measure(arch);
  arch.feature_norm = model::FeatureNorm::Running;
  const Speed running = measure(arch);
  arch.feature_norm = model::FeatureNorm::None;
  arch.lips = model::Lips::SpeechAndEmotion;
  const Speed one_pass = measure(arch);
  arch.lips = model::Lips::Speech;
  std::printf("running / none speed: offline %.3f, streaming %.3f (whole-model timings: on a loaded machine\n"
              "  their noise exceeds the normaliser's cost, which is measured alone below)\n",
              running.offline_x / none.offline_x, running.stream_x / none.stream_x);
  std::printf("lips speech / speech+emotion speed under joy (the neutral lips pass): offline %.3f, streaming %.3f\n",
              none.offline_x / one_pass.offline_x, none.stream_x / one_pass.stream_x);
  // The normaliser alone on the same 60 s (every frame speech, the slowest case).
  const std::size_t tf = 6000;
  std::mt19937 rng(2);
  std::normal_distribution<float> nd;
  std::vector<float> feats(tf * arch.n_mels), work;
  for (float& v : feats) v = nd(rng);
  features::RunningNorm norm(std::vector<float>(static_cast<std::size_t>(arch.n_mels), 0.0f), arch.norm_tau_s);
  const int reps = 20;
  double s = 0;
  for (int r = 0; r < reps; ++r) {
    work = feats;
    const auto a = Clock::now();
    norm.apply(work.data(), tf);
    s += std::chrono::duration<double>(Clock::now() - a).count();
  }
  s /= reps;
  std::printf("normaliser alone: 60 s of features in %.3f ms (%.0fx real time), %.2f%% of the offline model time\n",
              s * 1e3, 60.0 / s, 100.0 * s / (60.0 / none.offline_x));
  return 0;
}
