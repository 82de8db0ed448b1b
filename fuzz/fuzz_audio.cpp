// The audio loader on any bytes (WAV, FLAC, OGG, MP3 and whatever else libsndfile
// sniffs), then the resampler to the model's rate, as load_mono_16k and /api/animate do.
#include <cmath>

#include "audio/audio.h"
#include "fuzz_input.h"

namespace {
// Keeps one input cheap; decode_audio must refuse anything longer as soon as it knows.
constexpr double kMaxSeconds = 5;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace emosync;
  return fuzz::run(data, size, [](const std::string& bytes) {
    const audio::Audio a = audio::decode_audio(bytes, "fuzz.audio", kMaxSeconds);
    if (a.samples.empty()) return;
    fuzz::expect(a.sample_rate > 0, "decoded audio has a positive sample rate");
    fuzz::expect(a.duration_s() <= kMaxSeconds, "decode_audio refuses audio longer than max_seconds");
    audio::resample(a, audio::kModelRate);
  });
}
