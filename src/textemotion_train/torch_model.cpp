#include "textemotion_train/torch_model.h"

#include <cmath>

#include "io/error.h"

namespace emosync::textemotion {
namespace nn = torch::nn;

SharedLayerImpl::SharedLayerImpl(const ModelConfig& c, double dropout) : cfg(c) {
  const int H = c.hidden;
  ln1 = register_module("ln1", nn::LayerNorm(nn::LayerNormOptions({H}).eps(1e-5)));
  qkv = register_module("qkv", nn::Linear(H, 3 * H));
  out = register_module("out", nn::Linear(H, H));
  ln2 = register_module("ln2", nn::LayerNorm(nn::LayerNormOptions({H}).eps(1e-5)));
  ff1 = register_module("ff1", nn::Linear(H, c.ffn));
  ff2 = register_module("ff2", nn::Linear(c.ffn, H));
  drop = register_module("drop", nn::Dropout(dropout));
}

torch::Tensor SharedLayerImpl::forward(torch::Tensor x, const torch::Tensor& attn_bias) {
  const auto B = x.size(0), T = x.size(1);
  const int H = cfg.hidden, nh = cfg.heads, dh = H / nh;
  auto parts = qkv(ln1(x)).view({B, T, 3, nh, dh}).permute({2, 0, 3, 1, 4});  // [3, B, nh, T, dh]
  auto q = parts[0], k = parts[1], v = parts[2];
  auto scores = torch::matmul(q, k.transpose(-2, -1)) / std::sqrt(static_cast<double>(dh)) + attn_bias;
  auto att = drop(torch::softmax(scores, -1));
  auto ctx = torch::matmul(att, v).transpose(1, 2).reshape({B, T, H});
  x = x + drop(out(ctx));
  x = x + drop(ff2(torch::gelu(ff1(ln2(x)), "tanh")));
  return x;
}

MicroAlbertImpl::MicroAlbertImpl(const ModelConfig& c, double dropout) : cfg(c) {
  tok_emb = register_module("tok_emb", nn::Embedding(c.vocab, c.embed));
  pos_emb = register_module("pos_emb", nn::Embedding(c.max_len, c.embed));
  emb_ln = register_module("emb_ln", nn::LayerNorm(nn::LayerNormOptions({c.embed}).eps(1e-5)));
  emb_proj = register_module("emb_proj", nn::Linear(c.embed, c.hidden));
  layer = register_module("layer", SharedLayer(c, dropout));
  final_ln = register_module("final_ln", nn::LayerNorm(nn::LayerNormOptions({c.hidden}).eps(1e-5)));
  emo_head = register_module("emo_head", nn::Linear(2 * c.hidden, ModelConfig::kClasses));
  vad_head = register_module("vad_head", nn::Linear(2 * c.hidden, ModelConfig::kVad));
  drop = register_module("drop", nn::Dropout(dropout));
  torch::NoGradGuard g;
  nn::init::normal_(tok_emb->weight, 0, 0.02);
  nn::init::normal_(pos_emb->weight, 0, 0.02);
}

torch::Tensor MicroAlbertImpl::encode(const torch::Tensor& ids, const torch::Tensor& valid) {
  const auto T = ids.size(1);
  auto pos = torch::arange(T, torch::kLong);
  auto x = emb_proj(drop(emb_ln(tok_emb(ids) + pos_emb(pos).unsqueeze(0))));
  // Padding keys get a large negative bias (not -inf, so fully padded rows stay finite).
  auto attn_bias = (1.0 - valid.to(torch::kFloat)).mul(-1e9).view({ids.size(0), 1, 1, T});
  for (int l = 0; l < cfg.layers; ++l) x = layer(x, attn_bias);
  return final_ln(x);
}

MicroAlbertImpl::Output MicroAlbertImpl::forward(const torch::Tensor& ids, const torch::Tensor& valid) {
  auto x = encode(ids, valid);
  auto m = valid.to(torch::kFloat).unsqueeze(-1);
  auto mean = (x * m).sum(1) / m.sum(1).clamp_min(1.0);
  auto pooled = drop(torch::cat({x.select(1, 0), mean}, -1));
  return {emo_head(pooled), torch::tanh(vad_head(pooled)), pooled};
}

WeightsFile export_weights(MicroAlbert& m, const std::map<std::string, std::string>& extra) {
  WeightsFile w;
  w.metadata = extra;
  m->cfg.to_metadata(w.metadata);
  for (const auto& p : m->named_parameters()) {
    auto t = p.value().detach().to(torch::kFloat).contiguous();
    Tensor out;
    for (auto d : t.sizes()) out.shape.push_back(d);
    out.data.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
    w.tensors[p.key()] = std::move(out);
  }
  return w;
}

MicroAlbert import_weights(const WeightsFile& w, const std::string& what) {
  MicroAlbert m(ModelConfig::from_metadata(w, what), 0.0);
  torch::NoGradGuard g;
  for (auto& p : m->named_parameters()) {
    std::vector<std::int64_t> shape(p.value().sizes().begin(), p.value().sizes().end());
    const Tensor& t = w.get(p.key(), shape, what);
    p.value().copy_(torch::from_blob(const_cast<float*>(t.data.data()), p.value().sizes(), torch::kFloat));
  }
  return m;
}

}  // namespace emosync::textemotion
