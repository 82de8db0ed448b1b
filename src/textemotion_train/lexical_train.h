#pragma once
// Training of the lexical VAD regressor (textemotion/lexical_vad.h) and of its blend with
// a MicroALBERT VAD head. No libtorch: a weighted ridge regression on sparse features,
// solved by preconditioned conjugate gradients.
//
//   data:   EmoBank train, V A D in [-1, 1]; GoEmotions train with the mean L5 valence
//           anchor of the row's classes as a distant target.
//   idf:    ln((1 + N) / (1 + df)) + 1 over every training text of both.
//   ridge:  min_w,b sum_i s_i (x_i . w + b - y_i)^2 + alpha |w|^2 (b unpenalised), one
//           per target (s_i = 1 on the target's source, 0 elsewhere).
//   blend:  least squares of EmoBank dev V/A/D on [head, EmoBank, GoEmotions, 1] per
//           dimension. Dev is the held-out split for choices like this; the test split is
//           never read here.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "textemotion/lexical_vad.h"
#include "textemotion/tagger.h"

namespace emosync::textemotion {

// Rows of sparse features (CSR).
struct SparseRows {
  std::vector<std::size_t> start{0};  // row r holds entries start[r] .. start[r+1]
  std::vector<std::uint32_t> index;
  std::vector<float> value;
  std::size_t rows() const { return start.size() - 1; }
  void push(const SparseVector& v);
};

struct RidgeFit {
  std::vector<float> weight;  // [columns]
  float bias = 0;
  int iterations = 0;
  double residual = 0;  // relative residual of the normal equations at the end
};

// Weighted ridge with an unpenalised intercept over `columns` features. Throws when the
// solver does not reach `tolerance` in `max_iterations`.
RidgeFit fit_ridge(const SparseRows& x, const std::vector<float>& y, const std::vector<float>& sample_weight,
                   std::size_t columns, double alpha, int max_iterations = 2000, double tolerance = 1e-5);

struct LexicalOptions {
  std::string data_dir;                    // shared data folder (goemotions/, emobank/)
  std::uint32_t buckets = 1u << 18;
  // Ridge penalties, chosen on EmoBank dev (r of each regressor alone).
  std::array<double, 3> alpha_emobank{1.0, 3.0, 3.0};
  double alpha_goemotions = 2.0;
};

struct LexicalResult {
  LexicalVad lexical;
  std::array<double, 3> dev_r_head{}, dev_r_emobank{}, dev_r_blend{};
  double dev_r_goemotions = 0;  // the GoEmotions valence regressor alone, against dev V
  std::array<int, LexicalVad::kOutputs> iterations{};
  std::size_t emobank_rows = 0, goemotions_rows = 0;
  std::string summary() const;  // the dev figures as text
};

// Fits the regressor, then its blend with `tagger`'s VAD head (sentence alone, no context).
LexicalResult train_lexical(const Tagger& tagger, const LexicalOptions& options);

}  // namespace emosync::textemotion
