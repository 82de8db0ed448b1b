#pragma once
// The FiLM network in libtorch, built from model::Architecture with parameter names equal
// to the model file's tensor names, so export is a copy and the Eigen runtime matches it.
#include <string>
#include <vector>

#include <torch/torch.h>

#include "model/architecture.h"
#include "model/model_file.h"

namespace emosync::train {

class FilmNetImpl : public torch::nn::Module {
 public:
  // phone_classes > 0 adds the training-only phone head (never part of the model file).
  explicit FilmNetImpl(const model::Architecture& arch, int phone_classes = 0);

  // features [B, L_f, n_mels], cond [B, T, 19] -> [B, T, 52]. Output frame k reads the
  // hidden sequence at feature position 10k/3 (linear interpolation, clamped to L_f - 1).
  // phone_logits (needs the phone head): [B, T, classes] from that 30 fps encoder output,
  // before the FiLM blocks, so the phone cannot lean on the emotion.
  torch::Tensor forward(const torch::Tensor& features, const torch::Tensor& cond,
                        torch::Tensor* phone_logits = nullptr);

  // The model as it is used (the runtime computes the same): forward, with the LIPSYNC
  // channels taken from a second pass under neutral conditioning when arch().lips is
  // "speech" (model/architecture.h). Training optimises forward itself.
  torch::Tensor infer(const torch::Tensor& features, const torch::Tensor& cond);

  const model::Architecture& arch() const { return arch_; }
  // feature_norm running: the prior [n_mels], a buffer (saved in checkpoints, exported as the
  // model file's feature_norm.prior, not trained). The network itself never normalises: the
  // data set's features are normalised once at load (Dataset::normalise_features).
  // Undefined without feature_norm.
  torch::Tensor feature_prior() const { return feature_prior_; }
  void set_feature_prior(const std::vector<float>& prior);
  bool has_phone_head() const { return !phone_head_.is_empty(); }
  // Backbone: encoder, block_fc, head. Conditioning path: embed, block_film.
  std::vector<torch::Tensor> backbone_parameters();
  std::vector<torch::Tensor> conditioning_parameters();

 private:
  model::Architecture arch_;
  torch::nn::ModuleList encoder_{nullptr}, block_fc_{nullptr}, block_film_{nullptr};
  torch::nn::Sequential embed_{nullptr};
  torch::nn::Linear head_{nullptr}, phone_head_{nullptr};
  torch::Tensor cond_columns_;
  torch::Tensor feature_prior_;
};
TORCH_MODULE(FilmNet);

bool is_conditioning_parameter(const std::string& name);
// Parameters that train but never leave the trainer (the phone head).
bool is_training_only_parameter(const std::string& name);

// Parameters <-> model file tensors.
model::ModelFile to_model_file(FilmNet& net, const std::string& stage, const std::string& anchors_version);
void load_weights(FilmNet& net, const model::SafeTensors& st, bool skip_conditioning = false);

// The network stored in a training checkpoint (its architecture comes from the checkpoint).
FilmNet load_checkpoint_network(const std::string& path, std::string* stage = nullptr);

}  // namespace emosync::train
