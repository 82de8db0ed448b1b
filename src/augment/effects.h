#pragma once
// Waveform effects for training audio, mono at 16 kHz (audio::kModelRate). Every one
// but change_speed keeps the length and the timing of the input, so targets made from
// the clean take stay true for the augmented one.
#include <cstddef>
#include <vector>

#include "augment/rng.h"

namespace emosync::augment {

// Plays `x` `factor` times faster (pitch moves with it, as on a tape): the result has
// round(n / factor') samples, factor' = the factor actually used (returned through
// `used`; it is quantised to whole Hz of a 16 kHz source rate). Time t becomes t / factor'.
std::vector<float> change_speed(const std::vector<float>& x, double factor, double* used = nullptr);

// Pitch moved by `semitones`, duration, timing and formants kept: a phase-vocoder
// stretch by the pitch ratio, resampled back to the original length, then the spectral
// envelope warped back (warp_formants). The ratio is quantised to 1/128 (about 13 cents);
// `used` receives the semitones actually applied.
std::vector<float> shift_pitch(const std::vector<float>& x, double semitones, double* used = nullptr);

// Vocal-tract length warping: the spectral envelope (cepstrally smoothed, so the
// harmonics are not part of it) scaled in frequency by `alpha` (> 1: a shorter tract,
// formants up), the harmonics, i.e. the pitch, kept.
std::vector<float> warp_formants(const std::vector<float>& x, double alpha);

// A synthetic room: a unit direct path at t = 0 followed by Gaussian noise decaying
// 60 dB in `rt60_s` seconds (length rt60_s), its energy `drr_db` below the direct path's.
std::vector<float> room_impulse_response(double rt60_s, double drr_db, Rng& rng);
// x through `rir`, rescaled to x's RMS (a room changes timbre, not the recording level).
std::vector<float> reverberate(const std::vector<float>& x, const std::vector<float>& rir);

// Mean power of x over its active 20 ms frames (those within 40 dB of the loudest): the
// level that noise is set against, so long pauses do not make speech seem quieter.
double active_power(const std::vector<float>& x);
// Adds `other` (looped or cut to x's length) scaled so that active_power(x) / its mean
// power = snr_db. Silent x is left as it is.
void add_at_snr(std::vector<float>& x, const std::vector<float>& other, double snr_db);
// n samples of Gaussian noise with a power spectrum ~ 1 / f^beta (0 white, 1 pink,
// 2 brown; flat below 50 Hz).
std::vector<float> coloured_noise(std::size_t n, double beta, Rng& rng);
// Faint other speech from the clip itself: x reversed (speech-like, unintelligible, not
// in step with x's own lips) and rotated by `shift_s`.
std::vector<float> reversed_speech(const std::vector<float>& x, double shift_s);

// Telephone band: down to 8 kHz and back, so nothing above 4 kHz remains.
std::vector<float> band_limit_8k(const std::vector<float>& x);

}  // namespace emosync::augment
