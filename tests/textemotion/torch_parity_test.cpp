// The Eigen forward pass must match libtorch's on the same weights (max |diff| <= 1e-4).
#include <gtest/gtest.h>

#include <random>

#include "textemotion/model.h"
#include "textemotion_train/torch_model.h"

using namespace emosync::textemotion;

TEST(TorchParity, EigenMatchesLibtorch) {
  torch::manual_seed(11);
  ModelConfig c;
  c.vocab = 500;
  c.embed = 32;
  c.hidden = 48;
  c.heads = 4;
  c.ffn = 96;
  c.layers = 3;
  c.max_len = 64;
  MicroAlbert tm(c, 0.0);
  {  // make biases and norms non-trivial so every parameter matters
    torch::NoGradGuard g;
    for (auto& p : tm->parameters()) p.add_(torch::randn_like(p) * 0.1);
  }
  tm->eval();
  WeightsFile w = WeightsFile::from_bytes(export_weights(tm, {}).to_bytes(), "mem");
  Model em = Model::from_weights(w, "mem");
  std::mt19937 rng(5);
  double worst = 0;
  for (int len : {1, 2, 7, 32, 64}) {
    std::vector<int> ids(static_cast<std::size_t>(len));
    for (auto& v : ids) v = static_cast<int>(rng() % 500);
    auto t_ids = torch::tensor(std::vector<std::int64_t>(ids.begin(), ids.end())).unsqueeze(0);
    torch::NoGradGuard g;
    auto out = tm->forward(t_ids, torch::ones_like(t_ids, torch::kBool));
    auto probs = torch::softmax(out.logits, -1);
    Prediction p = em.predict(ids);
    for (int k = 0; k < 16; ++k) {
      worst = std::max(worst, std::abs(static_cast<double>(p.logits[static_cast<std::size_t>(k)]) - out.logits[0][k].item<double>()));
      worst = std::max(worst, std::abs(static_cast<double>(p.probs[static_cast<std::size_t>(k)]) - probs[0][k].item<double>()));
    }
    for (int k = 0; k < 3; ++k)
      worst = std::max(worst, std::abs(static_cast<double>(p.vad[static_cast<std::size_t>(k)]) - out.vad[0][k].item<double>()));
  }
  EXPECT_LE(worst, 1e-4);
  // Padding in a batch must not change a sequence's result.
  auto a = torch::tensor(std::vector<std::int64_t>{1, 2, 3, 0, 0}).unsqueeze(0);
  auto valid = torch::tensor(std::vector<std::int64_t>{1, 1, 1, 0, 0}).to(torch::kBool).unsqueeze(0);
  torch::NoGradGuard g;
  auto padded = tm->forward(a, valid);
  Prediction p = em.predict({1, 2, 3});
  for (int k = 0; k < 16; ++k) EXPECT_NEAR(p.logits[static_cast<std::size_t>(k)], padded.logits[0][k].item<float>(), 1e-4);
  // import_weights restores the exported model exactly.
  MicroAlbert back = import_weights(w, "mem");
  back->eval();
  auto o2 = back->forward(a, valid);
  EXPECT_TRUE(torch::allclose(o2.logits, padded.logits));
}
