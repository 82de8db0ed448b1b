#include "validate/lip_measures.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <string>

#include "arkit/blendshapes.h"

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

}  // namespace

std::vector<float> lip_gap(const teacher::Animation& a) {
  const std::size_t jaw = arkit::index_of("jawOpen"), close = arkit::index_of("mouthClose");
  std::vector<float> g(a.frames);
  for (std::size_t f = 0; f < a.frames; ++f) g[f] = std::max(0.f, a.at(f, jaw) - a.at(f, close));
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

void LipScores::add(const LipScores& o) {
  bilabials += o.bilabials;
  sealed += o.sealed;
  open_vowel_gaps.insert(open_vowel_gaps.end(), o.open_vowel_gaps.begin(), o.open_vowel_gaps.end());
  bilabial_gaps.insert(bilabial_gaps.end(), o.bilabial_gaps.begin(), o.bilabial_gaps.end());
}

LipScores lip_scores(const teacher::Animation& a, const teacher::PhoneTimeline& phones) {
  LipScores s;
  const std::vector<float> g = lip_gap(a);
  if (g.empty()) return s;
  const double fps = a.fps;

  // The clip's mean gap over vowel frames sets what "shut" means for it.
  double vowel_sum = 0;
  std::size_t vowel_frames = 0;
  for (const auto& p : phones.phones) {
    if (!is_vowel(base_phone(p.symbol))) continue;
    auto [f0, f1] = frames_in(p.start_s, p.end_s - 1e-9, fps, g.size());
    for (std::size_t f = f0; f <= f1; ++f) vowel_sum += g[f], ++vowel_frames;
  }
  const double shut = kSealedGapFraction * (vowel_frames ? vowel_sum / vowel_frames : 0.0);

  for (const auto& p : phones.phones) {
    const std::string ph = base_phone(p.symbol);
    const bool open = is_open_vowel(ph), bilabial = is_bilabial(ph);
    if (!open && !bilabial) continue;
    const double third = (p.end_s - p.start_s) / 3;
    auto [m0, m1] = frames_in(p.start_s + third, p.end_s - third, fps, g.size());
    double sum = 0;
    for (std::size_t f = m0; f <= m1; ++f) sum += g[f];
    const float mean = static_cast<float>(sum / (m1 - m0 + 1));
    (open ? s.open_vowel_gaps : s.bilabial_gaps).push_back(mean);
    if (bilabial && p.end_s - p.start_s >= kSealedMinS - 1e-9) {
      ++s.bilabials;
      auto [f0, f1] = frames_in(p.start_s, p.end_s + 1 / fps, fps, g.size());
      bool sealed = false;
      for (std::size_t f = f0; f <= f1 && !sealed; ++f) sealed = g[f] <= shut;
      s.sealed += sealed;
    }
  }
  return s;
}

}  // namespace emosync::validate
