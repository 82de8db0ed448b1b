#include "textemotion_train/lexical_train.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <Eigen/Dense>

#include "io/error.h"
#include "io/progress.h"
#include "textemotion_train/corpus.h"
#include "textemotion_train/metrics.h"

namespace emosync::textemotion {

void SparseRows::push(const SparseVector& v) {
  index.insert(index.end(), v.index.begin(), v.index.end());
  value.insert(value.end(), v.value.begin(), v.value.end());
  start.push_back(index.size());
}

RidgeFit fit_ridge(const SparseRows& x, const std::vector<float>& y, const std::vector<float>& sw,
                   std::size_t columns, double alpha, int max_iterations, double tolerance) {
  const std::size_t n = x.rows();
  if (y.size() != n || sw.size() != n) throw Error("ridge: targets and weights must have one value per row");
  if (!(alpha > 0)) throw Error("ridge: alpha must be > 0");
  for (std::size_t i : x.index)
    if (i >= columns) throw Error("ridge: feature index outside the columns");
  // Unknowns u = [w (columns), b]; A u = [X'S(Xw + b) + alpha w ; 1'S(Xw + b)], rhs = [X'Sy ; 1'Sy].
  const std::size_t m = columns + 1;
  std::vector<double> r_row(n);
  auto apply = [&](const std::vector<double>& u, std::vector<double>& out) {
    for (std::size_t i = 0; i < n; ++i) {
      if (sw[i] == 0) continue;
      double s = u[columns];
      for (std::size_t k = x.start[i]; k < x.start[i + 1]; ++k) s += x.value[k] * u[x.index[k]];
      r_row[i] = s * sw[i];
    }
    for (std::size_t j = 0; j < columns; ++j) out[j] = alpha * u[j];
    out[columns] = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (sw[i] == 0) continue;
      for (std::size_t k = x.start[i]; k < x.start[i + 1]; ++k) out[x.index[k]] += x.value[k] * r_row[i];
      out[columns] += r_row[i];
    }
  };
  std::vector<double> rhs(m, 0.0), diag(m, 0.0);
  for (std::size_t j = 0; j < columns; ++j) diag[j] = alpha;
  for (std::size_t i = 0; i < n; ++i) {
    if (sw[i] == 0) continue;
    for (std::size_t k = x.start[i]; k < x.start[i + 1]; ++k) {
      rhs[x.index[k]] += static_cast<double>(sw[i]) * y[i] * x.value[k];
      diag[x.index[k]] += static_cast<double>(sw[i]) * x.value[k] * x.value[k];
    }
    rhs[columns] += static_cast<double>(sw[i]) * y[i];
    diag[columns] += sw[i];
  }
  if (diag[columns] <= 0) throw Error("ridge: every sample weight is 0");
  // Jacobi-preconditioned conjugate gradients from u = 0.
  std::vector<double> u(m, 0.0), r = rhs, z(m), p(m), q(m);
  double rhs_norm = 0;
  for (double v : rhs) rhs_norm += v * v;
  rhs_norm = std::sqrt(rhs_norm);
  if (rhs_norm == 0) return {std::vector<float>(columns, 0.0f), 0.0f, 0, 0.0};
  for (std::size_t j = 0; j < m; ++j) p[j] = z[j] = r[j] / diag[j];
  double rz = 0;
  for (std::size_t j = 0; j < m; ++j) rz += r[j] * z[j];
  RidgeFit fit;
  for (int it = 1; it <= max_iterations; ++it) {
    apply(p, q);
    double pq = 0;
    for (std::size_t j = 0; j < m; ++j) pq += p[j] * q[j];
    const double a = rz / pq;
    double rr = 0;
    for (std::size_t j = 0; j < m; ++j) {
      u[j] += a * p[j];
      r[j] -= a * q[j];
      rr += r[j] * r[j];
    }
    fit.iterations = it;
    fit.residual = std::sqrt(rr) / rhs_norm;
    if (fit.residual < tolerance) break;
    double rz_new = 0;
    for (std::size_t j = 0; j < m; ++j) {
      z[j] = r[j] / diag[j];
      rz_new += r[j] * z[j];
    }
    const double beta = rz_new / rz;
    rz = rz_new;
    for (std::size_t j = 0; j < m; ++j) p[j] = z[j] + beta * p[j];
  }
  if (!(fit.residual < tolerance))
    throw Error("ridge: conjugate gradients stopped at relative residual " + std::to_string(fit.residual) +
                " after " + std::to_string(max_iterations) + " iterations (raise alpha)");
  fit.weight.assign(u.begin(), u.begin() + static_cast<std::ptrdiff_t>(columns));
  fit.bias = static_cast<float>(u[columns]);
  return fit;
}

std::string LexicalResult::summary() const {
  std::string out;
  char buf[240];
  std::snprintf(buf, sizeof buf, "lexical VAD: %zu EmoBank train + %zu GoEmotions train rows, %u buckets\n",
                emobank_rows, goemotions_rows, lexical.buckets());
  out += buf;
  const char* dims[] = {"V", "A", "D"};
  for (std::size_t d = 0; d < 3; ++d) {
    const auto& b = lexical.blend_weights()[d];
    std::snprintf(buf, sizeof buf,
                  "  %s: EmoBank dev r: head %.4f, EmoBank n-grams %.4f, blend %.4f  "
                  "(%.3f head %+.3f EB %+.3f GE-V %+.3f; %d CG iterations)\n",
                  dims[d], dev_r_head[d], dev_r_emobank[d], dev_r_blend[d], b[0], b[1], b[2], b[3], iterations[d]);
    out += buf;
  }
  std::snprintf(buf, sizeof buf, "  GoEmotions valence n-grams (GE-V) alone: EmoBank dev r(V) %.4f (%d CG iterations)\n",
                dev_r_goemotions, iterations[LexicalVad::kGoEmotionsValence]);
  out += buf;
  return out;
}

LexicalResult train_lexical(const Tagger& tagger, const LexicalOptions& o) {
  if (o.buckets < 2) throw Error("lexical VAD: --buckets must be at least 2");
  const auto eb_train = load_emobank(o.data_dir + "/emobank", "train");
  const auto eb_dev = load_emobank(o.data_dir + "/emobank", "dev");
  const auto go = load_goemotions(o.data_dir + "/goemotions", "train");
  if (eb_train.empty() || eb_dev.empty()) throw Error(o.data_dir + "/emobank: no train or dev rows");
  if (go.empty()) throw Error(o.data_dir + "/goemotions: no train rows");

  LexicalResult res;
  res.emobank_rows = eb_train.size();
  res.goemotions_rows = go.size();
  // Counts once; idf over every training text.
  std::vector<NgramCounts> counts;
  counts.reserve(eb_train.size() + go.size());
  io::Progress prog("lexical VAD: features", eb_train.size() + go.size(), "texts");
  for (const auto& e : eb_train) {
    counts.push_back(count_ngrams(e.text, o.buckets));
    prog.advance();
  }
  for (const auto& e : go) {
    counts.push_back(count_ngrams(e.text, o.buckets));
    prog.advance();
  }
  std::vector<float> df(o.buckets, 0.0f);
  for (const auto& c : counts) {
    std::vector<std::uint32_t> seen;
    for (const auto& [b, n] : c.words) seen.push_back(b);
    for (const auto& [b, n] : c.chars) seen.push_back(b);
    std::sort(seen.begin(), seen.end());
    seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
    for (auto b : seen) df[b] += 1;
  }
  std::vector<float> idf(o.buckets);
  const double N = static_cast<double>(counts.size());
  for (std::size_t b = 0; b < idf.size(); ++b) idf[b] = static_cast<float>(std::log((1 + N) / (1 + df[b])) + 1);
  SparseRows x;
  for (const auto& c : counts) x.push(lexical_features(c, idf));
  counts.clear();

  // One ridge per source and dimension; a source's rows have weight 1, the other's 0.
  constexpr std::size_t O = LexicalVad::kOutputs;
  std::vector<float> weight(static_cast<std::size_t>(o.buckets) * O, 0.0f);
  LexicalVad::Scores bias{};
  for (std::size_t k = 0; k < O; ++k) {
    const bool emobank = k < 3;
    const std::size_t d = emobank ? k : 0;
    std::vector<float> y, sw;
    for (const auto& e : eb_train) y.push_back(e.vad[d]), sw.push_back(emobank ? 1.0f : 0.0f);
    for (const auto& e : go) y.push_back(anchor_target(e.classes)[d]), sw.push_back(emobank ? 0.0f : 1.0f);
    std::fprintf(stderr, "lexical VAD: ridge %zu of %zu\n", k + 1, O);
    RidgeFit f = fit_ridge(x, y, sw, o.buckets, emobank ? o.alpha_emobank[d] : o.alpha_goemotions);
    for (std::size_t b = 0; b < o.buckets; ++b) weight[b * O + k] = f.weight[b];
    bias[k] = f.bias;
    res.iterations[k] = f.iterations;
  }
  const LexicalVad unblended(idf, weight, bias, LexicalVad::Blend{});

  // The blend on EmoBank dev.
  std::vector<std::array<float, 3>> head;
  std::vector<LexicalVad::Scores> lexical;
  io::Progress dprog("lexical VAD: EmoBank dev", eb_dev.size(), "texts");
  for (const auto& e : eb_dev) {
    head.push_back(tagger.predict(e.text, {}).vad_head);
    lexical.push_back(unblended.predict(e.text));
    dprog.advance();
  }
  LexicalVad::Blend blend{};
  const auto n = static_cast<Eigen::Index>(eb_dev.size());
  for (std::size_t d = 0; d < 3; ++d) {
    Eigen::MatrixXd A(n, 4);
    Eigen::VectorXd t(n);
    std::vector<float> gold, h, le, lg, bl;
    for (std::size_t i = 0; i < eb_dev.size(); ++i) {
      const auto r = static_cast<Eigen::Index>(i);
      A(r, 0) = head[i][d], A(r, 1) = lexical[i][d], A(r, 2) = lexical[i][LexicalVad::kGoEmotionsValence], A(r, 3) = 1.0;
      t(r) = eb_dev[i].vad[d];
      gold.push_back(eb_dev[i].vad[d]), h.push_back(head[i][d]), le.push_back(lexical[i][d]), lg.push_back(lexical[i][LexicalVad::kGoEmotionsValence]);
    }
    const Eigen::Vector4d c = A.colPivHouseholderQr().solve(t);
    for (std::size_t k = 0; k < 4; ++k) blend[d][k] = static_cast<float>(c(static_cast<Eigen::Index>(k)));
    for (Eigen::Index r = 0; r < n; ++r) bl.push_back(static_cast<float>(A.row(r).dot(c)));
    res.dev_r_head[d] = pearson(gold, h);
    res.dev_r_emobank[d] = pearson(gold, le);
    if (d == 0) res.dev_r_goemotions = pearson(gold, lg);
    res.dev_r_blend[d] = pearson(gold, bl);
  }
  res.lexical = LexicalVad(std::move(idf), std::move(weight), bias, blend);
  return res;
}

}  // namespace emosync::textemotion
