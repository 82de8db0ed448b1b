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
  explicit FilmNetImpl(const model::Architecture& arch);

  // features [B, L_f, n_mels], cond [B, T, 19] -> [B, T, 52]. Output frame k reads the
  // hidden sequence at feature position 10k/3 (linear interpolation, clamped to L_f - 1).
  torch::Tensor forward(const torch::Tensor& features, const torch::Tensor& cond);

  const model::Architecture& arch() const { return arch_; }
  // Backbone: encoder, block_fc, head. Conditioning path: embed, block_film.
  std::vector<torch::Tensor> backbone_parameters();
  std::vector<torch::Tensor> conditioning_parameters();

 private:
  model::Architecture arch_;
  torch::nn::ModuleList encoder_{nullptr}, block_fc_{nullptr}, block_film_{nullptr};
  torch::nn::Sequential embed_{nullptr};
  torch::nn::Linear head_{nullptr};
  torch::Tensor cond_columns_;
};
TORCH_MODULE(FilmNet);

bool is_conditioning_parameter(const std::string& name);

// Parameters <-> model file tensors.
model::ModelFile to_model_file(FilmNet& net, const std::string& stage, const std::string& anchors_version);
void load_weights(FilmNet& net, const model::SafeTensors& st, bool skip_conditioning = false);

// The network stored in a training checkpoint (its architecture comes from the checkpoint).
FilmNet load_checkpoint_network(const std::string& path, std::string* stage = nullptr);

}  // namespace emosync::train
