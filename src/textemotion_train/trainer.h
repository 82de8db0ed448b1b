#pragma once
// Joint training of the text-emotion model: cross-entropy on GoEmotions (16 classes,
// class-weighted) plus MSE on EmoBank VAD, in mixed batches. The VAD error is measured
// in units of each dimension's spread in EmoBank train (its V spans only ~0.17 on the
// [-1, 1] scale, so a raw MSE would be drowned by the cross-entropy).
// Auxiliary task: every GoEmotions row also gets a VAD target, the mean L5 anchor of the
// classes its labels map to (data/emotion/emotion_vad_anchors.json), learnt by a second
// VAD head that is not exported. EmoBank has 8k rows; this adds ~43k valence signals
// that shape the shared encoder, while the exported VAD head stays on EmoBank's scale. A share of the
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
  int batch = 64;             // GoEmotions examples per step
  int vad_batch = 0;          // EmoBank examples per step (0: batch / 2)
  double vad_weight = 1.0;    // weight of the standardised EmoBank VAD MSE
  double anchor_vad_weight = 0.5;  // weight of the standardised GoEmotions anchor-VAD MSE (0: off)
  int eval_every = 500;       // steps between dev evaluations in the log (0: never)
  double lr = 1.5e-3;
  double dropout = 0.1;
  double context_share = 0.3;
  std::uint64_t seed = 1;
  bool resume = false;
  std::string init;           // weights file to start from (same architecture), or empty
  // Masked-language-model objective on the same training text (GoEmotions train + EmoBank
  // train; dev and test text is never read): 15 % of pieces are predicted through an
  // output layer tied to the token embedding (not exported). `pretrain` trains on it
  // alone, for a later run with --init; mlm_weight > 0 adds it to the supervised losses.
  bool pretrain = false;
  double mlm_weight = 0.0;
};

void train_text_emotion(const TrainOptions& o);

}  // namespace emosync::textemotion
