#include "runtime/model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string_view>
#include <utility>

#include "emotion/classes.h"
#include "arkit/channel_split.h"
#include "emotion/classes.h"
#include "emotion/conditioning.h"
#include "io/error.h"

namespace emosync::embedded {
std::optional<std::string_view> default_model(std::string_view key);
}

namespace emosync::runtime {

const Model& Model::embedded_default() {
  static const Model m = [] {
    auto bytes = emosync::embedded::default_model(kDefaultModelKey);
    if (!bytes) throw Error(std::string("the default model is not embedded in this build (") + kDefaultModelKey + ")");
    return parse(*bytes, std::string("embedded ") + kDefaultModelKey);
  }();
  return m;
}

namespace {
std::string number(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", static_cast<double>(v));
  return buf;
}
}  // namespace

void check_features(const float* f, std::size_t frames, int n_mels, const std::string& what, std::size_t first) {
  const auto mels = static_cast<std::size_t>(n_mels);
  for (std::size_t k = 0; k < frames; ++k)
    for (std::size_t i = 0; i < mels; ++i) {
      const float v = f[k * mels + i];
      if (!std::isfinite(v) || std::abs(v) > kMaxFeatureMagnitude)
        throw Error(what + ": frame " + std::to_string(first + k) + ", mel band " + std::to_string(i) + " is " +
                    number(v) + (std::isfinite(v) ? ", outside -" + number(kMaxFeatureMagnitude) + ".." + number(kMaxFeatureMagnitude) + " (not log-mel?)"
                                                  : ", not a finite number"));
    }
}

void check_conditioning_row(const float* row, const std::string& where) {
  static const char* const kVad[] = {"valence", "arousal", "dominance"};
  for (std::size_t i = 0; i < emotion::kConditioningDim; ++i) {
    const bool weight = i < emotion::kCount;
    const float lo = weight ? 0.0f : -1.0f, v = row[i];
    const std::string field = weight ? std::string(emotion::names()[i]) + " weight" : kVad[i - emotion::kCount];
    const std::string at = where + "[" + std::to_string(i) + "] (" + field + ") = " + number(v);
    if (!std::isfinite(v)) throw Error(at + " is not a finite number");
    if (v < lo - kConditioningSlack || v > 1.0f + kConditioningSlack)
      throw Error(at + " is outside " + number(lo) + "..1");
  }
}

void check_conditioning(const float* cond, std::size_t frames, const std::string& what, std::size_t first) {
  for (std::size_t k = 0; k < frames; ++k)
    check_conditioning_row(cond + k * emotion::kConditioningDim, what + ": frame " + std::to_string(first + k) + ", ");
}

namespace {
Eigen::MatrixXf matrix(const model::Tensor& t) {  // row-major [rows, cols] tensor
  Eigen::MatrixXf m(t.shape[0], t.shape[1]);
  for (std::size_t r = 0; r < t.shape[0]; ++r)
    for (std::size_t c = 0; c < t.shape[1]; ++c) m(r, c) = t.data[r * t.shape[1] + c];
  return m;
}
Eigen::VectorXf vector(const model::Tensor& t) {
  return Eigen::Map<const Eigen::VectorXf>(t.data.data(), static_cast<Eigen::Index>(t.data.size()));
}
// In place; a plain loop because GCC 12 warns (falsely) on Eigen's AVX-512 max.
void relu(Eigen::MatrixXf& m) {
  float* p = m.data();
  for (Eigen::Index i = 0, n = m.size(); i < n; ++i) p[i] = p[i] > 0.0f ? p[i] : 0.0f;
}
}  // namespace

Model::Model(const model::ModelFile& f, std::string source) : arch_(f.arch), stage_(f.stage), source_(std::move(source)) {
  const auto& w = f.weights;
  const std::string& what = source_;
  cond_columns_ = model::conditioning_columns(arch_.cond_input);
  for (std::size_t i = 0; i < arch_.encoder.size(); ++i) {
    const auto& l = arch_.encoder[i];
    const model::Tensor& t = w.at("encoder." + std::to_string(i) + ".weight", what);
    Conv c;
    const std::size_t out = t.shape[0], in = t.shape[1], k = t.shape[2];
    for (std::size_t j = 0; j < k; ++j) {
      Eigen::MatrixXf m(out, in);
      for (std::size_t o = 0; o < out; ++o)
        for (std::size_t q = 0; q < in; ++q) m(o, q) = t.data[(o * in + q) * k + j];
      c.taps.push_back(std::move(m));
    }
    c.bias = vector(w.at("encoder." + std::to_string(i) + ".bias", what));
    c.left = (l.kernel - 1) * l.dilation - l.lookahead;
    c.lookahead = l.lookahead;
    c.dilation = l.dilation;
    convs_.push_back(std::move(c));
  }
  embed0_w_ = matrix(w.at("embed.0.weight", what));
  embed0_b_ = vector(w.at("embed.0.bias", what));
  if (arch_.embedding == model::EmbeddingKind::Mlp) {
    embed2_w_ = matrix(w.at("embed.2.weight", what));
    embed2_b_ = vector(w.at("embed.2.bias", what));
  }
  for (int b = 0; b < arch_.blocks; ++b) {
    fc_w_.push_back(matrix(w.at("block_fc." + std::to_string(b) + ".weight", what)));
    fc_b_.push_back(vector(w.at("block_fc." + std::to_string(b) + ".bias", what)));
    film_w_.push_back(matrix(w.at("block_film." + std::to_string(b) + ".weight", what)));
    film_b_.push_back(vector(w.at("block_film." + std::to_string(b) + ".bias", what)));
  }
  head_w_ = matrix(w.at("head.weight", what));
  head_b_ = vector(w.at("head.bias", what));
  if (arch_.feature_norm == model::FeatureNorm::Running)
    feature_prior_ = w.at(model::kFeaturePriorTensor, what).data;
  const emotion::Conditioning neutral = emotion::make_conditioning(emotion::kNeutral, 0.0f);
  neutral_cond_ = Eigen::Map<const Eigen::VectorXf>(neutral.data(), static_cast<Eigen::Index>(neutral.size()));
  neutral_embed_ = embed(neutral_cond_);
  if (arch_.lips == model::Lips::Speech && head_w_.rows() == static_cast<Eigen::Index>(arkit::kCount))
    for (std::size_t ch : arkit::ChannelSplit::standard().channels(arkit::ChannelType::Lipsync))
      lip_rows_.push_back(static_cast<Eigen::Index>(ch));
}

Model Model::load(const std::string& path) { return Model(model::read_model(path), path); }

Model Model::parse(std::string_view bytes, const std::string& what) {
  return Model(model::parse_model(bytes, what), what);
}

// The conditioning embedding of columns [n] of the 19-row conditioning `cond`.
Eigen::MatrixXf Model::embed(const Eigen::MatrixXf& cond) const {
  Eigen::MatrixXf c(cond_columns_.size(), cond.cols());
  for (std::size_t i = 0; i < cond_columns_.size(); ++i) c.row(i) = cond.row(cond_columns_[i]);
  Eigen::MatrixXf e = embed0_w_ * (c);
  e.colwise() += embed0_b_;
  if (arch_.embedding == model::EmbeddingKind::Mlp) {
    relu(e);
    Eigen::MatrixXf r = embed2_w_ * (e);
    e = r;
    e.colwise() += embed2_b_;
  }
  return e;
}

// The FiLM blocks over hidden columns h30 under embeddings e (one column per frame).
Eigen::MatrixXf Model::film_blocks(const Eigen::MatrixXf& h30, const Eigen::MatrixXf& e) const {
  Eigen::MatrixXf h = h30;
  const Eigen::Index hd = h.rows();
  for (int b = 0; b < arch_.blocks; ++b) {
    Eigen::MatrixXf z = fc_w_[b] * (h);
    z.colwise() += fc_b_[b];
    relu(z);
    Eigen::MatrixXf g = film_w_[b] * (e);
    g.colwise() += film_b_[b];
    z = z.cwiseProduct((g.topRows(hd).array() + 1.0f).matrix()) + g.bottomRows(hd);
    h += z;
  }
  return h;
}

// Products are Eigen GEMMs over blocks of columns; a streaming chunk and the whole file
// may round differently in the last bits (measured in tests/runtime), nothing more.
void Model::head(const Eigen::MatrixXf& h30, const Eigen::MatrixXf& cond, std::size_t first, float* out) const {
  const Eigen::Index n = h30.cols();
  // The LIPSYNC rows come from the blocks under neutral conditioning (model.h), through
  // the same arithmetic whatever the chunking: the second pass only when some frame of
  // the block carries an emotion.
  bool all_neutral = true;
  for (Eigen::Index k = 0; k < n && all_neutral; ++k)
    all_neutral = (cond.col(k) - neutral_cond_).cwiseAbs().maxCoeff() == 0.0f;
  const Eigen::MatrixXf neutral = neutral_embed_.replicate(1, n);
  const Eigen::MatrixXf h = film_blocks(h30, all_neutral ? neutral : embed(cond));
  Eigen::MatrixXf y = head_w_ * (h);
  if (!all_neutral && !lip_rows_.empty()) {
    const Eigen::MatrixXf hn = film_blocks(h30, neutral);
    for (Eigen::Index r : lip_rows_) y.row(r) = head_w_.row(r) * hn;
  }
  y.colwise() += head_b_;
  // Finite inputs can still overflow inside the products (huge weights in a damaged file):
  // NaN would pass the sigmoid as NaN, so say so instead.
  for (Eigen::Index k = 0; k < n; ++k)
    for (Eigen::Index ch = 0; ch < y.rows(); ++ch) {
      if (!std::isfinite(y(ch, k)))
        throw Error("model output: frame " + std::to_string(first + static_cast<std::size_t>(k)) + ", channel " +
                    std::to_string(ch) + " is not a finite number (the model's weights or inputs are out of range)");
      out[k * y.rows() + ch] = 1.0f / (1.0f + std::exp(-y(ch, k)));
    }
}

std::vector<float> Model::forward(const float* features, std::size_t feature_frames, const float* cond,
                                  std::size_t frames) const {
  if (feature_frames == 0) throw Error("model forward: no feature frames");
  // Blocks of 256 feature frames keep each layer's working set in cache.
  constexpr std::size_t kBlock = 256;
  const std::size_t mels = static_cast<std::size_t>(arch_.n_mels), outs = static_cast<std::size_t>(arch_.n_outputs);
  Stream s(*this);
  std::vector<float> out(frames * outs);
  for (std::size_t i = 0; i < feature_frames; i += kBlock) {
    s.push(features + i * mels, std::min(kBlock, feature_frames - i));
    const std::size_t k = s.frames_out();
    s.pull(cond + k * emotion::kConditioningDim, std::min(s.available(), frames - k), out.data() + k * outs);
  }
  s.finish();
  const std::size_t k = s.frames_out();
  s.pull_impl(cond + k * emotion::kConditioningDim, frames - k, out.data() + k * outs, true);
  return out;
}

void Stream::Buffer::append(const Eigen::Ref<const Eigen::MatrixXf>& x, long keep_from) {
  const long n = x.cols();
  if (cols + n > m.cols()) {
    const long drop = std::clamp(keep_from - start, 0L, cols);
    if (drop > 0) {
      const long kept = cols - drop;
      for (long c = 0; c < kept; ++c) m.col(c) = m.col(c + drop);
      start += drop;
      cols = kept;
    }
    if (cols + n > m.cols()) m.conservativeResize(Eigen::NoChange, std::max<long>(2 * (cols + n), 64));
  }
  m.middleCols(cols, n) = x;
  cols += n;
}

Stream::Stream(const Model& model) : model_(&model) { reset(); }

void Stream::reset() {
  const auto& convs = model_->convs_;
  in_.assign(convs.size(), Buffer{});
  done_.assign(convs.size(), 0);
  padded_.assign(convs.size(), false);
  int ch = model_->arch_.n_mels;
  for (std::size_t l = 0; l < convs.size(); ++l) {
    in_[l].m.resize(ch, 256);
    in_[l].start = -convs[l].left;
    in_[l].append(Eigen::MatrixXf::Zero(ch, convs[l].left), in_[l].start);
    ch = static_cast<int>(convs[l].bias.size());
  }
  hidden_ = Buffer{};
  hidden_.m.resize(ch, 256);
  if (model_->arch_.feature_norm == model::FeatureNorm::Running)
    norm_.emplace(model_->feature_prior_, model_->arch_.norm_tau_s);
  else
    norm_.reset();
  frames_in_ = frames_out_ = 0;
  finished_ = false;
}

void Stream::push(const float* features, std::size_t n) {
  if (finished_) throw Error("stream: push after finish (call reset first)");
  if (n == 0) return;
  check_features(features, n, model_->arch_.n_mels, "features", frames_in_);
  const long mels = model_->arch_.n_mels;
  if (norm_) {
    normalised_.assign(features, features + n * static_cast<std::size_t>(mels));
    norm_->apply(normalised_.data(), n);
    features = normalised_.data();
  }
  Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> x(
      features, static_cast<Eigen::Index>(n), mels);
  in_[0].append(x.transpose(), done_[0] - model_->convs_[0].left);
  frames_in_ += n;
  run_encoder();
}

void Stream::finish() {
  if (finished_) return;
  finished_ = true;
  run_encoder();
}

void Stream::run_encoder() {
  const auto& convs = model_->convs_;
  const long total = static_cast<long>(frames_in_);
  for (std::size_t l = 0; l < convs.size(); ++l) {
    const auto& c = convs[l];
    Buffer& in = in_[l];
    const bool input_complete = finished_ && (l == 0 || done_[l - 1] == total);
    if (input_complete && !padded_[l]) {
      in.append(Eigen::MatrixXf::Zero(in.m.rows(), c.lookahead), done_[l] - c.left);
      padded_[l] = true;
    }
    const long limit = input_complete ? total : in.end() - c.lookahead;
    const long t0 = done_[l];
    if (limit <= t0) continue;
    const long n = limit - t0;
    Eigen::MatrixXf y = Eigen::MatrixXf::Zero(c.bias.size(), n);
    for (std::size_t j = 0; j < c.taps.size(); ++j) {
      const long offset = c.lookahead - static_cast<long>(c.taps.size() - 1 - j) * c.dilation;
      y.noalias() += c.taps[j] * (in.m.middleCols(t0 + offset - in.start, n));
    }
    y.colwise() += c.bias;
    relu(y);
    done_[l] = limit;
    if (l + 1 < convs.size())
      in_[l + 1].append(y, done_[l + 1] - convs[l + 1].left);
    else
      hidden_.append(y, model::resample_taps(model_->arch_.resample, frames_out_).front().index);
  }
}

std::size_t Stream::available() const {
  const long have = hidden_.end();
  if (finished_ && have == static_cast<long>(frames_in_)) {
    const std::size_t total = model::output_frames_for(frames_in_);
    return total > frames_out_ ? total - frames_out_ : 0;
  }
  std::size_t n = 0;
  for (std::size_t k = frames_out_;; ++k) {
    const long need = model::resample_taps(model_->arch_.resample, k).back().index;
    if (need >= have) break;
    ++n;
  }
  return n;
}

std::size_t Stream::pull(const float* cond, std::size_t n, float* out) { return pull_impl(cond, n, out, false); }

std::size_t Stream::pull_impl(const float* cond, std::size_t n, float* out, bool clamp_past_end) {
  const std::size_t count = clamp_past_end ? n : std::min(n, available());
  if (count == 0) return 0;
  check_conditioning(cond, count, "conditioning", frames_out_);
  const long last = hidden_.end() - 1;
  Eigen::MatrixXf h30(hidden_.m.rows(), static_cast<Eigen::Index>(count));
  for (std::size_t i = 0; i < count; ++i) {
    auto col = h30.col(static_cast<Eigen::Index>(i));
    col.setZero();
    for (const auto& tap : model::resample_taps(model_->arch_.resample, frames_out_ + i)) {
      const long j = std::clamp(tap.index, 0L, last);
      col += tap.weight * hidden_.m.col(j - hidden_.start);
    }
  }
  const Eigen::Index cd = static_cast<Eigen::Index>(emotion::kConditioningDim);
  Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> c(
      cond, static_cast<Eigen::Index>(count), cd);
  model_->head(h30, c.transpose(), frames_out_, out);
  frames_out_ += count;
  return count;
}

}  // namespace emosync::runtime
