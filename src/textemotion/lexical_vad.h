#pragma once
// The lexical VAD regressor and its blend with MicroALBERT's VAD head.
//
// Why: EmoBank's 8k training sentences are too few for a network trained from scratch
// to learn valence well (the head alone reaches r(V) ~0.5), while a ridge regression on
// sparse word and character n-grams sees every rare word it was trained on, and its errors
// differ from the network's. A linear blend of the two, fitted on EmoBank dev, beats both.
//
// Features of a text (identical at training and run time):
//   * bytes lower-cased (ASCII; other bytes kept, so UTF-8 passes through);
//   * words: maximal runs of [a-z0-9'] and bytes >= 0x80, plus '!' and '?' as tokens;
//     word unigrams and bigrams;
//   * characters: each whitespace-separated chunk padded with one space on each side,
//     its byte n-grams of length 2..5;
//   * every n-gram string (with a kind prefix) hashed with 64-bit FNV-1a into `buckets`;
//   * weight = (1 + ln count) * idf[bucket]; the word part and the character part are
//     each scaled to unit L2 norm, then added.
// Linear regressors share the features: three trained on EmoBank's V, A, D, and one on
// GoEmotions comments with their classes' valence anchor as a distant target (43k texts:
// a wider vocabulary, a coarser target). Per dimension d, with e_d and g their outputs,
//   VAD_d = clamp(blend[d][0] * head_d + blend[d][1] * e_d + blend[d][2] * g + blend[d][3], -1, 1),
// the blend fitted on EmoBank dev, so the data decide how much each source counts.
// (GoEmotions regressors for arousal and dominance too raised dev r by at most 0.005 for
// 2 MB more; the model must stay under 8 MB.)
//
// Stored in the text-emotion weights file beside MicroALBERT's tensors (optional there):
// `lexical.idf` [B], `lexical.weight` [B, 4] (columns: EmoBank V A D, GoEmotions V),
// `lexical.bias` [4], `lexical.blend` [3, 4]; metadata `lexical` = "hashed-ngrams-1" and
// `lexical_buckets` = B.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "textemotion/weights.h"

namespace emosync::textemotion {

// A sparse vector: bucket indices (sorted, unique) and their values.
struct SparseVector {
  std::vector<std::uint32_t> index;
  std::vector<float> value;
};

// The words of a text: ASCII lower-cased maximal runs of [a-z0-9'] and bytes >= 0x80,
// plus '!' and '?' as tokens of their own. Shared with the n-gram baseline.
std::vector<std::string> word_tokens(std::string_view text);

// Raw n-gram counts of a text, hashed into `buckets`: the word part and the character
// part separately (each is normalised on its own).
struct NgramCounts {
  std::vector<std::pair<std::uint32_t, float>> words, chars;  // sorted by bucket, unique
};
NgramCounts count_ngrams(std::string_view text, std::uint32_t buckets);

// The feature vector: sublinear tf * idf, each part at unit norm, parts added.
SparseVector lexical_features(const NgramCounts& counts, const std::vector<float>& idf);

constexpr const char* kLexicalKind = "hashed-ngrams-1";

class LexicalVad {
 public:
  using Vad = std::array<float, 3>;
  static constexpr std::size_t kOutputs = 4;
  static constexpr std::size_t kGoEmotionsValence = 3;  // column of the GoEmotions regressor
  using Scores = std::array<float, kOutputs>;           // EmoBank V A D, GoEmotions V A D
  using Blend = std::array<std::array<float, 4>, 3>;  // per dimension: head, EmoBank, GoEmotions, intercept

  LexicalVad() = default;
  // weight [buckets, kOutputs] row-major.
  LexicalVad(std::vector<float> idf, std::vector<float> weight, Scores bias, Blend blend);

  // Present in `w` (metadata `lexical`)? Then from_weights reads it.
  static bool present(const WeightsFile& w);
  static LexicalVad from_weights(const WeightsFile& w, const std::string& what);
  // Adds (or replaces) this regressor's tensors and metadata in `w`.
  void to_weights(WeightsFile& w) const;

  std::uint32_t buckets() const { return static_cast<std::uint32_t>(idf_.size()); }
  Scores predict(std::string_view text) const;           // both regressors alone
  Vad blend(const Vad& head, const Scores& lexical) const;  // clamped to [-1, 1]

  const std::vector<float>& idf() const { return idf_; }
  const Blend& blend_weights() const { return blend_; }

 private:
  std::vector<float> idf_;     // [B]
  std::vector<float> weight_;  // [B, kOutputs] row-major
  Scores bias_{};
  Blend blend_{};
};

}  // namespace emosync::textemotion
