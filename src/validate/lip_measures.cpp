#include "validate/lip_measures.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <string>

#include "arkit/blendshapes.h"
#include "arkit/lip_seal.h"

namespace emosync::validate {

namespace {

std::string base_phone(std::string s) {
  while (!s.empty() && std::isdigit(static_cast<unsigned char>(s.back()))) s.pop_back();
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool is_vowel(const std::string& p) {
  static const std::set<std::string> v = {"AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER",
                                          "EY", "IH", "IY", "OW", "OY", "UH", "UW"};
  return v.count(p) > 0;
}
bool is_open_vowel(const std::string& p) { return p == "AA" || p == "AE" || p == "AO" || p == "AW" || p == "AY"; }
bool is_bilabial(const std::string& p) { return p == "P" || p == "B" || p == "M"; }
bool is_rounded(const std::string& p) { return p == "UW" || p == "OW" || p == "UH" || p == "OY" || p == "W"; }
bool is_spread(const std::string& p) { return p == "IY" || p == "IH" || p == "EH" || p == "AE" || p == "EY"; }

// Frames whose instant f / fps lies in [start, end]; at least the nearest one.
std::pair<std::size_t, std::size_t> frames_in(double start, double end, double fps, std::size_t n) {
  if (n == 0) return {0, 0};
  auto first = static_cast<std::size_t>(std::max(0.0, std::ceil(start * fps - 1e-9)));
  auto last = static_cast<std::size_t>(std::max(0.0, std::floor(end * fps + 1e-9)));
  first = std::min(first, n - 1);
  last = std::min(last, n - 1);
  if (last < first) {
    std::size_t mid = std::min(n - 1, static_cast<std::size_t>(std::lround((start + end) / 2 * fps)));
    return {mid, mid};
  }
  return {first, last};
}

// Mean of x over the frames of the middle third of [start, end].
float middle_third_mean(const std::vector<float>& x, double start, double end, double fps) {
  const double third = (end - start) / 3;
  auto [m0, m1] = frames_in(start + third, end - third, fps, x.size());
  double sum = 0;
  for (std::size_t f = m0; f <= m1; ++f) sum += x[f];
  return static_cast<float>(sum / double(m1 - m0 + 1));
}

}  // namespace

std::vector<float> lip_gap(const teacher::Animation& a) {
  const std::size_t jaw = arkit::index_of("jawOpen"), close = arkit::index_of("mouthClose");
  std::vector<float> g(a.frames);
  for (std::size_t f = 0; f < a.frames; ++f) g[f] = arkit::lip_gap(a.at(f, jaw), a.at(f, close));
  return g;
}

double auc(std::vector<float> positives, std::vector<float> negatives) {
  if (positives.empty() || negatives.empty()) return 0.5;
  std::sort(negatives.begin(), negatives.end());
  double wins = 0;
  for (float x : positives) {
    auto lo = std::lower_bound(negatives.begin(), negatives.end(), x);
    auto hi = std::upper_bound(negatives.begin(), negatives.end(), x);
    wins += double(lo - negatives.begin()) + 0.5 * double(hi - lo);
  }
  return wins / (double(positives.size()) * negatives.size());
}

double LipScores::articulation_auc() const { return auc(open_vowel_gaps, bilabial_gaps); }
double LipScores::rounding_auc() const { return auc(rounded, spread); }

void LipScores::add(const LipScores& o) {
  auto append = [](auto& to, const auto& from) { to.insert(to.end(), from.begin(), from.end()); };
  clips += o.clips;
  bilabials += o.bilabials;
  sealed += o.sealed;
  vowels += o.vowels;
  opened += o.opened;
  jitter_sum += o.jitter_sum;
  append(open_vowel_gaps, o.open_vowel_gaps);
  append(bilabial_gaps, o.bilabial_gaps);
  append(rounded, o.rounded);
  append(spread, o.spread);
  append(unsealed, o.unsealed);
}

std::map<std::string, LipScores> by_corpus(const std::vector<std::string>& corpus_of_clip,
                                           const std::vector<LipScores>& clip_scores) {
  std::map<std::string, LipScores> out;
  LipScores pooled;
  for (std::size_t i = 0; i < clip_scores.size() && i < corpus_of_clip.size(); ++i) {
    out[corpus_of_clip[i]].add(clip_scores[i]);
    pooled.add(clip_scores[i]);
  }
  out["pooled"] = std::move(pooled);
  return out;
}

double high_frequency_share(const std::vector<float>& x, double rate, double above_hz) {
  const std::size_t n = x.size();
  if (n < 2) return 0.0;
  double mean = 0;
  for (float v : x) mean += v;
  mean /= double(n);
  // One table of e^{-2 pi i m / n}: bin k at time t uses entry (k t) mod n.
  std::vector<double> c(n), s(n);
  for (std::size_t m = 0; m < n; ++m) {
    const double w = 2 * M_PI * double(m) / double(n);
    c[m] = std::cos(w), s[m] = std::sin(w);
  }
  double total = 0, high = 0;
  for (std::size_t k = 1; k < n; ++k) {
    double re = 0, im = 0;
    for (std::size_t t = 0, m = 0; t < n; ++t, m = (m + k) % n) {
      const double v = x[t] - mean;
      re += v * c[m], im -= v * s[m];
    }
    const double e = re * re + im * im;
    total += e;
    if (double(std::min(k, n - k)) * rate / double(n) > above_hz) high += e;
  }
  return total > 0 ? high / total : 0.0;
}

LipScores lip_scores(const teacher::Animation& a, const teacher::PhoneTimeline& phones) {
  LipScores s;
  const std::vector<float> g = lip_gap(a);
  if (g.empty()) return s;
  const double fps = a.fps;
  s.clips = 1;
  s.jitter_sum = high_frequency_share(g, fps);
  std::vector<float> rounding(a.frames);
  const std::size_t funnel = arkit::index_of("mouthFunnel"), pucker = arkit::index_of("mouthPucker");
  for (std::size_t f = 0; f < a.frames; ++f) rounding[f] = a.at(f, funnel) + a.at(f, pucker);

  // The clip's mean gap over vowel frames sets what "shut" and "open" mean for it.
  double vowel_sum = 0;
  std::size_t vowel_frames = 0;
  for (const auto& p : phones.phones) {
    if (!is_vowel(base_phone(p.symbol))) continue;
    auto [f0, f1] = frames_in(p.start_s, p.end_s - 1e-9, fps, g.size());
    for (std::size_t f = f0; f <= f1; ++f) vowel_sum += g[f], ++vowel_frames;
  }
  const double vowel_mean = vowel_frames ? vowel_sum / double(vowel_frames) : 0.0;
  const double shut = kSealedGapFraction * vowel_mean, open_at = kOpenGapFraction * vowel_mean;

  for (const auto& p : phones.phones) {
    const std::string ph = base_phone(p.symbol);
    const double dur = p.end_s - p.start_s;
    if (is_open_vowel(ph)) s.open_vowel_gaps.push_back(middle_third_mean(g, p.start_s, p.end_s, fps));
    if (is_rounded(ph)) s.rounded.push_back(middle_third_mean(rounding, p.start_s, p.end_s, fps));
    if (is_spread(ph)) s.spread.push_back(middle_third_mean(rounding, p.start_s, p.end_s, fps));
    if (is_vowel(ph) && dur >= kOpenMinS - 1e-9) {
      ++s.vowels;
      auto [f0, f1] = frames_in(p.start_s, p.end_s - 1e-9, fps, g.size());
      bool opened = false;
      for (std::size_t f = f0; f <= f1 && !opened; ++f) opened = g[f] > 0 && g[f] >= open_at;
      s.opened += opened;
    }
    if (!is_bilabial(ph)) continue;
    s.bilabial_gaps.push_back(middle_third_mean(g, p.start_s, p.end_s, fps));
    if (dur < kSealedMinS - 1e-9) continue;
    ++s.bilabials;
    auto [f0, f1] = frames_in(p.start_s, p.end_s + 1 / fps, fps, g.size());
    float lowest = g[f0];
    for (std::size_t f = f0; f <= f1; ++f) lowest = std::min(lowest, g[f]);
    if (lowest <= shut)
      ++s.sealed;
    else
      s.unsealed.push_back({"", ph, p.start_s, lowest, static_cast<float>(shut)});
  }
  return s;
}

teacher::Animation envelope_lips(const audio::Audio& speech, double fps, std::size_t frames) {
  teacher::Animation a;
  a.fps = fps;
  a.frames = frames;
  a.data.assign(frames * arkit::kCount, 0.f);
  std::vector<float> rms = teacher::rms_envelope(speech, fps, frames, 1.0 / fps);
  if (rms.empty()) return a;
  std::vector<float> sorted = rms;
  const std::size_t rank = static_cast<std::size_t>(std::ceil(0.95 * double(sorted.size()))) - 1;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(rank), sorted.end());
  const float p95 = sorted[rank];
  if (!(p95 > 0)) return a;  // silence: a shut mouth
  const std::size_t jaw = arkit::index_of("jawOpen");
  for (std::size_t f = 0; f < frames; ++f) a.at(f, jaw) = rms[f] / p95;
  return a;
}

}  // namespace emosync::validate
