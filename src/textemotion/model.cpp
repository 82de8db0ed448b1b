#include "textemotion/model.h"

#include <cmath>

#include "io/error.h"

namespace emosync::textemotion {

void ModelConfig::to_metadata(std::map<std::string, std::string>& m) const {
  m["architecture"] = "micro-albert";
  m["vocab"] = std::to_string(vocab);
  m["embed"] = std::to_string(embed);
  m["hidden"] = std::to_string(hidden);
  m["heads"] = std::to_string(heads);
  m["ffn"] = std::to_string(ffn);
  m["layers"] = std::to_string(layers);
  m["max_len"] = std::to_string(max_len);
}

ModelConfig ModelConfig::from_metadata(const WeightsFile& w, const std::string& what) {
  auto arch = w.metadata.find("architecture");
  if (arch == w.metadata.end() || arch->second != "micro-albert")
    throw Error(what + ": __metadata__.architecture must be 'micro-albert'");
  ModelConfig c;
  c.vocab = w.meta_int("vocab", what);
  c.embed = w.meta_int("embed", what);
  c.hidden = w.meta_int("hidden", what);
  c.heads = w.meta_int("heads", what);
  c.ffn = w.meta_int("ffn", what);
  c.layers = w.meta_int("layers", what);
  c.max_len = w.meta_int("max_len", what);
  if (c.hidden % c.heads) throw Error(what + ": hidden " + std::to_string(c.hidden) + " is not a multiple of heads " + std::to_string(c.heads));
  return c;
}

Model Model::load(const std::string& path) { return from_weights(WeightsFile::load(path), path); }

Model Model::from_weights(const WeightsFile& w, const std::string& what) {
  Model m;
  m.cfg_ = ModelConfig::from_metadata(w, what);
  const ModelConfig& c = m.cfg_;
  auto mat = [&](const std::string& name, std::int64_t r, std::int64_t k) {
    const Tensor& t = w.get(name, {r, k}, what);
    return Mat(Eigen::Map<const Mat>(t.data.data(), r, k));
  };
  auto vec = [&](const std::string& name, std::int64_t n) {
    const Tensor& t = w.get(name, {n}, what);
    return Vec(Eigen::Map<const Vec>(t.data.data(), n));
  };
  auto lin = [&](const std::string& name, std::int64_t out, std::int64_t in) {
    return Linear{mat(name + ".weight", out, in), vec(name + ".bias", out)};
  };
  auto norm = [&](const std::string& name, std::int64_t n) { return Norm{vec(name + ".weight", n), vec(name + ".bias", n)}; };
  const std::int64_t E = c.embed, H = c.hidden, F = c.ffn;
  m.tok_emb_ = mat("tok_emb.weight", c.vocab, E);
  m.pos_emb_ = mat("pos_emb.weight", c.max_len, E);
  m.emb_ln_ = norm("emb_ln", E);
  m.emb_proj_ = lin("emb_proj", H, E);
  m.ln1_ = norm("layer.ln1", H);
  m.qkv_ = lin("layer.qkv", 3 * H, H);
  m.out_ = lin("layer.out", H, H);
  m.ln2_ = norm("layer.ln2", H);
  m.ff1_ = lin("layer.ff1", F, H);
  m.ff2_ = lin("layer.ff2", H, F);
  m.final_ln_ = norm("final_ln", H);
  m.emo_ = lin("emo_head", ModelConfig::kClasses, 2 * H);
  m.vad_ = lin("vad_head", ModelConfig::kVad, 2 * H);
  return m;
}

namespace {

template <class M, class N>
void layer_norm(const M& x, const N& n, M& y) {
  y.resize(x.rows(), x.cols());
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    float mean = x.row(r).mean();
    float var = (x.row(r).array() - mean).square().mean();
    float inv = 1.0f / std::sqrt(var + 1e-5f);
    y.row(r) = ((x.row(r).array() - mean) * inv * n.w.array() + n.b.array()).matrix();
  }
}

}  // namespace

Prediction Model::predict(const std::vector<int>& ids_in) const {
  const ModelConfig& c = cfg_;
  std::vector<int> ids(ids_in.begin(), ids_in.begin() + std::min<std::size_t>(ids_in.size(), c.max_len));
  if (ids.empty()) throw Error("text-emotion model: empty input");
  const Eigen::Index T = static_cast<Eigen::Index>(ids.size()), H = c.hidden, dh = H / c.heads;
  Mat e(T, c.embed);
  for (Eigen::Index t = 0; t < T; ++t) {
    int id = ids[static_cast<std::size_t>(t)];
    if (id < 0 || id >= c.vocab) throw Error("text-emotion model: token id " + std::to_string(id) + " outside the vocabulary");
    e.row(t) = tok_emb_.row(id) + pos_emb_.row(t);
  }
  Mat en;
  layer_norm(e, emb_ln_, en);
  Mat x = en * emb_proj_.w.transpose();
  x.rowwise() += emb_proj_.b;
  Mat h, qkv, att(T, H), scores(T, T), f;
  const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
  for (int l = 0; l < c.layers; ++l) {
    layer_norm(x, ln1_, h);
    qkv.noalias() = h * qkv_.w.transpose();
    qkv.rowwise() += qkv_.b;
    for (int hd = 0; hd < c.heads; ++hd) {
      auto q = qkv.middleCols(hd * dh, dh);
      auto k = qkv.middleCols(H + hd * dh, dh);
      auto v = qkv.middleCols(2 * H + hd * dh, dh);
      scores.noalias() = (q * k.transpose()) * scale;
      for (Eigen::Index r = 0; r < T; ++r) {
        float mx = scores.row(r).maxCoeff();
        scores.row(r) = (scores.row(r).array() - mx).exp().matrix();
        scores.row(r) /= scores.row(r).sum();
      }
      att.middleCols(hd * dh, dh).noalias() = scores * v;
    }
    x.noalias() += att * out_.w.transpose();
    x.rowwise() += out_.b;
    layer_norm(x, ln2_, h);
    f.noalias() = h * ff1_.w.transpose();
    f.rowwise() += ff1_.b;
    const float k0 = std::sqrt(2.0f / 3.14159265358979f);
    f = (0.5f * f.array() * (1.0f + (k0 * (f.array() + 0.044715f * f.array().cube())).tanh())).matrix();
    x.noalias() += f * ff2_.w.transpose();
    x.rowwise() += ff2_.b;
  }
  layer_norm(x, final_ln_, h);
  Vec pooled(2 * H);
  pooled.head(H) = h.row(0);
  pooled.tail(H) = h.colwise().mean();
  Prediction p;
  Vec logits = pooled * emo_.w.transpose() + emo_.b;
  float mx = logits.maxCoeff();
  Vec ex = (logits.array() - mx).exp().matrix();
  ex /= ex.sum();
  for (int i = 0; i < ModelConfig::kClasses; ++i) {
    p.logits[static_cast<std::size_t>(i)] = logits[i];
    p.probs[static_cast<std::size_t>(i)] = ex[i];
  }
  Vec vad = pooled * vad_.w.transpose() + vad_.b;
  for (int i = 0; i < ModelConfig::kVad; ++i) p.vad[static_cast<std::size_t>(i)] = std::tanh(vad[i]);
  p.vad_head = p.vad;
  return p;
}

}  // namespace emosync::textemotion
