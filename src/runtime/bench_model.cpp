// Runtime model speed, one thread: offline frames/s and x real time on 60 s of features,
// and streaming compute per 10 ms chunk. Ratios from one run, not asserts.
#include <chrono>
#include <cstdio>
#include <random>

#include "model/architecture.h"
#include "model/model_file.h"
#include "runtime/model.h"

int main() {
  using namespace emosync;
  using Clock = std::chrono::steady_clock;
  Eigen::setNbThreads(1);
  const model::Architecture arch = model::Architecture::v3_default();
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
  std::printf("model: %zu parameters (%.2f MB float32), lookahead %.0f ms\n", arch.parameter_count(),
              arch.parameter_count() * 4.0 / 1e6, arch.lookahead_ms());
  std::printf("offline: 60 s audio in %.1f ms: %.0f output frames/s, %.0f feature frames/s, %.0fx real time\n",
              s * 1e3, t / s, tf / s, 60.0 / s);
  runtime::Stream st(m);
  std::vector<float> out(52 * 4);
  a = Clock::now();
  std::size_t pulled = 0;
  for (std::size_t i = 0; i < tf; ++i) {
    st.push(&feats[i * arch.n_mels], 1);
    pulled += st.pull(&cond[pulled * 19], st.available(), out.data());
  }
  s = std::chrono::duration<double>(Clock::now() - a).count();
  std::printf("streaming, 10 ms chunks: %.3f ms compute per chunk, %.0fx real time, %zu frames\n", s * 1e3 / tf,
              60.0 / s, pulled);
  return 0;
}
