#pragma once
// Joint training of the text-emotion model: cross-entropy on GoEmotions (16 classes,
// class-weighted) plus 5 x MSE on EmoBank VAD, in mixed batches. A share of the
// GoEmotions examples get one or two unrelated training comments as [SELF]/[OTHER]
// context, so the model learns to read the sentence and not be thrown by a context
// (GoEmotions has no conversations to take real context from).
// Checkpoints (model, optimiser, step) every few minutes and at the end; --resume
// continues from them. The run stops at `epochs` or at the time budget, whichever is
// first; the learning-rate schedule is fitted to that budget after the first steps.
#include <string>

#include "textemotion/model.h"

namespace emosync::textemotion {

struct TrainOptions {
  std::string data_dir;       // ../shared/data
  std::string out_dir;        // models/textemotion: tokenizer.model, textemotion.safetensors
  std::string work_dir;       // checkpoints
  ModelConfig model;          // vocab is set from the tokenizer
  int epochs = 8;
  double minutes = 15;        // time budget for the training loop
  int threads = 1;
  int batch = 64;             // GoEmotions examples per step (plus batch/4 EmoBank)
  double lr = 1.5e-3;
  double dropout = 0.1;
  double context_share = 0.3;
  std::uint64_t seed = 1;
  bool resume = false;
};

void train_text_emotion(const TrainOptions& o);

}  // namespace emosync::textemotion
