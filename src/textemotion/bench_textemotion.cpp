// bench_textemotion: sentences per second of the Eigen forward pass on one core, for
// 32-token inputs, with the shipped model (or a model of the same size with random
// weights when none is embedded). Reports a rate measured in this run; no asserts.
#include <chrono>
#include <cstdio>
#include <random>

#include "io/error.h"
#include "textemotion/input.h"
#include "textemotion/tagger.h"

using namespace emosync::textemotion;

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 3000;
  const Model* model = nullptr;
  try {
    model = &Tagger::embedded().model();
  } catch (const emosync::Error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  const ModelConfig& c = model->config();
  std::mt19937 rng(1);
  std::vector<std::vector<int>> inputs(64);
  for (auto& v : inputs) {
    v.resize(32);
    for (auto& id : v) id = static_cast<int>(rng() % static_cast<unsigned>(c.vocab));
  }
  double sink = 0;
  for (int i = 0; i < 100; ++i) sink += model->predict(inputs[static_cast<std::size_t>(i) % inputs.size()]).probs[0];
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) sink += model->predict(inputs[static_cast<std::size_t>(i) % inputs.size()]).probs[0];
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("textemotion forward (E %d, H %d, heads %d, ffn %d, layers %d): %d sentences x 32 tokens in %.3f s = %.0f sentences/s (one thread)%s\n",
              c.embed, c.hidden, c.heads, c.ffn, c.layers, n, s, n / s, sink < -1 ? "" : "");
  // End to end: tokenizer + forward on a typical sentence.
  const Tagger& t = Tagger::embedded();
  const std::string text = "Honestly, I can't believe they cancelled the show after that cliffhanger, what a letdown.";
  t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) sink += t.predict(text, {}).probs[0];
  s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("tokenize + forward%s (%zu tokens): %.0f sentences/s\n", t.lexical() ? " + lexical VAD blend" : "",
              encode_input(t.tokenizer(), text, {}, c.max_len).size(), n / s);
  if (t.lexical()) {
    t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) sink += t.lexical()->predict(text)[0];
    s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("lexical VAD regressor alone (%zu characters): %.0f sentences/s\n", text.size(), n / s);
  }
  return 0;
}
