#include "textemotion_train/trainer.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <random>

#include "io/atomic_file.h"
#include "io/error.h"
#include "io/json_file.h"
#include "io/progress.h"
#include "emotion/anchors.h"
#include "textemotion/input.h"
#include "textemotion/tokenizer.h"
#include "textemotion_train/corpus.h"
#include "textemotion_train/metrics.h"
#include "textemotion_train/torch_model.h"

namespace emosync::textemotion {
namespace {

struct Item {
  std::vector<int> ids;  // encoded sentence (no specials)
  int label = -1;        // GoEmotions class, or -1
  std::array<float, 3> vad{};
  bool has_vad = false;
  std::array<float, 3> anchor_vad{};  // GoEmotions rows: mean L5 anchor of their classes
};

struct Batch {
  torch::Tensor ids, valid, labels, vad, anchor_vad, is_emo, is_vad;
};

// Per-dimension mean and standard deviation of VAD targets.
std::pair<torch::Tensor, torch::Tensor> vad_stats(const std::vector<std::array<float, 3>>& v) {
  auto t = torch::empty({static_cast<std::int64_t>(v.size()), 3});
  for (std::size_t i = 0; i < v.size(); ++i)
    for (int d = 0; d < 3; ++d) t[static_cast<std::int64_t>(i)][d] = v[i][static_cast<std::size_t>(d)];
  return {t.mean(0), t.std(0).clamp_min(1e-3)};
}

// MSE in units of the targets' spread, so that every dimension and data set counts alike.
torch::Tensor standardised_mse(const torch::Tensor& pred, const torch::Tensor& target, const torch::Tensor& sd) {
  return ((pred - target) / sd).pow(2).mean();
}

Batch make_batch(const std::vector<std::vector<int>>& seqs, const std::vector<const Item*>& items) {
  std::size_t T = 1;
  for (auto& s : seqs) T = std::max(T, s.size());
  const auto B = static_cast<std::int64_t>(seqs.size());
  Batch b;
  b.ids = torch::zeros({B, static_cast<std::int64_t>(T)}, torch::kLong);
  b.valid = torch::zeros({B, static_cast<std::int64_t>(T)}, torch::kBool);
  b.labels = torch::zeros({B}, torch::kLong);
  b.vad = torch::zeros({B, 3});
  b.anchor_vad = torch::zeros({B, 3});
  b.is_emo = torch::zeros({B}, torch::kBool);
  b.is_vad = torch::zeros({B}, torch::kBool);
  auto ids = b.ids.accessor<std::int64_t, 2>();
  auto valid = b.valid.accessor<bool, 2>();
  for (std::int64_t i = 0; i < B; ++i) {
    const auto& s = seqs[static_cast<std::size_t>(i)];
    for (std::size_t t = 0; t < s.size(); ++t) {
      ids[i][static_cast<std::int64_t>(t)] = s[t];
      valid[i][static_cast<std::int64_t>(t)] = true;
    }
    const Item& it = *items[static_cast<std::size_t>(i)];
    if (it.label >= 0) {
      b.labels[i] = it.label;
      b.is_emo[i] = true;
      for (int k = 0; k < 3; ++k) b.anchor_vad[i][k] = it.anchor_vad[static_cast<std::size_t>(k)];
    }
    if (it.has_vad) {
      for (int k = 0; k < 3; ++k) b.vad[i][k] = it.vad[static_cast<std::size_t>(k)];
      b.is_vad[i] = true;
    }
  }
  return b;
}

// Predictions of a torch model (eval mode) for encoded inputs, batched by length.
void predict_all(MicroAlbert& m, const std::vector<std::vector<int>>& inputs, std::vector<int>* cls,
                 std::vector<std::array<float, 3>>* vad) {
  torch::NoGradGuard g;
  m->eval();
  std::vector<std::size_t> order(inputs.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return inputs[a].size() < inputs[b].size(); });
  if (cls) cls->assign(inputs.size(), 0);
  if (vad) vad->assign(inputs.size(), {});
  Item dummy;
  for (std::size_t s = 0; s < order.size(); s += 256) {
    std::vector<std::vector<int>> seqs;
    std::vector<const Item*> items;
    for (std::size_t k = s; k < std::min(order.size(), s + 256); ++k) {
      seqs.push_back(inputs[order[k]]);
      items.push_back(&dummy);
    }
    Batch b = make_batch(seqs, items);
    auto out = m->forward(b.ids, b.valid);
    auto am = out.logits.argmax(1);
    for (std::size_t k = 0; k < seqs.size(); ++k) {
      if (cls) (*cls)[order[s + k]] = static_cast<int>(am[static_cast<std::int64_t>(k)].item<std::int64_t>());
      if (vad)
        for (int d = 0; d < 3; ++d) (*vad)[order[s + k]][static_cast<std::size_t>(d)] = out.vad[static_cast<std::int64_t>(k)][d].item<float>();
    }
  }
  m->train();
}

// The MLM output: hidden → E (GELU, LayerNorm) → scores over the vocabulary through the
// token embedding's own matrix (ALBERT's factorised, tied output).
struct MlmHeadImpl : torch::nn::Module {
  MlmHeadImpl(int hidden, int embed, int vocab) {
    proj = register_module("proj", torch::nn::Linear(hidden, embed));
    ln = register_module("ln", torch::nn::LayerNorm(torch::nn::LayerNormOptions({embed}).eps(1e-5)));
    bias = register_parameter("bias", torch::zeros({vocab}));
  }
  torch::Tensor forward(const torch::Tensor& h, const torch::Tensor& embedding) {
    return torch::matmul(ln(torch::gelu(proj(h), "tanh")), embedding.t()) + bias;
  }
  torch::nn::Linear proj{nullptr};
  torch::nn::LayerNorm ln{nullptr};
  torch::Tensor bias;
};
TORCH_MODULE(MlmHead);

// BERT's masking: 15 % of the ordinary pieces (never specials or padding) become targets;
// of those 80 % are replaced by [MASK], 10 % by a random piece, 10 % stay.
// Returns the masked ids and the targets (-1 where nothing is predicted).
std::pair<torch::Tensor, torch::Tensor> mask_tokens(const torch::Tensor& ids, const torch::Tensor& valid, int pieces,
                                                    int mask_id, std::mt19937_64& rng) {
  torch::Tensor masked = ids.clone(), target = torch::full_like(ids, -1);
  auto in = ids.accessor<std::int64_t, 2>();
  auto ok = valid.accessor<bool, 2>();
  auto mo = masked.accessor<std::int64_t, 2>();
  auto tg = target.accessor<std::int64_t, 2>();
  std::uniform_real_distribution<double> uni(0, 1);
  for (std::int64_t b = 0; b < ids.size(0); ++b)
    for (std::int64_t t = 0; t < ids.size(1); ++t) {
      if (!ok[b][t] || in[b][t] >= pieces || uni(rng) >= 0.15) continue;
      tg[b][t] = in[b][t];
      const double r = uni(rng);
      if (r < 0.8)
        mo[b][t] = mask_id;
      else if (r < 0.9)
        mo[b][t] = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(pieces));
    }
  return {masked, target};
}

}  // namespace

void train_text_emotion(const TrainOptions& o) {
  torch::set_num_threads(o.threads);
  torch::manual_seed(static_cast<std::uint64_t>(o.seed));
  namespace fs = std::filesystem;
  fs::create_directories(o.out_dir);
  fs::create_directories(o.work_dir);
  const std::string go = o.data_dir + "/goemotions", eb = o.data_dir + "/emobank";
  auto go_train = load_goemotions(go, "train"), go_dev = load_goemotions(go, "dev");
  auto eb_train = load_emobank(eb, "train"), eb_dev = load_emobank(eb, "dev"), eb_test = load_emobank(eb, "test");
  std::fprintf(stderr, "data: GoEmotions train %zu dev %zu, EmoBank train %zu dev %zu test %zu\n", go_train.size(),
               go_dev.size(), eb_train.size(), eb_dev.size(), eb_test.size());

  const std::string tok_path = o.out_dir + "/tokenizer.model";
  if (!fs::exists(tok_path))
    throw Error(tok_path + " does not exist: train the tokenizer first with textemotion_tokenizer --out " + o.out_dir + "/tokenizer");
  Tokenizer tok = Tokenizer::load(tok_path);
  ModelConfig cfg = o.model;
  cfg.vocab = tok.size() + kSpecialTokens;

  std::vector<Item> emo, vadset;
  for (auto& e : go_train) emo.push_back({tok.encode(clean_text(e.text)), e.label, {}, false, anchor_target(e.classes)});
  for (auto& e : eb_train) vadset.push_back({tok.encode(clean_text(e.text)), -1, e.vad, true, {}});
  std::vector<std::array<float, 3>> eb_targets, go_targets;
  for (auto& it : vadset) eb_targets.push_back(it.vad);
  for (auto& it : emo) go_targets.push_back(it.anchor_vad);
  const auto eb_sd = vad_stats(eb_targets).second, go_sd = vad_stats(go_targets).second;
  std::vector<int> labels;
  for (auto& e : go_train) labels.push_back(e.label);
  auto cw = class_weights(labels);
  auto weight = torch::from_blob(cw.data(), {kClasses}, torch::kFloat).clone();

  MicroAlbert model(cfg, o.dropout);
  if (!o.init.empty()) {
    // Fine-tuning: start from a weights file of the same architecture (fresh optimiser
    // and schedule), e.g. the shipped model.
    WeightsFile w = WeightsFile::load(o.init);
    std::map<std::string, std::string> have, want;
    ModelConfig::from_metadata(w, o.init).to_metadata(have);
    cfg.to_metadata(want);
    for (auto& [k, v] : want)
      if (have[k] != v) throw Error(o.init + ": metadata '" + k + "' is " + have[k] + ", the requested model has " + v);
    MicroAlbert init = import_weights(w, o.init);
    torch::NoGradGuard g;
    auto src = init->named_parameters();
    for (auto& p : model->named_parameters()) p.value().copy_(src[p.key()]);
    std::fprintf(stderr, "initialised from %s\n", o.init.c_str());
  }
  std::size_t params = 0;
  for (auto& p : model->parameters()) params += static_cast<std::size_t>(p.numel());
  std::fprintf(stderr, "model: vocab %d E %d H %d heads %d ffn %d layers %d, %zu parameters (%.2f MB)\n", cfg.vocab,
               cfg.embed, cfg.hidden, cfg.heads, cfg.ffn, cfg.layers, params, params * 4 / 1e6);
  // The auxiliary anchor-VAD head reads the same pooled features; it is trained and
  // checkpointed but not exported (the runtime has no use for it).
  torch::nn::Linear anchor_head(2 * cfg.hidden, ModelConfig::kVad);
  MlmHead mlm_head(cfg.hidden, cfg.embed, cfg.vocab);
  const bool use_mlm = o.pretrain || o.mlm_weight > 0;
  auto trained = model->parameters();
  for (auto& p : anchor_head->parameters()) trained.push_back(p);
  if (use_mlm)
    for (auto& p : mlm_head->parameters()) trained.push_back(p);
  torch::optim::AdamW opt(trained, torch::optim::AdamWOptions(o.lr).weight_decay(0.01));

  const std::size_t steps_per_epoch = emo.size() / static_cast<std::size_t>(o.batch);
  std::int64_t step = 0, total_steps = static_cast<std::int64_t>(steps_per_epoch) * o.epochs;
  const std::string ck_model = o.work_dir + "/checkpoint_model.pt", ck_opt = o.work_dir + "/checkpoint_optim.pt",
                    ck_state = o.work_dir + "/checkpoint.json", ck_aux = o.work_dir + "/checkpoint_anchor_head.pt",
                    ck_mlm = o.work_dir + "/checkpoint_mlm_head.pt";
  bool schedule_fixed = false;
  if (o.resume && fs::exists(ck_state)) {
    io::Json st = io::load_json_file(ck_state);
    step = st.at("step").get<std::int64_t>();
    total_steps = st.at("total_steps").get<std::int64_t>();
    schedule_fixed = true;
    torch::load(model, ck_model);
    if (fs::exists(ck_aux)) torch::load(anchor_head, ck_aux);
    if (use_mlm && fs::exists(ck_mlm)) torch::load(mlm_head, ck_mlm);
    torch::load(opt, ck_opt);
    std::fprintf(stderr, "resumed from %s at step %lld of %lld\n", ck_state.c_str(), static_cast<long long>(step),
                 static_cast<long long>(total_steps));
  }
  auto save_checkpoint = [&] {
    torch::save(model, ck_model + ".tmp");
    fs::rename(ck_model + ".tmp", ck_model);
    torch::save(anchor_head, ck_aux + ".tmp");
    fs::rename(ck_aux + ".tmp", ck_aux);
    if (use_mlm) {
      torch::save(mlm_head, ck_mlm + ".tmp");
      fs::rename(ck_mlm + ".tmp", ck_mlm);
    }
    torch::save(opt, ck_opt + ".tmp");
    fs::rename(ck_opt + ".tmp", ck_opt);
    io::write_file_atomic(ck_state, io::Json{{"step", step}, {"total_steps", total_steps}}.dump() + "\n");
  };

  // Dev figures in the log (GoEmotions dev, EmoBank dev; never the test split).
  std::vector<std::vector<int>> dev_in, eb_dev_in;
  std::vector<int> gold;
  for (auto& e : go_dev) {
    dev_in.push_back(encode_input(tok, e.text, {}, cfg.max_len));
    gold.push_back(e.label);
  }
  for (auto& e : eb_dev) eb_dev_in.push_back(encode_input(tok, e.text, {}, cfg.max_len));
  auto vad_r = [&](const std::vector<VadExample>& gold_vad, const std::vector<std::array<float, 3>>& pred) {
    std::array<double, 3> r{};
    for (std::size_t d = 0; d < 3; ++d) {
      std::vector<float> a, b;
      for (std::size_t i = 0; i < gold_vad.size(); ++i) {
        a.push_back(gold_vad[i].vad[d]);
        b.push_back(pred[i][d]);
      }
      r[d] = pearson(a, b);
    }
    return r;
  };
  auto dev_eval = [&](std::int64_t at) {
    std::vector<int> pred;
    std::vector<std::array<float, 3>> vad;
    predict_all(model, dev_in, &pred, nullptr);
    predict_all(model, eb_dev_in, nullptr, &vad);
    auto r = vad_r(eb_dev, vad);
    std::fprintf(stderr, "step %lld dev: GoEmotions macro-F1 %.4f, EmoBank dev r V %.4f A %.4f D %.4f\n",
                 static_cast<long long>(at), evaluate_classes(gold, pred).macro_f1, r[0], r[1], r[2]);
  };

  std::mt19937_64 rng(o.seed * 7919 + static_cast<std::uint64_t>(step));
  std::uniform_real_distribution<double> uni(0, 1);
  auto t0 = std::chrono::steady_clock::now();
  auto last_ck = t0;
  auto elapsed_min = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / 60; };
  const std::int64_t warmup = 300;
  const int vbatch = o.vad_batch > 0 ? o.vad_batch : std::max(1, o.batch / 2);
  std::int64_t start_step = step;
  io::Progress progress("train text emotion", static_cast<std::size_t>(total_steps), "steps");
  progress.advance(static_cast<std::size_t>(step));
  double loss_avg = 0;
  while (step < total_steps) {
    // One pass over GoEmotions in length buckets (shuffled, sorted within chunks).
    std::vector<std::size_t> order(emo.size());
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    const std::size_t chunk = static_cast<std::size_t>(o.batch) * 50;
    for (std::size_t s = 0; s < order.size(); s += chunk) {
      auto e = order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), s + chunk));
      std::sort(order.begin() + static_cast<std::ptrdiff_t>(s), e,
                [&](auto a, auto b) { return emo[a].ids.size() < emo[b].ids.size(); });
    }
    std::vector<std::size_t> batches;
    for (std::size_t s = 0; s + static_cast<std::size_t>(o.batch) <= order.size(); s += static_cast<std::size_t>(o.batch)) batches.push_back(s);
    std::shuffle(batches.begin(), batches.end(), rng);
    for (std::size_t bs : batches) {
      if (step >= total_steps) break;
      std::vector<std::vector<int>> seqs;
      std::vector<const Item*> items;
      for (std::size_t k = bs; k < bs + static_cast<std::size_t>(o.batch); ++k) {
        const Item& it = emo[order[k]];
        std::vector<std::pair<bool, std::vector<int>>> ctx;
        if (uni(rng) < o.context_share) {
          int n = uni(rng) < 0.5 ? 1 : 2;
          for (int c = 0; c < n; ++c) ctx.emplace_back(uni(rng) < 0.5, emo[rng() % emo.size()].ids);
        }
        seqs.push_back(assemble_input(tok, it.ids, ctx, cfg.max_len));
        items.push_back(&it);
      }
      for (int k = 0; k < vbatch; ++k) {
        const Item& it = vadset[rng() % vadset.size()];
        seqs.push_back(assemble_input(tok, it.ids, {}, cfg.max_len));
        items.push_back(&it);
      }
      Batch b = make_batch(seqs, items);
      double lr = o.lr * std::min(1.0, static_cast<double>(step + 1) / warmup) *
                  std::max(0.02, 1.0 - static_cast<double>(step) / static_cast<double>(total_steps));
      for (auto& g : opt.param_groups()) static_cast<torch::optim::AdamWOptions&>(g.options()).lr(lr);
      torch::Tensor loss = torch::zeros({});
      if (!o.pretrain) {
        auto out = model->forward(b.ids, b.valid);
        auto emo_idx = b.is_emo.nonzero().squeeze(1), vad_idx = b.is_vad.nonzero().squeeze(1);
        auto ce = torch::nn::functional::cross_entropy(out.logits.index_select(0, emo_idx), b.labels.index_select(0, emo_idx),
                                                       torch::nn::functional::CrossEntropyFuncOptions().weight(weight));
        auto mse = standardised_mse(out.vad.index_select(0, vad_idx), b.vad.index_select(0, vad_idx), eb_sd);
        loss = ce + o.vad_weight * mse;
        if (o.anchor_vad_weight > 0) {
          auto aux = torch::tanh(anchor_head(out.pooled.index_select(0, emo_idx)));
          loss = loss + o.anchor_vad_weight * standardised_mse(aux, b.anchor_vad.index_select(0, emo_idx), go_sd);
        }
      }
      if (use_mlm) {
        auto [masked, target] = mask_tokens(b.ids, b.valid, tok.size(), special_id(tok, kMask), rng);
        auto at = (target.view(-1) >= 0).nonzero().squeeze(1);
        if (at.numel() > 0) {
          auto h = model->encode(masked, b.valid).view({-1, cfg.hidden}).index_select(0, at);
          auto mlm = torch::nn::functional::cross_entropy(mlm_head(h, model->tok_emb->weight), target.view(-1).index_select(0, at));
          loss = loss + (o.pretrain ? 1.0 : o.mlm_weight) * mlm;
        }
      }
      opt.zero_grad();
      loss.backward();
      torch::nn::utils::clip_grad_norm_(trained, 1.0);
      opt.step();
      ++step;
      loss_avg = step == start_step + 1 ? loss.item<double>() : 0.98 * loss_avg + 0.02 * loss.item<double>();
      if (step % 200 == 0) std::fprintf(stderr, "step %lld loss %.4f lr %.2e\n", static_cast<long long>(step), loss_avg, lr);
      progress.advance();
      if (!o.pretrain && o.eval_every > 0 && step % o.eval_every == 0) dev_eval(step);
      // Fit the schedule to the time budget once the speed is known.
      if (!schedule_fixed && step - start_step == 60) {
        double per_step = elapsed_min() / 60.0;
        auto fit = static_cast<std::int64_t>(o.minutes / per_step);
        total_steps = std::max<std::int64_t>(step + 1, std::min(total_steps, fit));
        schedule_fixed = true;
        std::fprintf(stderr, "%.3f s/step: planning %lld steps (%.2f epochs) in %.1f min\n", per_step * 60,
                     static_cast<long long>(total_steps), static_cast<double>(total_steps) / steps_per_epoch, o.minutes);
      }
      if (std::chrono::steady_clock::now() - last_ck > std::chrono::minutes(3)) {
        save_checkpoint();
        last_ck = std::chrono::steady_clock::now();
      }
    }
  }
  save_checkpoint();
  if (o.pretrain) {
    // Only the encoder has learnt anything; the heads are for the fine-tuning run (--init).
    export_weights(model, {{"tokenizer", "tokenizer.model"}, {"pretrain_steps", std::to_string(step)}})
        .save(o.out_dir + "/pretrained.safetensors");
    std::fprintf(stderr, "wrote %s/pretrained.safetensors (MLM loss %.4f)\n", o.out_dir.c_str(), loss_avg);
    return;
  }

  // Final figures with the torch model (the CLI's eval command repeats them with Eigen).
  dev_eval(step);
  std::vector<std::vector<int>> eb_in;
  for (auto& e : eb_test) eb_in.push_back(encode_input(tok, e.text, {}, cfg.max_len));
  std::vector<int> pred;
  std::vector<std::array<float, 3>> vad;
  predict_all(model, dev_in, &pred, nullptr);
  predict_all(model, eb_in, nullptr, &vad);
  auto rep = evaluate_classes(gold, pred);
  std::fprintf(stderr, "%s", format_report(rep, "GoEmotions dev (torch)").c_str());
  auto test_r = vad_r(eb_test, vad);
  for (std::size_t d = 0; d < 3; ++d) std::fprintf(stderr, "EmoBank test r(%c) = %.4f\n", "VAD"[d], test_r[d]);
  char f1[32];
  std::snprintf(f1, sizeof f1, "%.4f", rep.macro_f1);
  WeightsFile w = export_weights(model, {{"emotions", "neutral,joy,amusement,excitement,gratitude,affection,surprise,curiosity,confusion,sadness,sulk,apology,fear,anger,disgust,embarrassment"},
                                         {"tokenizer", "tokenizer.model"},
                                         {"train_steps", std::to_string(step)},
                                         {"goemotions_dev_macro_f1", f1}});
  w.save(o.out_dir + "/textemotion.safetensors");
  std::fprintf(stderr, "wrote %s/textemotion.safetensors\n", o.out_dir.c_str());
}

}  // namespace emosync::textemotion
