#pragma once
// Baseline to beat: bag-of-n-grams logistic regression. Features are lower-cased word
// unigrams and bigrams hashed into 2^18 buckets (binary); a 16-way softmax trained with
// AdaGrad SGD and the same class weights as the neural model, plus a linear regression
// for V, A, D on the same features. Deterministic for a given seed.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "textemotion_train/corpus.h"
#include "textemotion_train/metrics.h"

namespace emosync::textemotion {

class NgramBaseline {
 public:
  struct Options {
    int epochs = 6;
    float lr = 0.2f;
    float l2 = 1e-6f;
    std::uint64_t seed = 1;
  };
  void train(const std::vector<EmotionExample>& emotions, const std::vector<VadExample>& vad, const Options& o);
  int predict_class(const std::string& text) const;
  std::array<float, 3> predict_vad(const std::string& text) const;

  static std::vector<std::uint32_t> features(const std::string& text);
  static constexpr std::uint32_t kBuckets = 1u << 18;

 private:
  std::vector<float> w_;    // [kBuckets][kClasses]
  std::vector<float> wv_;   // [kBuckets][3]
  std::array<float, kClasses> b_{};
  std::array<float, 3> bv_{};
};

}  // namespace emosync::textemotion
