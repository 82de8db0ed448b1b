// emosync textemotion train|eval: the text-emotion model (MicroALBERT) — SentencePiece
// tokenizer, joint emotion + VAD training in libtorch, evaluation against the n-gram
// baseline on GoEmotions dev and EmoBank test.
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "textemotion/tagger.h"
#include "textemotion_train/corpus.h"
#include "textemotion_train/evaluate.h"
#include "textemotion_train/lexical_train.h"
#include "textemotion_train/trainer.h"

namespace {
using namespace emosync;

void setup(CLI::App& app) {
  app.require_subcommand(1);
  auto o = std::make_shared<textemotion::TrainOptions>();
  o->out_dir = "models/textemotion";
  o->work_dir = "build/textemotion_work";
  CLI::App* train = app.add_subcommand("train", "Train the model (needs <out>/tokenizer.model from textemotion_tokenizer); writes <out>/textemotion.safetensors");
  train->add_option("--data", o->data_dir, "shared data folder (default $EMOSYNC_SHARED_DATA or ../shared/data)");
  train->add_option("--out", o->out_dir, "output folder")->capture_default_str();
  train->add_option("--work", o->work_dir, "checkpoint folder")->capture_default_str();
  train->add_option("--minutes", o->minutes, "time budget of the training loop")->capture_default_str();
  train->add_option("--epochs", o->epochs, "at most this many passes over GoEmotions train")->capture_default_str();
  train->add_option("--threads", o->threads, "intra-op threads")->capture_default_str();
  train->add_option("--batch", o->batch, "GoEmotions examples per step")->capture_default_str();
  train->add_option("--vad-batch", o->vad_batch, "EmoBank examples per step (0: batch / 2)")->capture_default_str();
  train->add_option("--vad-weight", o->vad_weight, "weight of the standardised EmoBank VAD loss")->capture_default_str();
  train->add_option("--anchor-vad-weight", o->anchor_vad_weight,
                    "weight of the auxiliary GoEmotions anchor-VAD loss (0: off)")->capture_default_str();
  train->add_option("--eval-every", o->eval_every, "steps between dev evaluations in the log (0: never)")->capture_default_str();
  train->add_option("--dropout", o->dropout, "dropout")->capture_default_str();
  train->add_option("--lr", o->lr, "peak learning rate")->capture_default_str();
  train->add_option("--embed", o->model.embed, "embedding size E")->capture_default_str();
  train->add_option("--hidden", o->model.hidden, "hidden size H")->capture_default_str();
  train->add_option("--heads", o->model.heads, "attention heads")->capture_default_str();
  train->add_option("--ffn", o->model.ffn, "feed-forward size")->capture_default_str();
  train->add_option("--layers", o->model.layers, "applications of the shared layer")->capture_default_str();
  train->add_option("--seed", o->seed, "random seed")->capture_default_str();
  train->add_option("--init", o->init, "start from this weights file (same architecture; fresh optimiser and schedule)");
  train->add_flag("--resume", o->resume, "continue from the checkpoint in --work");
  train->add_flag("--pretrain", o->pretrain,
                  "masked-language-model pretraining only; writes <out>/pretrained.safetensors for a later --init");
  train->add_option("--mlm-weight", o->mlm_weight, "weight of an auxiliary MLM loss beside the supervised ones (0: off)")
      ->capture_default_str();
  train->callback([o] {
    textemotion::TrainOptions opt = *o;
    opt.data_dir = textemotion::shared_data_dir(o->data_dir);
    textemotion::train_text_emotion(opt);
  });

  auto lo = std::make_shared<textemotion::LexicalOptions>();
  auto lex_model = std::make_shared<std::string>("models/textemotion");
  auto lex_out = std::make_shared<std::string>();
  auto lex_report = std::make_shared<std::string>();
  CLI::App* lex = app.add_subcommand(
      "lexical", "Fit the lexical VAD regressor (ridge on hashed word + character n-grams) and its blend with the "
                 "model's VAD head on EmoBank dev; adds both to <model>/textemotion.safetensors");
  lex->add_option("--data", lo->data_dir, "shared data folder (default $EMOSYNC_SHARED_DATA or ../shared/data)");
  lex->add_option("--model", *lex_model, "folder with tokenizer.model and textemotion.safetensors")->capture_default_str();
  lex->add_option("--out", *lex_out, "write the weights file here instead of replacing the model's");
  lex->add_option("--report", *lex_report, "write the dev figures here");
  lex->add_option("--buckets", lo->buckets, "hash buckets")->capture_default_str();
  lex->add_option("--alpha-emobank", lo->alpha_emobank, "ridge penalty of the EmoBank regressor for V, A, D")
      ->capture_default_str();
  lex->add_option("--alpha-goemotions", lo->alpha_goemotions, "ridge penalty of the GoEmotions valence regressor")
      ->capture_default_str();
  lex->callback([=] {
    textemotion::LexicalOptions opt = *lo;
    opt.data_dir = textemotion::shared_data_dir(lo->data_dir);
    const std::string tk = *lex_model + "/tokenizer.model", wpath = *lex_model + "/textemotion.safetensors";
    const textemotion::Tagger tagger = textemotion::Tagger::load(tk, wpath);
    const textemotion::LexicalResult r = textemotion::train_lexical(tagger, opt);
    textemotion::WeightsFile w = textemotion::WeightsFile::load(wpath);
    r.lexical.to_weights(w);
    const std::string out = lex_out->empty() ? wpath : *lex_out;
    w.save(out);
    std::printf("%s%s: written\n", r.summary().c_str(), out.c_str());
    if (!lex_report->empty()) io::write_file_atomic(*lex_report, r.summary());
  });

  auto data = std::make_shared<std::string>();
  auto model_dir = std::make_shared<std::string>();
  auto svg = std::make_shared<std::string>();
  auto report = std::make_shared<std::string>();
  auto no_baseline = std::make_shared<bool>(false);
  CLI::App* eval = app.add_subcommand("eval", "Evaluate the model (Eigen runtime) and the n-gram baseline: GoEmotions dev macro-F1, EmoBank test r");
  eval->add_option("--data", *data, "shared data folder (default $EMOSYNC_SHARED_DATA or ../shared/data)");
  eval->add_option("--model", *model_dir, "folder with tokenizer.model and textemotion.safetensors (default: the embedded model)");
  eval->add_option("--svg", *svg, "write the model's confusion matrix picture here");
  eval->add_option("--report", *report, "write the text report here");
  eval->add_flag("--no-baseline", *no_baseline, "skip the baseline");
  eval->callback([=] {
    std::string d = textemotion::shared_data_dir(*data);
    const textemotion::Tagger* t = nullptr;
    std::unique_ptr<textemotion::Tagger> owned;
    if (model_dir->empty()) {
      t = &textemotion::Tagger::embedded();
    } else {
      owned = std::make_unique<textemotion::Tagger>(
          textemotion::Tagger::load(*model_dir + "/tokenizer.model", *model_dir + "/textemotion.safetensors"));
      t = owned.get();
    }
    auto m = textemotion::evaluate_model(*t, d);
    std::string text = m.text("MicroALBERT");
    if (!*no_baseline) {
      auto b = textemotion::evaluate_baseline(d);
      text += b.text("n-gram logistic regression baseline");
      char buf[120];
      std::snprintf(buf, sizeof buf, "macro-F1 model - baseline: %+.2f points\n", 100 * (m.dev.macro_f1 - b.dev.macro_f1));
      text += buf;
    }
    std::printf("%s", text.c_str());
    if (!report->empty()) io::write_file_atomic(*report, text);
    if (!svg->empty()) io::write_file_atomic(*svg, textemotion::confusion_svg(m.dev, "MicroALBERT, GoEmotions dev (16 classes)"));
  });
}

const bool registered = cli::register_command({"textemotion", "Train and evaluate the text-emotion model", setup});
}  // namespace
