#pragma once
// The MicroALBERT of textemotion/model.h in libtorch, for training. Parameter names
// equal the tensor names of the weights file, so export and import are one loop.
#include <torch/torch.h>

#include <string>

#include "textemotion/model.h"
#include "textemotion/weights.h"

namespace emosync::textemotion {

struct SharedLayerImpl : torch::nn::Module {
  SharedLayerImpl(const ModelConfig& c, double dropout);
  torch::Tensor forward(torch::Tensor x, const torch::Tensor& attn_bias);
  ModelConfig cfg;
  torch::nn::LayerNorm ln1{nullptr}, ln2{nullptr};
  torch::nn::Linear qkv{nullptr}, out{nullptr}, ff1{nullptr}, ff2{nullptr};
  torch::nn::Dropout drop{nullptr};
};
TORCH_MODULE(SharedLayer);

struct MicroAlbertImpl : torch::nn::Module {
  MicroAlbertImpl(const ModelConfig& c, double dropout);
  struct Output {
    torch::Tensor logits;  // [B, 16]
    torch::Tensor vad;     // [B, 3], tanh
    torch::Tensor pooled;  // [B, 2H], what the heads read (auxiliary training heads too)
  };
  // ids [B, T] int64, valid [B, T] bool (false on padding).
  Output forward(const torch::Tensor& ids, const torch::Tensor& valid);
  // The encoder alone: final hidden state of every token [B, T, H] (what MLM reads).
  torch::Tensor encode(const torch::Tensor& ids, const torch::Tensor& valid);

  ModelConfig cfg;
  torch::nn::Embedding tok_emb{nullptr}, pos_emb{nullptr};
  torch::nn::LayerNorm emb_ln{nullptr}, final_ln{nullptr};
  torch::nn::Linear emb_proj{nullptr}, emo_head{nullptr}, vad_head{nullptr};
  SharedLayer layer{nullptr};
  torch::nn::Dropout drop{nullptr};
};
TORCH_MODULE(MicroAlbert);

WeightsFile export_weights(MicroAlbert& m, const std::map<std::string, std::string>& extra_metadata);
// Copies a weights file into a model built with the file's config.
MicroAlbert import_weights(const WeightsFile& w, const std::string& what);

}  // namespace emosync::textemotion
