#pragma once
// The evaluation protocol shared by `emosync textemotion eval` and the shared_data test:
// GoEmotions dev (mapped, empty context) for the 16 classes, EmoBank test for V, A, D.
#include <array>
#include <cmath>
#include <functional>
#include <string>

#include "textemotion/tagger.h"
#include "textemotion_train/metrics.h"

namespace emosync::textemotion {

struct Evaluation {
  ClassReport dev;
  std::array<double, 3> vad_r{};  // Pearson r on EmoBank test
  // The network's VAD head alone (models with a lexical VAD part; NaN otherwise).
  std::array<double, 3> vad_r_head{std::nan(""), std::nan(""), std::nan("")};
  std::string text(const std::string& title) const;
};

// `classify` is called once per GoEmotions dev row, then `vad` once per EmoBank test row,
// each in file order.
Evaluation evaluate(const std::string& data_dir, const std::function<int(const std::string&)>& classify,
                    const std::function<std::array<float, 3>(const std::string&)>& vad);
Evaluation evaluate_model(const Tagger& t, const std::string& data_dir);
// Trains the n-gram baseline on GoEmotions/EmoBank train and evaluates it the same way.
Evaluation evaluate_baseline(const std::string& data_dir);

}  // namespace emosync::textemotion
