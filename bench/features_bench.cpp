// Features throughput, one thread: x real time for offline log-mel, streaming log-mel
// (20 ms chunks) and the 22.05 kHz -> 16 kHz resampling that precedes them when audio
// comes from espeak-ng (libsamplerate natively, resample_sinc in the wasm build).
// Prints ratios measured in this run (best of several passes).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <vector>

#include "audio/audio.h"
#include "features/log_mel.h"
#include "features/resample.h"

namespace {
using Clock = std::chrono::steady_clock;

// Best wall time of `passes` runs of fn, in seconds.
double best_of(int passes, const std::function<void()>& fn) {
  double best = 1e30;
  for (int p = 0; p < passes; ++p) {
    auto t0 = Clock::now();
    fn();
    best = std::min(best, std::chrono::duration<double>(Clock::now() - t0).count());
  }
  return best;
}

// Speech-like test signal: a gliding harmonic tone with noise, amplitude-modulated.
std::vector<float> signal(double seconds, int rate) {
  std::mt19937 rng(7);
  std::normal_distribution<float> noise(0.f, 0.02f);
  std::vector<float> x(static_cast<std::size_t>(seconds * rate));
  double phase = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    double t = static_cast<double>(i) / rate;
    phase += 2 * 3.14159265358979 * (120 + 40 * std::sin(2 * 3.14159265358979 * 0.5 * t)) / rate;
    double env = 0.5 + 0.5 * std::sin(2 * 3.14159265358979 * 4 * t);
    x[i] = static_cast<float>(0.3 * env * (std::sin(phase) + 0.5 * std::sin(3 * phase))) + noise(rng);
  }
  return x;
}
}  // namespace

// Usage: bench_features [seconds of audio, default 60] [passes, default 10]
int main(int argc, char** argv) {
  using namespace emosync;
  const double seconds = argc > 1 ? std::atof(argv[1]) : 60.0;
  const int passes = argc > 2 ? std::atoi(argv[2]) : 10;  // best-of filters out a busy machine
  std::vector<float> x16 = signal(seconds, features::kSampleRate);
  volatile float sink = 0;

  features::LogMel mel;
  double t_off = best_of(passes, [&] { sink = sink + mel.compute(x16).back(); });

  double t_stream = best_of(passes, [&] {
    features::StreamingLogMel s;
    std::vector<float> out;
    out.reserve(features::num_frames(x16.size()) * features::kMelBands);
    const std::size_t chunk = 320;  // 20 ms
    for (std::size_t i = 0; i < x16.size(); i += chunk) {
      s.push(x16.data() + i, std::min(chunk, x16.size() - i));
      s.pull_all(out);
    }
    sink = sink + out.back();
  });

  audio::Audio a22;
  a22.sample_rate = 22050;
  a22.samples = signal(seconds, 22050);
  double t_rs =
      best_of(passes, [&] { sink = sink + audio::resample(a22, audio::kModelRate).samples.back(); });

  double t_sinc = best_of(passes, [&] {
    sink = sink + features::resample_sinc(a22.samples, 22050, features::kSampleRate).back();
  });

  const std::size_t frames = features::num_frames(x16.size());
  std::printf("features bench: %.0f s of audio, %zu frames, best of %d passes, one thread\n", seconds, frames,
              passes);
  std::printf("  log-mel offline      %8.1f x real time  (%.2f us/frame)\n", seconds / t_off,
              1e6 * t_off / frames);
  std::printf("  log-mel streaming    %8.1f x real time  (20 ms chunks)\n", seconds / t_stream);
  std::printf("  resample 22.05k->16k %8.1f x real time  (libsamplerate SINC_MEDIUM)\n", seconds / t_rs);
  std::printf("  resample 22.05k->16k %8.1f x real time  (features::resample_sinc, the wasm path)\n",
              seconds / t_sinc);
  std::printf("  resample + log-mel   %8.1f x real time  (libsamplerate + offline log-mel)\n",
              seconds / (t_rs + t_off));
  return 0;
}
