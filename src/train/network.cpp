#include "train/network.h"

#include <algorithm>

#include "arkit/channel_split.h"
#include "emotion/classes.h"
#include "emotion/conditioning.h"
#include "io/error.h"

namespace emosync::train {

namespace F = torch::nn::functional;

FilmNetImpl::FilmNetImpl(const model::Architecture& arch, int phone_classes) : arch_(arch) {
  encoder_ = register_module("encoder", torch::nn::ModuleList());
  int in = arch.n_mels;
  for (const auto& l : arch.encoder) {
    encoder_->push_back(torch::nn::Conv1d(
        torch::nn::Conv1dOptions(in, l.out_channels, l.kernel).dilation(l.dilation).bias(true)));
    in = l.out_channels;
  }
  const int h = arch.hidden(), e = arch.embed_dim;
  embed_ = torch::nn::Sequential();
  embed_->push_back(torch::nn::Linear(arch.cond_dim(), e));
  if (arch.embedding == model::EmbeddingKind::Mlp) {
    embed_->push_back(torch::nn::ReLU());
    embed_->push_back(torch::nn::Linear(e, e));
  }
  register_module("embed", embed_);
  block_fc_ = register_module("block_fc", torch::nn::ModuleList());
  block_film_ = register_module("block_film", torch::nn::ModuleList());
  for (int b = 0; b < arch.blocks; ++b) {
    block_fc_->push_back(torch::nn::Linear(h, h));
    block_film_->push_back(torch::nn::Linear(e, 2 * h));
  }
  head_ = register_module("head", torch::nn::Linear(h, arch.n_outputs));
  if (phone_classes > 0) phone_head_ = register_module("phone_head", torch::nn::Linear(h, phone_classes));
  std::vector<int64_t> cols;
  for (auto c : model::conditioning_columns(arch.cond_input)) cols.push_back(static_cast<int64_t>(c));
  cond_columns_ = torch::tensor(cols, torch::kLong);
  if (arch.feature_norm == model::FeatureNorm::Running) {
    // Buffer names cannot hold a dot: a child module makes the name feature_norm.prior.
    auto holder = register_module("feature_norm", std::make_shared<torch::nn::Module>());
    feature_prior_ = holder->register_buffer("prior", torch::zeros({arch.n_mels}));
  }
}

void FilmNetImpl::set_feature_prior(const std::vector<float>& prior) {
  if (!feature_prior_.defined()) throw Error("network: the architecture has no feature_norm");
  if (prior.size() != static_cast<std::size_t>(arch_.n_mels)) throw Error("network: feature prior has the wrong size");
  torch::NoGradGuard guard;
  feature_prior_.copy_(torch::tensor(prior));
}

torch::Tensor FilmNetImpl::forward(const torch::Tensor& features, const torch::Tensor& cond, torch::Tensor* phone_logits) {
  torch::Tensor x = features.transpose(1, 2);  // [B, C, L]
  for (std::size_t i = 0; i < arch_.encoder.size(); ++i) {
    const auto& l = arch_.encoder[i];
    const int64_t left = (l.kernel - 1) * l.dilation - l.lookahead;
    x = F::pad(x, F::PadFuncOptions({left, l.lookahead}));
    x = torch::relu(encoder_[i]->as<torch::nn::Conv1d>()->forward(x));
  }
  // Resampling as a [lf, t] matrix built from the taps the runtime uses (model/architecture.h).
  const int64_t lf = x.size(2), t = cond.size(1);
  std::vector<float> r(static_cast<std::size_t>(lf * t), 0.0f);
  for (int64_t k = 0; k < t; ++k)
    for (const auto& tap : model::resample_taps(arch_.resample, static_cast<std::size_t>(k))) {
      const int64_t j = std::clamp<int64_t>(tap.index, 0, lf - 1);
      r[static_cast<std::size_t>(j * t + k)] += tap.weight;
    }
  torch::Tensor h = torch::matmul(x, torch::from_blob(r.data(), {lf, t}, torch::kFloat32).clone());
  h = h.transpose(1, 2);  // [B, T, H]
  if (phone_logits) {
    if (phone_head_.is_empty()) throw Error("network: no phone head (loss.phone is 0)");
    *phone_logits = phone_head_->forward(h);
  }
  torch::Tensor e = embed_->forward(cond.index_select(2, cond_columns_));
  for (int b = 0; b < arch_.blocks; ++b) {
    torch::Tensor z = torch::relu(block_fc_[b]->as<torch::nn::Linear>()->forward(h));
    auto g = block_film_[b]->as<torch::nn::Linear>()->forward(e).chunk(2, -1);
    h = h + (z * (1 + g[0]) + g[1]);
  }
  return torch::sigmoid(head_->forward(h));
}

torch::Tensor FilmNetImpl::infer(const torch::Tensor& features, const torch::Tensor& cond) {
  torch::Tensor y = forward(features, cond);
  if (arch_.lips != model::Lips::Speech) return y;
  emotion::Conditioning n = emotion::make_conditioning(emotion::kNeutral, 0.0f);
  const torch::Tensor neutral =
      torch::from_blob(n.data(), {1, 1, static_cast<int64_t>(n.size())}).clone().expand_as(cond).contiguous();
  const torch::Tensor yn = forward(features, neutral);
  std::vector<int64_t> lips;
  for (std::size_t c : arkit::ChannelSplit::standard().channels(arkit::ChannelType::Lipsync))
    lips.push_back(static_cast<int64_t>(c));
  const torch::Tensor idx = torch::tensor(lips, torch::kLong);
  return y.index_copy(2, idx, yn.index_select(2, idx));
}

bool is_training_only_parameter(const std::string& name) { return name.rfind("phone_head.", 0) == 0; }

bool is_conditioning_parameter(const std::string& name) {
  return name.rfind("embed.", 0) == 0 || name.rfind("block_film.", 0) == 0;
}

std::vector<torch::Tensor> FilmNetImpl::backbone_parameters() {
  std::vector<torch::Tensor> out;
  for (const auto& p : named_parameters())
    if (!is_conditioning_parameter(p.key())) out.push_back(p.value());
  return out;
}

std::vector<torch::Tensor> FilmNetImpl::conditioning_parameters() {
  std::vector<torch::Tensor> out;
  for (const auto& p : named_parameters())
    if (is_conditioning_parameter(p.key())) out.push_back(p.value());
  return out;
}

model::ModelFile to_model_file(FilmNet& net, const std::string& stage, const std::string& anchors_version) {
  model::ModelFile m;
  m.arch = net->arch();
  m.stage = stage;
  m.anchors_version = anchors_version;
  auto params = net->named_parameters(), buffers = net->named_buffers();
  for (const auto& [name, shape] : m.arch.parameter_shapes()) {
    const torch::Tensor* p = params.find(name);
    if (!p) p = buffers.find(name);  // feature_norm.prior
    if (!p) throw Error("network has no parameter '" + name + "'");
    torch::Tensor c = p->detach().to(torch::kFloat).contiguous();
    model::Tensor t;
    t.shape = shape;
    t.data.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
    if (t.data.size() != t.numel()) throw Error("parameter '" + name + "' has the wrong size");
    m.weights.tensors[name] = std::move(t);
  }
  return m;
}

void load_weights(FilmNet& net, const model::SafeTensors& st, bool skip_conditioning) {
  torch::NoGradGuard guard;
  for (auto& p : net->named_parameters()) {
    if (skip_conditioning && p.key().rfind("embed.", 0) == 0) continue;
    if (is_training_only_parameter(p.key())) continue;  // a model file never holds them
    const model::Tensor& t = st.at(p.key(), "weights");
    std::vector<int64_t> shape(t.shape.begin(), t.shape.end());
    if (p.value().sizes() != torch::IntArrayRef(shape)) throw Error("weights: '" + p.key() + "' has the wrong shape");
    p.value().copy_(torch::from_blob(const_cast<float*>(t.data.data()), shape, torch::kFloat));
  }
  // The V3 stage goes on with its base's feature prior: the backbone learnt on those inputs.
  if (net->feature_prior().defined()) net->set_feature_prior(st.at(model::kFeaturePriorTensor, "weights").data);
}

}  // namespace emosync::train
