// emosync features in.wav -o feats.npy: any audio file -> 16 kHz mono -> log-mel [T, 80].
#include <chrono>
#include <cstdio>
#include <memory>

#include "audio/audio.h"
#include "cli/command.h"
#include "features/log_mel.h"
#include "io/error.h"
#include "io/npy.h"

namespace {
using namespace emosync;

struct Options {
  std::string input;
  std::string output;
  std::string wav_out;
  double max_seconds = audio::kMaxInputSeconds;
};

void setup(CLI::App& app) {
  auto o = std::make_shared<Options>();
  app.add_option("input", o->input, "audio file (WAV, FLAC, OGG, MP3; any rate and channel count)")
      ->required();
  app.add_option("-o,--output", o->output, "log-mel features, float32 NPY [T, 80]")->required();
  app.add_option("--wav", o->wav_out, "also write the 16 kHz mono audio the features were made from");
  app.add_option("--max-seconds", o->max_seconds, "longest audio to read; longer input (or a pipe that goes on) is an error")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.footer(
      "Features: 16 kHz, periodic Hann 400 (25 ms), hop 160 (10 ms), FFT 512, power,\n"
      "80 Slaney mel bands 0-8000 Hz (Slaney norm), ln(max(x, 1e-10)); frame i starts at\n"
      "sample 160 i, T = 1 + floor((N - 400) / 160) for N >= 400 samples, no padding.\n"
      "Limits: at most --max-seconds of audio (default 3600 s; above 48 kHz, max-seconds x 48000\n"
      "samples); at least one frame (25 ms); every sample finite (a NaN or Inf in a float\n"
      "file is an error naming its time); a truncated or header-only file is an error.");
  app.callback([o] {
    auto t0 = std::chrono::steady_clock::now();
    audio::Audio a = audio::load_mono_16k(o->input, o->max_seconds);
    const std::size_t frames = features::num_frames(a.samples.size());
    if (frames == 0)
      throw Error(o->input + ": " + std::to_string(a.samples.size()) + " samples at 16 kHz is shorter than one " +
                  std::to_string(features::kWindowLength) + "-sample (25 ms) feature frame");
    std::vector<float> f = features::log_mel(a.samples);
    io::write_npy(o->output, f.data(), {frames, features::kMelBands});
    if (!o->wav_out.empty()) audio::write_wav16(o->wav_out, a);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("%s: %.3f s of audio -> %zu frames x %zu mel bands -> %s (%.0f x real time)\n",
                o->input.c_str(), a.duration_s(), frames, features::kMelBands, o->output.c_str(),
                s > 0 ? a.duration_s() / s : 0.0);
  });
}

const bool registered =
    cli::register_command({"features", "Audio file -> 16 kHz log-mel features (NPY [T, 80])", setup});
}  // namespace
