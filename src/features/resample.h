#pragma once
// Band-limited resampling in plain C++, for builds without libsamplerate (the
// WebAssembly runtime gets 44.1 or 48 kHz audio from the page and needs 16 kHz).
// Native tools use audio::resample (libsamplerate); tests check the two agree.
//
// Method: polyphase windowed sinc over the exact rational ratio to/from (reduced by
// their gcd). Output sample n sits at input time n * from / to, so sample 0 stays
// sample 0 (no delay). Low-pass cutoff at 0.91 of the lower Nyquist, 32 zero crossings
// of the sinc on each side, Kaiser window beta 8.6 (stopband about -90 dB); every phase
// is normalised to unit DC gain. Samples outside the input count as zero. The output
// has round(n * to / from) samples, like audio::resample.
#include <cstddef>
#include <vector>

namespace emosync::features {

std::vector<float> resample_sinc(const float* x, std::size_t n, int from_rate, int to_rate);
inline std::vector<float> resample_sinc(const std::vector<float>& x, int from_rate, int to_rate) {
  return resample_sinc(x.data(), x.size(), from_rate, to_rate);
}

}  // namespace emosync::features
