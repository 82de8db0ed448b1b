#pragma once
// Helpers for the text-emotion tests: a small random model in the weights format.
#include <functional>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "io/error.h"

#include "textemotion/model.h"
#include "textemotion/weights.h"

namespace emosync::textemotion::te_test {

inline WeightsFile random_weights(const ModelConfig& c, unsigned seed = 7) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> n(0.f, 0.2f);
  WeightsFile w;
  c.to_metadata(w.metadata);
  auto add = [&](const std::string& name, std::vector<std::int64_t> shape, float bias = 0.f) {
    Tensor t;
    t.shape.assign(shape.begin(), shape.end());
    t.data.resize(static_cast<std::size_t>(t.numel()));
    for (auto& v : t.data) v = bias + n(rng);
    w.tensors[name] = t;
  };
  const std::int64_t E = c.embed, H = c.hidden, F = c.ffn;
  add("tok_emb.weight", {c.vocab, E});
  add("pos_emb.weight", {c.max_len, E});
  add("emb_ln.weight", {E}, 1.f);
  add("emb_ln.bias", {E});
  add("emb_proj.weight", {H, E});
  add("emb_proj.bias", {H});
  for (const char* ln : {"layer.ln1", "layer.ln2", "final_ln"}) {
    add(std::string(ln) + ".weight", {H}, 1.f);
    add(std::string(ln) + ".bias", {H});
  }
  add("layer.qkv.weight", {3 * H, H});
  add("layer.qkv.bias", {3 * H});
  add("layer.out.weight", {H, H});
  add("layer.out.bias", {H});
  add("layer.ff1.weight", {F, H});
  add("layer.ff1.bias", {F});
  add("layer.ff2.weight", {H, F});
  add("layer.ff2.bias", {H});
  add("emo_head.weight", {16, 2 * H});
  add("emo_head.bias", {16});
  add("vad_head.weight", {3, 2 * H});
  add("vad_head.bias", {3});
  return w;
}

inline std::string source_path(const std::string& rel) { return std::string(EMOSYNC_SOURCE_DIR) + "/" + rel; }

// The message of the emosync::Error that f throws; a test failure when it throws none.
inline std::string expect_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected emosync::Error";
  return "";
}

// GoEmotions' emotions.txt: its 28 label names in its own order (a TSV's ids index it).
inline std::string goemotions_labels_file() {
  static const char* kLabels[] = {"admiration", "amusement", "anger", "annoyance", "approval", "caring", "confusion",
                                  "curiosity", "desire", "disappointment", "disapproval", "disgust", "embarrassment",
                                  "excitement", "fear", "gratitude", "grief", "joy", "love", "nervousness", "optimism",
                                  "pride", "realization", "relief", "remorse", "sadness", "surprise", "neutral"};
  std::string out;
  for (const char* l : kLabels) out += std::string(l) + "\n";
  return out;
}

}  // namespace emosync::textemotion::te_test
