// Each effect does what it says: measured on synthetic signals whose truth is known.
#include <gtest/gtest.h>

#include <cmath>

#include "augment/codec.h"
#include "augment/effects.h"
#include "augment/spectral.h"

using namespace emosync::augment;

namespace {

constexpr double kRate = 16000;

// A vowel-like sound: harmonics of f0 shaped by one resonance at `formant` Hz.
std::vector<float> vowel(double f0, double seconds, double formant = 700) {
  std::vector<float> x(static_cast<std::size_t>(seconds * kRate));
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double t = i / kRate;
    double v = 0;
    for (int h = 1; h * f0 < 7000; ++h) {
      const double d = (h * f0 - formant) / 150;
      v += std::sin(2 * M_PI * h * f0 * t + h) / (1 + d * d);
    }
    x[i] = static_cast<float>(0.1 * v);
  }
  return x;
}

// f0 from the autocorrelation peak over 60..500 Hz, with parabolic interpolation.
double f0_of(const std::vector<float>& x, std::size_t from, std::size_t n) {
  auto r = [&](std::size_t lag) {
    double s = 0;
    for (std::size_t i = from; i < from + n; ++i) s += static_cast<double>(x[i]) * x[i + lag];
    return s;
  };
  std::size_t best = 32;
  for (std::size_t lag = 32; lag <= 267; ++lag)
    if (r(lag) > r(best)) best = lag;
  const double a = r(best - 1), b = r(best), c = r(best + 1);
  return kRate / (best + 0.5 * (a - c) / (a - 2 * b + c));
}

double power(const std::vector<float>& x) {
  double e = 0;
  for (float v : x) e += static_cast<double>(v) * v;
  return e / x.size();
}

// Power between lo and hi Hz (whole-signal periodogram, 2^k samples from the start).
double band_power(const std::vector<float>& x, double lo, double hi) {
  Spectrum s(next_pow2(x.size()) / 2);
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = x[i];
  fft(s, false);
  double e = 0;
  for (std::size_t k = 0; k < s.size() / 2; ++k) {
    const double f = k * kRate / s.size();
    if (f >= lo && f < hi) e += std::norm(s[k]);
  }
  return e;
}

double correlation(const std::vector<float>& a, const std::vector<float>& b, long lag) {
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 2000; i + 2000 < a.size(); ++i) {
    const double u = a[i], v = b[static_cast<std::size_t>(static_cast<long>(i) + lag)];
    ab += u * v, aa += u * u, bb += v * v;
  }
  return ab / std::sqrt(aa * bb);
}

}  // namespace

TEST(Speed, FasterIsShorterByTheFactorAndEventsMoveWithTheClock) {
  std::vector<float> x(16000, 0.f);
  for (std::size_t i = 8000; i < 8040; ++i) x[i] = 0.5f;  // a click at 0.5 s
  double used = 0;
  std::vector<float> y = change_speed(x, 1.1, &used);
  EXPECT_NEAR(used, 1.1, 1e-4);
  EXPECT_EQ(y.size(), static_cast<std::size_t>(std::lround(16000 / used)));
  std::size_t peak = 0;
  for (std::size_t i = 0; i < y.size(); ++i)
    if (std::abs(y[i]) > std::abs(y[peak])) peak = i;
  EXPECT_NEAR(static_cast<double>(peak), 8020 / used, 20);
  const std::size_t slower = change_speed(x, 0.9, &used).size();
  EXPECT_EQ(slower, static_cast<std::size_t>(std::lround(16000 / used)));
}

TEST(Pitch, ShiftMovesF0ByTheRatioAndKeepsDurationAndTiming) {
  std::vector<float> x = vowel(120, 1.0);
  for (std::size_t i = 0; i < 4000; ++i) x[i] = 0.f;  // sound starts at 0.25 s
  ASSERT_NEAR(f0_of(x, 6000, 4000), 120, 0.5);
  for (double st : {3.0, -2.0}) {
    double used = 0;
    std::vector<float> y = shift_pitch(x, st, &used);
    EXPECT_NEAR(used, st, 0.12);
    ASSERT_EQ(y.size(), x.size());
    EXPECT_NEAR(f0_of(y, 6000, 4000) / 120, std::pow(2.0, used / 12), 0.01) << st << " semitones";
    // The onset stays where it was (within 10 ms): nothing before 0.23 s, sound by 0.26 s.
    double before = 0, after = 0;
    for (std::size_t i = 0; i < 3700; ++i) before = std::max(before, std::abs(static_cast<double>(y[i])));
    for (std::size_t i = 4000; i < 4200; ++i) after = std::max(after, std::abs(static_cast<double>(y[i])));
    EXPECT_LT(before, 0.05 * after) << st;
  }
}

TEST(Formants, WarpMovesTheResonanceAndKeepsThePitch) {
  const std::vector<float> x = vowel(100, 1.0, 1000);
  // The power-weighted centre of the harmonics from 300 to 2500 Hz: the formant's place.
  auto centre = [](const std::vector<float>& s) {
    double sum = 0, weighted = 0;
    for (int h = 3; h <= 25; ++h) {
      double c = 0, d = 0;
      for (std::size_t i = 4000; i < 12000; ++i) {
        c += s[i] * std::cos(2 * M_PI * h * 100 * i / kRate);
        d += s[i] * std::sin(2 * M_PI * h * 100 * i / kRate);
      }
      sum += c * c + d * d, weighted += (c * c + d * d) * h * 100;
    }
    return weighted / sum;
  };
  ASSERT_NEAR(centre(x), 1000, 10);
  for (double alpha : {0.85, 1.15}) {
    std::vector<float> y = warp_formants(x, alpha);
    ASSERT_EQ(y.size(), x.size());
    EXPECT_NEAR(centre(y) / 1000, alpha, 0.04) << alpha;
    EXPECT_NEAR(f0_of(y, 6000, 4000), 100, 0.5) << alpha;
  }
}

TEST(Telephone, NothingAbove4kHzRemainsAndTheBandBelowIsKept) {
  Rng rng(7);
  const std::vector<float> x = coloured_noise(32768, 0, rng);
  const std::vector<float> y = band_limit_8k(x);
  ASSERT_EQ(y.size(), x.size());
  EXPECT_LT(band_power(y, 4100, 8000), 1e-4 * band_power(x, 4100, 8000));
  EXPECT_NEAR(10 * std::log10(band_power(y, 100, 3500) / band_power(x, 100, 3500)), 0, 0.5);
}

TEST(Reverb, TheTailDecaysWithTheAskedRt60AndTheDirectPathLeads) {
  for (double rt60 : {0.2, 0.5, 0.8}) {
    Rng rng(11);
    std::vector<float> h = room_impulse_response(rt60, 4, rng);
    ASSERT_EQ(h[0], 1.f);
    double tail = 0;
    for (std::size_t i = 1; i < h.size(); ++i) tail += static_cast<double>(h[i]) * h[i];
    EXPECT_NEAR(10 * std::log10(1 / tail), 4, 0.01);  // direct-to-reverberant ratio
    // Schroeder's backward integral of the tail; line fitted from -5 to -25 dB (T20).
    std::vector<double> edc(h.size(), 0.0);
    for (std::size_t i = h.size() - 1; i >= 1; --i) edc[i - 1] = edc[i] + static_cast<double>(h[i]) * h[i];
    double st = 0, sd = 0, stt = 0, std_ = 0, n = 0;
    for (std::size_t i = 0; i < h.size(); ++i) {
      const double db = 10 * std::log10(edc[i] / edc[0]), t = i / kRate;
      if (db > -5 || db < -25) continue;
      st += t, sd += db, stt += t * t, std_ += t * db, ++n;
    }
    const double slope = (n * std_ - st * sd) / (n * stt - st * st);  // dB per second
    EXPECT_NEAR(-60 / slope, rt60, 0.1 * rt60) << rt60;
  }
  // Reverberation keeps the level and the length.
  Rng rng(3);
  const std::vector<float> x = vowel(150, 0.5);
  std::vector<float> y = reverberate(x, room_impulse_response(0.5, 0, rng));
  ASSERT_EQ(y.size(), x.size());
  EXPECT_NEAR(power(y) / power(x), 1, 1e-3);
}

TEST(Noise, AddedAtTheAskedSnrWithinOneDb) {
  const std::vector<float> x = vowel(130, 1.0);
  for (double slope : {0.0, 1.0, 2.0})
    for (double snr : {5.0, 17.0, 30.0}) {
      Rng rng(5);
      std::vector<float> y = x;
      add_at_snr(y, coloured_noise(y.size(), slope, rng), snr);
      std::vector<float> n(y.size());
      for (std::size_t i = 0; i < y.size(); ++i) n[i] = y[i] - x[i];
      EXPECT_NEAR(10 * std::log10(power(x) / power(n)), snr, 1.0) << "slope " << slope;
    }
  // Pink noise is pink: its power density falls 3 dB per octave, 12 dB over four.
  Rng rng(9);
  const std::vector<float> pink = coloured_noise(65536, 1, rng);
  EXPECT_NEAR(10 * std::log10(band_power(pink, 200, 400) / 200 / (band_power(pink, 3200, 6400) / 3200)), 12, 1.5);
  // Silence before and after the speech does not count against it.
  std::vector<float> padded(48000, 0.f);
  std::copy(x.begin(), x.end(), padded.begin() + 16000);
  EXPECT_NEAR(active_power(padded) / power(x), 1, 0.01);
}

TEST(Babble, TheOtherSpeechIsTheClipReversedAndShiftedAtTheAskedLevel) {
  std::vector<float> x(1000);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i);
  std::vector<float> r = reversed_speech(x, 10 / kRate);
  EXPECT_EQ(r[0], 989.f);
  EXPECT_EQ(r[989], 0.f);
  EXPECT_EQ(r[990], 999.f);
  const std::vector<float> v = vowel(110, 1.0);
  std::vector<float> y = v;
  add_at_snr(y, reversed_speech(v, 0.37), 20);
  std::vector<float> n(y.size());
  for (std::size_t i = 0; i < y.size(); ++i) n[i] = y[i] - v[i];
  EXPECT_NEAR(10 * std::log10(power(v) / power(n)), 20, 1.0);
}

TEST(Codec, RoundTripKeepsLengthAndTimingAndResemblesTheInput) {
  // Amplitude-modulated pink noise: aperiodic, so the correlation has one peak.
  Rng rng(21);
  std::vector<float> x = coloured_noise(32000, 1, rng);
  double p = std::sqrt(power(x));
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = static_cast<float>(0.1 / p * x[i] * (0.6 + 0.4 * std::sin(2 * M_PI * 3 * i / kRate)));
  for (Codec c : {Codec::Mp3, Codec::Opus}) {
    std::vector<float> y = codec_round_trip(x, c, 0.5);
    ASSERT_EQ(y.size(), x.size()) << codec_name(c);
    long best = 0;
    for (long lag = -1200; lag <= 1200; ++lag)
      if (correlation(x, y, lag) > correlation(x, y, best)) best = lag;
    EXPECT_EQ(best, 0) << codec_name(c) << ": the decoded stream is shifted";
    EXPECT_GT(correlation(x, y, 0), 0.8) << codec_name(c);
    EXPECT_GT(encode(x, c, 1).size(), 100u);
    EXPECT_LT(encode(x, c, 1).size(), encode(x, c, 0).size()) << codec_name(c) << ": level 1 is the smaller";
  }
}
