#pragma once
// MicroALBERT text-emotion model, forward pass in Eigen (no libtorch) so it runs in the
// native runtime and the WebAssembly build. Architecture (mirrored exactly by the
// libtorch trainer in src/textemotion_train):
//   token + position embeddings (size E) -> LayerNorm -> linear E->H   (factorised embedding)
//   one shared pre-LN transformer layer applied `layers` times:
//     x += Wo * MHA(LN1(x)),  x += W2 * gelu_tanh(W1 * LN2(x))
//   final LayerNorm; pooled = [x_CLS, mean_t x_t] (2H)
//   emotion logits = Wc pooled (16);  VAD = tanh(Wv pooled) (3, in [-1, 1])
#include <array>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "textemotion/weights.h"

namespace emosync::textemotion {

struct ModelConfig {
  int vocab = 0;    // SentencePiece pieces + kSpecialTokens
  int embed = 64;   // E
  int hidden = 128; // H
  int heads = 4;
  int ffn = 256;
  int layers = 3;   // times the shared layer is applied
  int max_len = 64;
  static constexpr int kClasses = 16;
  static constexpr int kVad = 3;

  void to_metadata(std::map<std::string, std::string>& m) const;
  static ModelConfig from_metadata(const WeightsFile& w, const std::string& what);
};

struct Prediction {
  std::array<float, ModelConfig::kClasses> probs{};
  std::array<float, ModelConfig::kClasses> logits{};
  std::array<float, ModelConfig::kVad> vad{};       // the answer: blended when a lexical part is present
  std::array<float, ModelConfig::kVad> vad_head{};  // the network's VAD head alone
  std::array<float, ModelConfig::kVad> vad_lexical{};  // the EmoBank lexical regressor alone (0 without one)
};

class Model {
 public:
  static Model from_weights(const WeightsFile& w, const std::string& what);
  static Model load(const std::string& path);

  // Forward pass for one token sequence (ids from textemotion::encode_input).
  Prediction predict(const std::vector<int>& ids) const;
  const ModelConfig& config() const { return cfg_; }

 private:
  using Mat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using Vec = Eigen::RowVectorXf;
  struct Linear {
    Mat w;  // [out, in], as torch stores it
    Vec b;
  };
  struct Norm {
    Vec w, b;
  };
  ModelConfig cfg_;
  Mat tok_emb_, pos_emb_;
  Norm emb_ln_, ln1_, ln2_, final_ln_;
  Linear emb_proj_, qkv_, out_, ff1_, ff2_, emo_, vad_;
};

}  // namespace emosync::textemotion
