#include "textemotion_train/baseline.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "textemotion/lexical_vad.h"

namespace emosync::textemotion {
namespace {

std::uint32_t fnv1a(const std::string& s, std::uint32_t h = 2166136261u) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

}  // namespace

std::vector<std::uint32_t> NgramBaseline::features(const std::string& text) {
  const std::vector<std::string> words = word_tokens(text);
  std::vector<std::uint32_t> f{0};  // bucket 0: always-on feature
  for (std::size_t i = 0; i < words.size(); ++i) {
    f.push_back(1 + fnv1a(words[i]) % (kBuckets - 1));
    if (i + 1 < words.size()) f.push_back(1 + fnv1a(words[i] + " " + words[i + 1], 0x9747b28cu) % (kBuckets - 1));
  }
  std::sort(f.begin(), f.end());
  f.erase(std::unique(f.begin(), f.end()), f.end());
  return f;
}

void NgramBaseline::train(const std::vector<EmotionExample>& emotions, const std::vector<VadExample>& vad, const Options& o) {
  w_.assign(static_cast<std::size_t>(kBuckets) * kClasses, 0.f);
  wv_.assign(static_cast<std::size_t>(kBuckets) * 3, 0.f);
  std::vector<float> g2(w_.size(), 1e-6f), gv2(wv_.size(), 1e-6f);
  std::vector<int> labels;
  for (auto& e : emotions) labels.push_back(e.label);
  auto cw = class_weights(labels);
  std::vector<std::vector<std::uint32_t>> fe, fv;
  for (auto& e : emotions) fe.push_back(features(e.text));
  for (auto& e : vad) fv.push_back(features(e.text));
  std::mt19937_64 rng(o.seed);
  std::vector<std::size_t> order(fe.size()), vorder(fv.size());
  std::iota(order.begin(), order.end(), 0);
  std::iota(vorder.begin(), vorder.end(), 0);
  std::array<float, kClasses> z{};
  for (int ep = 0; ep < o.epochs; ++ep) {
    std::shuffle(order.begin(), order.end(), rng);
    for (std::size_t i : order) {
      const auto& f = fe[i];
      z = b_;
      for (auto k : f)
        for (std::size_t c = 0; c < kClasses; ++c) z[c] += w_[k * kClasses + c];
      float mx = *std::max_element(z.begin(), z.end()), sum = 0;
      for (auto& v : z) sum += (v = std::exp(v - mx));
      float wt = cw[static_cast<std::size_t>(emotions[i].label)];
      for (std::size_t c = 0; c < kClasses; ++c) {
        float g = wt * (z[c] / sum - (static_cast<int>(c) == emotions[i].label ? 1.f : 0.f));
        b_[c] -= 0.01f * o.lr * g;
        for (auto k : f) {
          std::size_t j = k * kClasses + c;
          float gj = g + o.l2 * w_[j];
          g2[j] += gj * gj;
          w_[j] -= o.lr * gj / std::sqrt(g2[j]);
        }
      }
    }
    std::shuffle(vorder.begin(), vorder.end(), rng);
    for (std::size_t i : vorder) {
      const auto& f = fv[i];
      for (std::size_t d = 0; d < 3; ++d) {
        float y = bv_[d];
        for (auto k : f) y += wv_[k * 3 + d];
        float g = y - vad[i].vad[d];
        bv_[d] -= 0.01f * g;
        for (auto k : f) {
          std::size_t j = k * 3 + d;
          float gj = g + o.l2 * wv_[j];
          gv2[j] += gj * gj;
          wv_[j] -= 0.05f * gj / std::sqrt(gv2[j]);
        }
      }
    }
  }
}

int NgramBaseline::predict_class(const std::string& text) const {
  std::array<float, kClasses> z = b_;
  for (auto k : features(text))
    for (std::size_t c = 0; c < kClasses; ++c) z[c] += w_[k * kClasses + c];
  return static_cast<int>(std::max_element(z.begin(), z.end()) - z.begin());
}

std::array<float, 3> NgramBaseline::predict_vad(const std::string& text) const {
  std::array<float, 3> y = bv_;
  for (auto k : features(text))
    for (std::size_t d = 0; d < 3; ++d) y[d] += wv_[k * 3 + d];
  return y;
}

}  // namespace emosync::textemotion
