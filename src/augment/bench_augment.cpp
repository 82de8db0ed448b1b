// Cost of augmentation: seconds of compute per minute of 16 kHz audio, for each effect
// alone and for whole drawn chains (one augmented take). One thread.
//   build/bench_augment [speech file]   (default: a synthetic vowel-and-pause signal)
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>

#include "audio/audio.h"
#include "augment/chain.h"
#include "augment/codec.h"
#include "augment/effects.h"

using namespace emosync;

namespace {

std::vector<float> test_signal(double seconds) {
  std::vector<float> x(static_cast<std::size_t>(seconds * audio::kModelRate));
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double t = static_cast<double>(i) / audio::kModelRate;
    const double on = std::fmod(t, 1.0) < 0.7 ? 1 : 0;  // 0.7 s "speech", 0.3 s pause
    double v = 0;
    for (int h = 1; h <= 30; ++h) v += std::sin(2 * M_PI * 120 * h * t) / h;
    x[i] = static_cast<float>(0.2 * on * v);
  }
  return x;
}

double seconds_per_minute(const std::vector<float>& x, const std::function<void()>& f) {
  auto t0 = std::chrono::steady_clock::now();
  f();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return s * 60 * audio::kModelRate / static_cast<double>(x.size());
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::vector<float> x = argc > 1 ? audio::load_mono_16k(argv[1]).samples : test_signal(60);
    std::printf("%.1f s of audio; seconds of compute per minute of audio:\n",
                static_cast<double>(x.size()) / audio::kModelRate);
    augment::Rng rng(1);
    const std::vector<std::pair<const char*, std::function<void()>>> effects = {
        {"speed 1.07", [&] { augment::change_speed(x, 1.07); }},
        {"pitch +2 st", [&] { augment::shift_pitch(x, 2); }},
        {"formants 1.08", [&] { augment::warp_formants(x, 1.08); }},
        {"reverb 0.8 s", [&] { augment::reverberate(x, augment::room_impulse_response(0.8, 3, rng)); }},
        {"pink noise", [&] { std::vector<float> y = x; augment::add_at_snr(y, augment::coloured_noise(y.size(), 1, rng), 10); }},
        {"telephone", [&] { augment::band_limit_8k(x); }},
        {"mp3", [&] { augment::codec_round_trip(x, augment::Codec::Mp3, 0.6); }},
        {"opus", [&] { augment::codec_round_trip(x, augment::Codec::Opus, 0.6); }},
    };
    for (const auto& [name, f] : effects) std::printf("  %-14s %.3f\n", name, seconds_per_minute(x, f));
    constexpr int kTakes = 20;
    double total = 0;
    for (int k = 0; k < kTakes; ++k) {
      augment::Chain c = augment::draw_chain(augment::seed_of("bench." + std::to_string(k)));
      total += seconds_per_minute(x, [&] {
        std::vector<float> y = c.speed != 1 ? augment::change_speed(x, c.speed) : x;
        augment::apply_steps(c, y);
      });
    }
    std::printf("  chain (mean of %d drawn takes) %.3f\n", kTakes, total / kTakes);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_augment: %s\n", e.what());
    return 1;
  }
}
