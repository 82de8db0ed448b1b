#include "augment/effects.h"

#include <algorithm>
#include <cmath>

#include "audio/audio.h"
#include "augment/spectral.h"
#include "io/error.h"

namespace emosync::augment {
namespace {

constexpr int kRate = audio::kModelRate;
constexpr std::size_t kFrame = 512;  // 32 ms: a few pitch periods, short against a phone
constexpr std::size_t kHop = 128;

// Whole-Hz source rate for a speed/pitch ratio around 1: libsamplerate then does the rest.
std::vector<float> resample_from(const std::vector<float>& x, int from_rate) {
  return audio::resample(audio::Audio{x, from_rate}, kRate).samples;
}

double wrap(double phase) { return phase - 2 * M_PI * std::round(phase / (2 * M_PI)); }

}  // namespace

std::vector<float> change_speed(const std::vector<float>& x, double factor, double* used) {
  if (!(factor >= 0.5 && factor <= 2)) throw Error("speed factor must be in [0.5, 2], got " + std::to_string(factor));
  const int from = static_cast<int>(std::lround(kRate * factor));
  if (used) *used = static_cast<double>(from) / kRate;
  return resample_from(x, from);
}

std::vector<float> shift_pitch(const std::vector<float>& x, double semitones, double* used) {
  if (!(std::abs(semitones) <= 12)) throw Error("pitch shift must be within ±12 semitones");
  // Stretch by ratio = hop_out / kHop, then play it ratio times faster: same length,
  // every frequency times ratio. kRate / kHop = 125, so the source rate is whole.
  const std::size_t hop_out = static_cast<std::size_t>(std::lround(kHop * std::pow(2.0, semitones / 12)));
  const double ratio = static_cast<double>(hop_out) / kHop;
  if (used) *used = 12 * std::log2(ratio);
  if (hop_out == kHop) return x;
  std::vector<double> last_phase(kFrame / 2 + 1, 0.0), out_phase(kFrame / 2 + 1, 0.0);
  std::vector<float> stretched = stft_process(x, kFrame, kHop, hop_out, [&](Spectrum& s, std::size_t m) {
    for (std::size_t k = 0; k <= kFrame / 2; ++k) {
      const double mag = std::abs(s[k]), phase = std::arg(s[k]);
      const double bin = 2 * M_PI * static_cast<double>(k) / kFrame;  // radians per sample
      if (m == 0) {
        out_phase[k] = phase;
      } else {
        const double freq = bin + wrap(phase - last_phase[k] - bin * kHop) / kHop;
        out_phase[k] += freq * static_cast<double>(hop_out);
      }
      last_phase[k] = phase;
      s[k] = std::polar(mag, out_phase[k]);
      if (k > 0 && k < kFrame / 2) s[kFrame - k] = std::conj(s[k]);
    }
    s[0] = s[0].real();
    s[kFrame / 2] = s[kFrame / 2].real();
  });
  std::vector<float> y = resample_from(stretched, static_cast<int>(hop_out * (kRate / kHop)));
  y.resize(x.size(), 0.f);
  return warp_formants(y, 1 / ratio);  // resampling moved the formants with the pitch
}

std::vector<float> warp_formants(const std::vector<float>& x, double alpha) {
  if (!(alpha >= 0.5 && alpha <= 2)) throw Error("formant warp must be in [0.5, 2], got " + std::to_string(alpha));
  if (alpha == 1) return x;
  // Cepstral lifter: quefrencies below 1.5 ms (24 samples) are the envelope; pitch
  // periods (2.5 ms and up, f0 <= 400 Hz) are not.
  constexpr std::size_t kLifter = 24;
  const std::size_t half = kFrame / 2;
  Spectrum c(kFrame);
  std::vector<double> env(half + 1);
  return stft_process(x, kFrame, kHop, kHop, [&](Spectrum& s, std::size_t) {
    for (std::size_t k = 0; k < kFrame; ++k) c[k] = std::log(std::abs(s[k]) + 1e-9);
    fft(c, true);
    for (std::size_t q = kLifter + 1; q < kFrame - kLifter; ++q) c[q] = 0.0;
    fft(c, false);
    for (std::size_t k = 0; k <= half; ++k) env[k] = c[k].real();
    for (std::size_t k = 0; k <= half; ++k) {
      const double src = std::min(static_cast<double>(k) / alpha, static_cast<double>(half));
      const std::size_t k0 = static_cast<std::size_t>(src);
      const std::size_t k1 = std::min(k0 + 1, half);
      const double warped = env[k0] + (src - static_cast<double>(k0)) * (env[k1] - env[k0]);
      // Clamped to -40 .. +20 dB: a near-empty bin must not be blown up into noise.
      s[k] *= std::exp(std::clamp(warped - env[k], -4.6, 2.3));
      if (k > 0 && k < half) s[kFrame - k] = std::conj(s[k]);
    }
  });
}

std::vector<float> room_impulse_response(double rt60_s, double drr_db, Rng& rng) {
  if (!(rt60_s >= 0.05 && rt60_s <= 3)) throw Error("RT60 must be in [0.05, 3] s, got " + std::to_string(rt60_s));
  const std::size_t n = static_cast<std::size_t>(rt60_s * kRate);
  std::vector<float> h(n, 0.f);
  // Amplitude exp(-k t) with k = 3 ln(10) / RT60 falls 60 dB in RT60.
  const double k = 3 * std::log(10.0) / rt60_s;
  double tail = 0;
  std::vector<double> t(n, 0.0);
  for (std::size_t i = 1; i < n; ++i) {
    t[i] = rng.gauss() * std::exp(-k * static_cast<double>(i) / kRate);
    tail += t[i] * t[i];
  }
  const double g = tail > 0 ? std::sqrt(std::pow(10.0, -drr_db / 10) / tail) : 0.0;
  h[0] = 1.f;
  for (std::size_t i = 1; i < n; ++i) h[i] = static_cast<float>(g * t[i]);
  return h;
}

namespace {
double rms(const std::vector<float>& x) {
  double e = 0;
  for (float v : x) e += static_cast<double>(v) * v;
  return x.empty() ? 0.0 : std::sqrt(e / static_cast<double>(x.size()));
}
}  // namespace

std::vector<float> reverberate(const std::vector<float>& x, const std::vector<float>& rir) {
  std::vector<float> y = convolve(x, rir);
  const double a = rms(x), b = rms(y);
  if (b > 0)
    for (float& v : y) v = static_cast<float>(v * (a / b));
  return y;
}

double active_power(const std::vector<float>& x) {
  constexpr std::size_t kWin = kRate / 50;
  std::vector<double> p;
  for (std::size_t at = 0; at < x.size(); at += kWin) {
    const std::size_t end = std::min(x.size(), at + kWin);
    double e = 0;
    for (std::size_t i = at; i < end; ++i) e += static_cast<double>(x[i]) * x[i];
    p.push_back(e / static_cast<double>(end - at));
  }
  if (p.empty()) return 0;
  const double floor = *std::max_element(p.begin(), p.end()) * 1e-4;
  double sum = 0;
  std::size_t count = 0;
  for (double v : p)
    if (v >= floor) sum += v, ++count;
  return count ? sum / static_cast<double>(count) : 0.0;
}

void add_at_snr(std::vector<float>& x, const std::vector<float>& other, double snr_db) {
  if (x.empty() || other.empty()) return;
  const double ps = active_power(x);
  double pn = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double v = other[i % other.size()];
    pn += v * v;
  }
  pn /= static_cast<double>(x.size());
  if (!(ps > 0) || !(pn > 0)) return;
  const double g = std::sqrt(ps / (pn * std::pow(10.0, snr_db / 10)));
  for (std::size_t i = 0; i < x.size(); ++i) x[i] += static_cast<float>(g * other[i % other.size()]);
}

std::vector<float> coloured_noise(std::size_t n, double beta, Rng& rng) {
  if (!(beta >= 0 && beta <= 3)) throw Error("noise colour (spectral slope) must be in [0, 3]");
  std::vector<float> white(n);
  for (float& v : white) v = static_cast<float>(rng.gauss());
  if (beta == 0) return white;
  // Zero-phase FIR by frequency sampling (amplitude f^(-beta/2)), Hann-windowed.
  constexpr std::size_t kTaps = 1024;
  Spectrum H(kTaps);
  for (std::size_t k = 0; k <= kTaps / 2; ++k) {
    const double f = std::max(50.0, static_cast<double>(k) * kRate / kTaps);
    H[k] = std::pow(f / 1000, -beta / 2);
    if (k > 0 && k < kTaps / 2) H[kTaps - k] = H[k];
  }
  fft(H, true);
  std::vector<float> h(kTaps);
  for (std::size_t i = 0; i < kTaps; ++i) {
    const double w = 0.5 - 0.5 * std::cos(2 * M_PI * (static_cast<double>(i) + 0.5) / kTaps);
    h[i] = static_cast<float>(w * H[(i + kTaps / 2) % kTaps].real());
  }
  return convolve(white, h);
}

std::vector<float> reversed_speech(const std::vector<float>& x, double shift_s) {
  std::vector<float> r(x.rbegin(), x.rend());
  if (r.empty()) return r;
  const std::size_t shift = static_cast<std::size_t>(std::max(0.0, shift_s) * kRate) % r.size();
  std::rotate(r.begin(), r.begin() + static_cast<long>(shift), r.end());
  return r;
}

std::vector<float> band_limit_8k(const std::vector<float>& x) {
  std::vector<float> y = audio::resample(audio::resample(audio::Audio{x, kRate}, 8000), kRate).samples;
  y.resize(x.size(), 0.f);
  return y;
}

}  // namespace emosync::augment
