#include "train/trainer.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include "arkit/channel_split.h"
#include "arkit/lip_seal.h"
#include "emotion/anchors.h"
#include "emotion/conditioning.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "io/progress.h"
#include "tables/tables.h"
#include "validate/lip_measures.h"  // kJitterHz only (header; no link)
#include "train/dataset.h"
#include "train/network.h"
#include "viseme/phone_class.h"

namespace emosync::train {

namespace fs = std::filesystem;

DistributedEnv DistributedEnv::from_env() {
  DistributedEnv e;
  auto num = [](const char* name, int lo, int hi, int fallback) {
    const char* v = std::getenv(name);
    if (!v || !*v) return fallback;
    char* end = nullptr;
    long x = std::strtol(v, &end, 10);
    if (*end || x < lo || x > hi)
      throw Error(std::string("environment variable ") + name + "='" + v + "' is not an integer in " +
                  std::to_string(lo) + ".." + std::to_string(hi));
    return static_cast<int>(x);
  };
  e.world = num("WORLD_SIZE", 1, 4096, 1);
  e.rank = num("RANK", 0, e.world - 1, 0);
  e.port = num("MASTER_PORT", 1, 65535, 29500);
  if (const char* a = std::getenv("MASTER_ADDR"); a && *a) e.addr = a;
  if (const char* f = std::getenv("EMOSYNC_FILE_STORE"); f && *f) e.file_store = f;
  return e;
}

std::string checkpoint_path(const TrainConfig& cfg) { return cfg.out_dir + "/checkpoint.pt"; }
std::string metrics_path(const TrainConfig& cfg) { return cfg.out_dir + "/metrics.jsonl"; }

namespace {

using Clock = std::chrono::steady_clock;

struct Checkpoint {
  io::Json state;  // epoch, stage, architecture, config, rng, metrics
};

void save_checkpoint(const std::string& path, FilmNet& net, torch::optim::Optimizer& opt, const io::Json& state) {
  torch::serialize::OutputArchive ar, model_ar, opt_ar;
  net->save(model_ar);
  opt.save(opt_ar);
  ar.write("model", model_ar);
  ar.write("optimizer", opt_ar);
  ar.write("state", c10::IValue(state.dump()));
  io::AtomicWriter w(path);
  ar.save_to(w.stream());
  w.commit();
}

io::Json read_checkpoint_state(torch::serialize::InputArchive& ar, const std::string& path) {
  c10::IValue v;
  if (!ar.try_read("state", v) || !v.isString()) throw Error(path + ": not an emosync checkpoint (no state)");
  return io::parse_json(v.toStringRef(), path + " (state)");
}

torch::serialize::InputArchive open_checkpoint(const std::string& path) {
  if (!fs::is_regular_file(path)) throw Error(path + ": checkpoint not found");
  torch::serialize::InputArchive ar;
  try {
    ar.load_from(path);
  } catch (const std::exception& e) {
    throw Error(path + ": cannot read checkpoint: " + e.what());
  }
  return ar;
}

// Gradients averaged over the ranks in one flat all-reduce.
void allreduce_gradients(c10d::ProcessGroup& pg, const std::vector<torch::Tensor>& params, int world) {
  std::vector<torch::Tensor> grads;
  for (const auto& p : params) grads.push_back(p.grad().view(-1));
  std::vector<torch::Tensor> flat = {torch::cat(grads)};
  pg.allreduce(flat)->wait();
  flat[0].div_(world);
  int64_t off = 0;
  for (const auto& p : params) {
    const int64_t n = p.numel();
    p.grad().view(-1).copy_(flat[0].slice(0, off, off + n));
    off += n;
  }
}

void allreduce_sum(c10d::ProcessGroup* pg, std::vector<double>& v) {
  if (!pg) return;
  std::vector<torch::Tensor> t = {torch::tensor(v, torch::kDouble)};
  pg->allreduce(t)->wait();
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = t[0][static_cast<int64_t>(i)].item<double>();
}

torch::Tensor stack_rows(const std::vector<const std::vector<float>*>& rows, std::vector<int64_t> shape) {
  std::vector<float> all;
  for (const auto* r : rows) all.insert(all.end(), r->begin(), r->end());
  shape.insert(shape.begin(), static_cast<int64_t>(rows.size()));
  return torch::from_blob(all.data(), shape, torch::kFloat).clone();
}

std::vector<AnchorPair> anchor_pairs_for(const TrainConfig& cfg) {
  io::Json j;
  if (fs::is_regular_file(cfg.presets)) {
    j = io::load_json_file(cfg.presets);
  } else {
    try {
      j = tables::read_json(cfg.presets);
    } catch (const Error&) {
      std::fprintf(stderr, "train: no presets at %s: anchor-snap loss is off\n", cfg.presets.c_str());
      return {};
    }
  }
  std::vector<AnchorPair> all = parse_anchor_pairs(j, cfg.presets), out;
  for (const auto& a : all) {
    if (cfg.arch.cond_input == model::ConditioningInput::Full19) {
      out.push_back(a);
      continue;
    }
    for (auto c : emotion::kBaseClasses)  // the base model sees only its five classes
      if (a.cond[c] > 0.5f) out.push_back(a);
  }
  return out;
}

// A run of consecutive frames whose targets have the lips shut: [begin, end) of one item.
struct SealRun {
  int64_t item, begin, end;
};

std::vector<SealRun> seal_runs(const std::vector<const std::vector<float>*>& targets,
                               const std::vector<const std::vector<float>*>& masks, std::size_t T) {
  static const std::size_t close = arkit::index_of("mouthClose"), jaw = arkit::index_of("jawOpen");
  std::vector<SealRun> runs;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const std::vector<float>& y = *targets[i];
    const std::vector<float>& m = *masks[i];
    std::size_t f = 0;
    while (f < T) {
      auto sealed = [&](std::size_t k) { return m[k] > 0 && arkit::lips_sealed(y[k * 52 + close], y[k * 52 + jaw]); };
      if (!sealed(f)) {
        ++f;
        continue;
      }
      std::size_t e = f;
      while (e < T && sealed(e)) ++e;
      runs.push_back({static_cast<int64_t>(i), static_cast<int64_t>(f), static_cast<int64_t>(e)});
      f = e;
    }
  }
  return runs;
}

// Per seal run, the output frame closest to shut (largest mouthClose − jawOpen) and its two
// neighbours against the target on those two channels; mean over the frames. The frame is
// chosen without gradient. The neighbours carry the approach and the release (the targets
// ramp into a seal at the data set's top speed), so the seal is a gesture, not a one-frame
// spike.
torch::Tensor closure_loss(const torch::Tensor& out, const torch::Tensor& target, const std::vector<SealRun>& runs) {
  if (runs.empty()) return torch::zeros({});
  static const int64_t close = static_cast<int64_t>(arkit::index_of("mouthClose")),
                       jaw = static_cast<int64_t>(arkit::index_of("jawOpen"));
  const torch::Tensor o = out.detach().contiguous();
  auto acc = o.accessor<float, 3>();
  std::vector<int64_t> items, frames;
  for (const SealRun& r : runs) {
    int64_t best = r.begin;
    for (int64_t f = r.begin + 1; f < r.end; ++f)
      if (acc[r.item][f][close] - acc[r.item][f][jaw] > acc[r.item][best][close] - acc[r.item][best][jaw]) best = f;
    for (int64_t f = std::max<int64_t>(0, best - 1); f <= std::min<int64_t>(out.size(1) - 1, best + 1); ++f) {
      items.push_back(r.item);
      frames.push_back(f);
    }
  }
  const torch::Tensor bi = torch::tensor(items), fi = torch::tensor(frames), cols = torch::tensor({close, jaw});
  const torch::Tensor got = out.index({bi, fi}).index_select(1, cols), want = target.index({bi, fi}).index_select(1, cols);
  return (got - want).pow(2).sum() / static_cast<double>(frames.size() * 2);
}

// loss.gap_high: the mean square per frame of the lip gap's error above 8 Hz. The error of
// jawOpen - mouthClose (the gap of arkit/lip_seal.h before its clamp at 0) over the frames
// that count, its mean over them removed, Hann-tapered (a window's edges are not a jump),
// through the real FFT; the bins above 8 Hz at 30 fps, scaled by Parseval back to a
// per-frame mean square. Unclamped because with the clamp the gradient dies wherever the
// output shuts the lips, and the cheapest way to calm the gap is then to keep it shut
// (tried on the shipped recipe: open vowels 0.932 -> 0.858, jitter 0.058 -> 0.178).
torch::Tensor gap_high_loss(const torch::Tensor& out, const torch::Tensor& target, const torch::Tensor& mask) {
  static const int64_t close = static_cast<int64_t>(arkit::index_of("mouthClose")),
                       jaw = static_cast<int64_t>(arkit::index_of("jawOpen"));
  constexpr double kFps = 30.0, kAboveHz = validate::kJitterHz;
  const int64_t B = out.size(0), T = out.size(1);
  auto gap = [&](const torch::Tensor& y) { return y.select(2, jaw) - y.select(2, close); };
  const torch::Tensor m = mask.squeeze(2);  // [B, T]
  torch::Tensor e = (gap(out) - gap(target)) * m;
  e = e - e.sum(1, true) / m.sum(1, true).clamp_min(1) * m;
  const torch::Tensor hann = torch::hann_window(T, torch::TensorOptions().dtype(torch::kFloat));
  const torch::Tensor spec = torch::view_as_real(torch::fft::rfft(e * hann.view({1, T})));  // [B, T/2+1, 2]
  std::vector<float> band(static_cast<std::size_t>(T / 2 + 1), 0.0f);
  for (int64_t k = 0; k <= T / 2; ++k)
    if (static_cast<double>(k) * kFps / static_cast<double>(T) > kAboveHz)
      band[static_cast<std::size_t>(k)] = (2 * k == T) ? 1.0f : 2.0f;  // one-sided: the mirror bins count too
  const torch::Tensor power = (spec.pow(2).sum(2) * torch::tensor(band).view({1, -1})).sum();
  // Over 52 like the supervised, velocity and acceleration terms, so a weight means the same
  // in each: gap_high 1 weighs the gap's fast error like one channel's squared error.
  return power / (static_cast<double>(B) * static_cast<double>(T) * static_cast<double>(T) * 52) / hann.pow(2).mean();
}

}  // namespace

FilmNet load_checkpoint_network(const std::string& path, std::string* stage) {
  auto ar = open_checkpoint(path);
  io::Json state = read_checkpoint_state(ar, path);
  model::Architecture arch = model::Architecture::from_json(state.at("architecture"), path);
  // A run with loss.phone saved its phone head too (its config says so; older ones have none).
  const io::Json loss = state.contains("config") ? state["config"].value("loss", io::Json::object()) : io::Json::object();
  const bool phone_head = loss.is_object() && loss.value("phone", 0.0) > 0;
  FilmNet net(arch, phone_head ? static_cast<int>(viseme::kPhoneClassCount) : 0);
  torch::serialize::InputArchive model_ar;
  ar.read("model", model_ar);
  net->load(model_ar);
  if (stage) *stage = state.value("stage", "");
  return net;
}

void export_checkpoint(const std::string& checkpoint, const std::string& out) {
  std::string stage;
  FilmNet net = load_checkpoint_network(checkpoint, &stage);
  model::write_model(out, to_model_file(net, stage, emotion::Anchors::standard().version()));
}

TrainSummary run_training(const TrainConfig& cfg_in, const DistributedEnv& env) {
  TrainConfig cfg = cfg_in;
  const auto t_start = Clock::now();
  torch::set_num_threads(cfg.threads);
  torch::manual_seed(cfg.seed);
  const bool lead = env.rank == 0;
  if (cfg.batch_size % env.world || cfg.loss.anchor_batch % env.world)
    throw Error(cfg.file + ": batch_size and loss.anchor_batch must be multiples of WORLD_SIZE (" +
                std::to_string(env.world) + ")");

  // The V3 stage takes its backbone (and so its architecture) from the base checkpoint.
  FilmNet base{nullptr};
  std::string init_stage;
  if (cfg.stage == Stage::V3) {
    base = load_checkpoint_network(cfg.init_from, &init_stage);
    cfg.arch = base->arch().as_v3();
  }
  FilmNet net(cfg.arch, cfg.loss.phone > 0 ? static_cast<int>(viseme::kPhoneClassCount) : 0);
  if (base && base->has_phone_head() && net->has_phone_head()) {
    // The phone head goes on with the backbone it learnt on (the model file never holds it).
    torch::NoGradGuard guard;
    for (const auto& p : base->named_parameters())
      if (is_training_only_parameter(p.key())) net->named_parameters()[p.key()].copy_(p.value());
  }
  if (base && init_stage == "v3") {
    load_weights(net, to_model_file(base, "v3", "").weights);
    if (lead) std::printf("v3 fine-tuning from %s (every weight)\n", cfg.init_from.c_str());
  } else if (base) {
    model::ModelFile b = to_model_file(base, "base", "");
    load_weights(net, b.weights, /*skip_conditioning=*/true);
    const long nb = static_cast<long>(base->arch().parameter_count()), nv = static_cast<long>(cfg.arch.parameter_count());
    if (lead)
      std::printf("v3 from base %s: conditioning Linear(5,%d) -> MLP(19,%d,%d); parameters %ld -> %ld (delta %+ld)\n",
                  cfg.init_from.c_str(), cfg.arch.embed_dim, cfg.arch.embed_dim, cfg.arch.embed_dim, nb, nv, nv - nb);
  }

  Dataset data = Dataset::load(cfg.data, cfg.arch.n_mels);
  const bool feature_norm = cfg.arch.feature_norm == model::FeatureNorm::Running;
  // A fresh run takes its feature prior from its data (a V3 stage has its base's, a resumed
  // run its checkpoint's, loaded below, so a resume is bit-exact whatever the data).
  if (feature_norm && !base) net->set_feature_prior(data.speech_mean(cfg.arch.n_mels));
  const Curriculum curriculum = Curriculum::load(cfg.curriculum);
  const std::vector<AnchorPair> anchors = cfg.loss.anchor > 0 ? anchor_pairs_for(cfg) : std::vector<AnchorPair>{};
  const bool consistency = cfg.arch.cond_input == model::ConditioningInput::Full19 && cfg.loss.consistency > 0;

  std::vector<float> w(52);
  std::vector<float> expression_mask(52, 0.0f);
  const auto& split = arkit::ChannelSplit::standard();
  for (std::size_t c = 0; c < 52; ++c) {
    auto t = split.type_of(c);
    w[c] = t == arkit::ChannelType::Lipsync ? cfg.loss.lipsync
           : t == arkit::ChannelType::Expression ? cfg.loss.expression
                                                   : cfg.loss.shared;
    if (t == arkit::ChannelType::Expression) expression_mask[c] = 1.0f;
  }
  for (const auto& [name, weight] : cfg.loss.channel_weights) w[*arkit::find(name)] *= weight;
  const torch::Tensor channel_w = torch::tensor(w).view({1, 1, 52});
  const torch::Tensor expr = torch::tensor(expression_mask).view({1, 1, 52});
  torch::Tensor type_mask[3];
  for (int t = 0; t < 3; ++t) {
    std::vector<float> m(52, 0.0f);
    for (auto c : split.channels(static_cast<arkit::ChannelType>(t))) m[c] = 1.0f;
    type_mask[t] = torch::tensor(m).view({1, 1, 52});
  }

  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(net->backbone_parameters());
  groups.emplace_back(net->conditioning_parameters());
  torch::optim::Adam opt(groups, torch::optim::AdamOptions(cfg.lr));
  const std::vector<torch::Tensor> params = net->parameters();

  std::mt19937_64 rng(cfg.seed);
  int start_epoch = 0;
  long steps_done = 0;
  io::Json metrics = io::Json::array();
  const std::string ckpt = checkpoint_path(cfg);
  if (fs::exists(ckpt)) {
    auto ar = open_checkpoint(ckpt);
    io::Json state = read_checkpoint_state(ar, ckpt);
    if (state.at("architecture") != cfg.arch.to_json())
      throw Error(ckpt + ": architecture differs from " + cfg.file + " (use another out_dir)");
    torch::serialize::InputArchive model_ar, opt_ar;
    ar.read("model", model_ar);
    net->load(model_ar);
    ar.read("optimizer", opt_ar);
    opt.load(opt_ar);
    start_epoch = state.at("epoch").get<int>();
    steps_done = state.at("steps").get<long>();
    std::istringstream(state.at("rng").get<std::string>()) >> rng;
    metrics = state.at("metrics");
    if (lead) std::printf("resumed from %s at epoch %d\n", ckpt.c_str(), start_epoch);
  }
  if (feature_norm) {
    // Normalised once, here, before any window is cut. The gain and spectral augmentations then
    // act on normalised windows, whereas a louder microphone acts before the normaliser. For
    // gain and tilt (a constant per band) that is what the runtime sees while its mean is still
    // catching up with a new channel (from the prior, over ~3 norm_tau_s), so they train exactly
    // the robustness that transient needs; warp and band masks commute with the mean up to
    // interpolation. Noise is the exception: its level is set against the window's normalised,
    // not its true, power, so it stays a generic "some noise" augmentation.
    const torch::Tensor p = net->feature_prior().contiguous();
    data.normalise_features(std::vector<float>(p.data_ptr<float>(), p.data_ptr<float>() + p.numel()), cfg.arch.norm_tau_s);
    if (lead) std::printf("features: running per-band normalisation, tau %.2f s\n", cfg.arch.norm_tau_s);
  }
  if (lead) fs::create_directories(cfg.out_dir);

  c10::intrusive_ptr<c10d::ProcessGroupGloo> pg;
  if (env.world > 1) {
    c10::intrusive_ptr<c10d::Store> store;
    if (!env.file_store.empty()) {
      store = c10::make_intrusive<c10d::FileStore>(env.file_store, env.world);
    } else {
      c10d::TCPStoreOptions o;
      o.port = static_cast<std::uint16_t>(env.port);
      o.isServer = env.rank == 0;
      o.numWorkers = env.world;
      store = c10::make_intrusive<c10d::TCPStore>(env.addr, o);
    }
    auto options = c10d::ProcessGroupGloo::Options::create();
    options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(env.addr));
    pg = c10::make_intrusive<c10d::ProcessGroupGloo>(store, env.rank, env.world, options);
    // Rank 0's weights everywhere (they agree already when seeds agree; this makes it so).
    torch::NoGradGuard guard;
    for (const auto& p : params) {
      std::vector<torch::Tensor> t = {p.data()};
      pg->broadcast(t)->wait();
    }
  }

  // Frames of input past an output frame's position that the window must hold.
  const int la = cfg.arch.lookahead_frames() + cfg.arch.resample_lookahead_frames();
  const std::size_t n_items = cfg.items_per_epoch > 0 ? static_cast<std::size_t>(cfg.items_per_epoch) : data.items().size();
  const std::size_t B = static_cast<std::size_t>(cfg.batch_size), steps = std::max<std::size_t>(1, n_items / B);
  const std::size_t local_b = B / static_cast<std::size_t>(env.world), b0 = env.rank * local_b;
  const std::size_t A = anchors.empty() ? 0 : static_cast<std::size_t>(cfg.loss.anchor_batch);
  const std::size_t local_a = A / static_cast<std::size_t>(env.world), a0 = env.rank * local_a;
  const std::size_t T = static_cast<std::size_t>(cfg.window_frames);
  std::unique_ptr<io::Progress> progress;
  if (lead)
    progress = std::make_unique<io::Progress>("train", steps * static_cast<std::size_t>(cfg.epochs - start_epoch), "steps");

  int epoch = start_epoch;
  for (epoch = start_epoch + 1; epoch <= cfg.epochs; ++epoch) {
    const auto t_epoch = Clock::now();
    const float real_fraction = curriculum.real_fraction(epoch);
    const bool early = epoch <= cfg.backbone.epochs;
    const float lr_backbone = early ? (cfg.backbone.freeze ? 0.0f : cfg.lr * cfg.backbone.lr_scale) : cfg.lr;
    const std::vector<std::size_t> order = data.epoch_items(steps * B, real_fraction, rng);
    // sums: total, supervised, velocity, anchor, consistency, mae x3, mask frames, steps, closure,
    // phone loss x labelled frames, labelled frames, frames classified right, gap high band
    std::vector<double> sums(15, 0.0);
    for (std::size_t s = 0; s < steps; ++s) {
      // Per step from the global step index, so a resumed run follows the same schedule.
      const float decay = cfg.lr_factor(static_cast<std::size_t>(epoch - 1) * steps + s,
                                        static_cast<std::size_t>(cfg.epochs) * steps);
      static_cast<torch::optim::AdamOptions&>(opt.param_groups()[0].options()).lr(lr_backbone * decay);
      static_cast<torch::optim::AdamOptions&>(opt.param_groups()[1].options()).lr(cfg.lr * decay);
      // Every rank draws the whole global batch so the random streams stay in step.
      std::vector<Window> windows;
      for (std::size_t i = 0; i < B; ++i)
        windows.push_back(make_window(data.items()[order[s * B + i]], T, la, cfg.arch.n_mels, rng));
      if (cfg.gain_db > 0)
        for (auto& w : windows) apply_gain(w, std::uniform_real_distribution<float>(-cfg.gain_db, cfg.gain_db)(rng));
      if (cfg.augment.any())
        for (auto& w : windows) apply_spectral_augment(w, cfg.arch.n_mels, cfg.augment, rng);
      std::vector<std::size_t> anchor_ids(A);
      for (auto& a : anchor_ids) a = std::uniform_int_distribution<std::size_t>(0, anchors.size() - 1)(rng);
      std::vector<float> jitter(B * 3);
      for (float& j : jitter) j = std::uniform_real_distribution<float>(-cfg.loss.jitter, cfg.loss.jitter)(rng);
      std::vector<std::size_t> other_emotion(cfg.loss.lip_invariance > 0 && !anchors.empty() ? B : 0);
      for (auto& a : other_emotion) a = std::uniform_int_distribution<std::size_t>(0, anchors.size() - 1)(rng);

      std::vector<const std::vector<float>*> f, c, y, m, ph;
      for (std::size_t i = b0; i < b0 + local_b; ++i) {
        ph.push_back(&windows[i].phones);
        f.push_back(&windows[i].features);
        c.push_back(&windows[i].cond);
        y.push_back(&windows[i].targets);
        m.push_back(&windows[i].mask);
      }
      const int64_t lf = static_cast<int64_t>(window_feature_frames(T, la)), t = static_cast<int64_t>(T);
      torch::Tensor feats = stack_rows(f, {lf, cfg.arch.n_mels}), cond = stack_rows(c, {t, 19}),
                    target = stack_rows(y, {t, 52}), mask = stack_rows(m, {t}).unsqueeze(2);

      opt.zero_grad();
      torch::Tensor phone_logits;
      torch::Tensor out = net->forward(feats, cond, cfg.loss.phone > 0 ? &phone_logits : nullptr);
      const torch::Tensor frames = mask.sum().clamp_min(1);
      torch::Tensor sup = (mask * channel_w * (out - target).pow(2)).sum() / (frames * 52);
      torch::Tensor dmask = mask.slice(1, 1) * mask.slice(1, 0, t - 1);
      torch::Tensor dv = (out.slice(1, 1) - out.slice(1, 0, t - 1)) - (target.slice(1, 1) - target.slice(1, 0, t - 1));
      torch::Tensor vel = (dmask * channel_w * dv.pow(2)).sum() / (dmask.sum().clamp_min(1) * 52);
      torch::Tensor loss = sup + cfg.loss.velocity * vel;
      if (cfg.loss.acceleration > 0 && t > 2) {
        const torch::Tensor e = out - target;
        const torch::Tensor d2 = e.slice(1, 2) - 2 * e.slice(1, 1, t - 1) + e.slice(1, 0, t - 2);
        const torch::Tensor amask = mask.slice(1, 2) * mask.slice(1, 1, t - 1) * mask.slice(1, 0, t - 2);
        loss = loss + cfg.loss.acceleration * (amask * channel_w * d2.pow(2)).sum() / (amask.sum().clamp_min(1) * 52);
      }
      torch::Tensor gap_high_l = torch::zeros({});
      if (cfg.loss.gap_high > 0) {
        gap_high_l = gap_high_loss(out, target, mask);
        loss = loss + cfg.loss.gap_high * gap_high_l;
      }
      torch::Tensor anchor_l = torch::zeros({}), cons_l = torch::zeros({}), closure_l = torch::zeros({}),
                    phone_l = torch::zeros({});
      double phone_frames = 0, phone_right = 0;
      if (phone_logits.defined()) {
        // Mean cross-entropy over the labelled frames (-1: none, past the end, or an item
        // without phones.npy). A batch without labels still gives the head a zero gradient,
        // so every rank all-reduces the same parameters.
        const torch::Tensor labels = stack_rows(ph, {t}).to(torch::kLong).reshape({-1});
        const torch::Tensor logits = phone_logits.reshape({labels.size(0), -1});
        phone_frames = (labels >= 0).sum().item<double>();
        phone_l = torch::nn::functional::cross_entropy(
                      logits, labels,
                      torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-1).reduction(torch::kSum)) /
                  std::max(1.0, phone_frames);
        loss = loss + cfg.loss.phone * phone_l;
        torch::NoGradGuard g;
        phone_right = (logits.argmax(1) == labels).sum().item<double>();  // -1 never equals an argmax
      }
      const std::vector<SealRun> runs = cfg.loss.closure > 0 ? seal_runs(y, m, T) : std::vector<SealRun>{};
      if (!runs.empty()) {
        closure_l = closure_loss(out, target, runs);
        loss = loss + cfg.loss.closure * closure_l;
      }
      if (local_a > 0) {
        std::vector<float> ac(local_a * T * 19), ap(local_a * 52);
        std::vector<int64_t> src(local_a);
        for (std::size_t i = 0; i < local_a; ++i) {
          const AnchorPair& p = anchors[anchor_ids[a0 + i]];
          for (std::size_t k = 0; k < T; ++k) std::copy(p.cond.begin(), p.cond.end(), &ac[(i * T + k) * 19]);
          std::copy(p.preset.begin(), p.preset.end(), &ap[i * 52]);
          // Varied audio from this batch: anchor g takes global item g·B/A, which is on this rank.
          src[i] = static_cast<int64_t>((a0 + i) * B / A - b0);
        }
        torch::Tensor acond = torch::from_blob(ac.data(), {static_cast<int64_t>(local_a), t, 19}).clone();
        torch::Tensor apre = torch::from_blob(ap.data(), {static_cast<int64_t>(local_a), 1, 52}).clone();
        torch::Tensor aout = net->forward(feats.index_select(0, torch::tensor(src)), acond);
        anchor_l = (expr * (aout - apre).pow(2)).sum() / (static_cast<double>(local_a * T) * 22);
        loss = loss + cfg.loss.anchor * anchor_l;
        if (cfg.loss.anchor_rest > 0) {
          // The same anchors on silent audio: the whole face is the preset.
          torch::Tensor silent = torch::full({static_cast<int64_t>(local_a), lf, cfg.arch.n_mels}, std::log(1e-10f));
          if (feature_norm) silent = silent - net->feature_prior().view({1, 1, -1});  // silence moves no mean
          torch::Tensor rout = net->forward(silent, acond);
          torch::Tensor rest_l = (rout - apre).pow(2).sum() / (static_cast<double>(local_a * T) * 52);
          loss = loss + cfg.loss.anchor_rest * rest_l;
        }
      }
      if (consistency) {
        std::vector<float> jc(local_b * 19, 0.0f);
        for (std::size_t i = 0; i < local_b; ++i)
          for (int k = 0; k < 3; ++k) jc[i * 19 + 16 + k] = jitter[(b0 + i) * 3 + k];
        torch::Tensor jt = torch::from_blob(jc.data(), {static_cast<int64_t>(local_b), 1, 19}).clone();
        torch::Tensor jout = net->forward(feats, cond + jt);
        cons_l = (mask * (jout - out).pow(2)).sum() / (frames * 52);
        loss = loss + cfg.loss.consistency * cons_l;
      }
      if (!other_emotion.empty()) {
        // Emotion must not move the lips: the batch under other presets' anchors.
        std::vector<float> oc(local_b * T * 19);
        for (std::size_t i = 0; i < local_b; ++i)
          for (std::size_t k = 0; k < T; ++k)
            std::copy(anchors[other_emotion[b0 + i]].cond.begin(), anchors[other_emotion[b0 + i]].cond.end(),
                      &oc[(i * T + k) * 19]);
        torch::Tensor ocond = torch::from_blob(oc.data(), {static_cast<int64_t>(local_b), t, 19}).clone();
        torch::Tensor oout = net->forward(feats, ocond);
        torch::Tensor lip_l = (mask * type_mask[0] * (oout - out.detach()).pow(2)).sum() / (frames * 14);
        loss = loss + cfg.loss.lip_invariance * lip_l;
        // ... and the lips still seal under that emotion.
        if (!runs.empty()) loss = loss + cfg.loss.closure * closure_loss(oout, target, runs);
      }
      loss.backward();
      if (pg) allreduce_gradients(*pg, params, env.world);
      opt.step();
      ++steps_done;

      torch::NoGradGuard guard;
      const torch::Tensor ad = (out - target).abs() * mask;
      sums[0] += loss.item<double>();
      sums[1] += sup.item<double>();
      sums[2] += vel.item<double>();
      sums[3] += anchor_l.item<double>();
      sums[4] += cons_l.item<double>();
      for (int k = 0; k < 3; ++k) sums[5 + k] += (ad * type_mask[k]).sum().item<double>() / type_mask[k].sum().item<double>();
      sums[8] += frames.item<double>();
      sums[9] += 1;
      sums[10] += closure_l.item<double>();
      sums[11] += phone_l.item<double>() * phone_frames;
      sums[12] += phone_frames;
      sums[13] += phone_right;
      sums[14] += gap_high_l.item<double>();
      if (progress) progress->advance();
      if (lead && cfg.log_every_steps > 0 && steps_done % cfg.log_every_steps == 0)
        std::printf("epoch %d step %ld loss %.5f\n", epoch, steps_done, loss.item<double>());
    }
    allreduce_sum(pg.get(), sums);
    const double n = sums[9];
    io::Json row = {{"epoch", epoch},
                    {"stage", cfg.stage == Stage::Base ? "base" : "v3"},
                    {"steps", steps_done},
                    {"real_fraction", real_fraction},
                    {"lr_backbone", lr_backbone},
                    // the rate of the epoch's last step (lr_final's cosine applied)
                    {"lr_last", cfg.lr * cfg.lr_factor(static_cast<std::size_t>(epoch) * steps - 1,
                                                       static_cast<std::size_t>(cfg.epochs) * steps)},
                    {"loss", sums[0] / n},
                    {"supervised_loss", sums[1] / n},
                    {"velocity_loss", sums[2] / n},
                    {"anchor_loss", sums[3] / n},
                    {"consistency_loss", sums[4] / n},
                    {"closure_loss", sums[10] / n},
                    {"mae_lipsync", sums[5] / sums[8]},
                    {"mae_expression", sums[6] / sums[8]},
                    {"mae_shared", sums[7] / sums[8]},
                    {"seconds", std::chrono::duration<double>(Clock::now() - t_epoch).count()}};
    if (cfg.loss.gap_high > 0) row["gap_high_loss"] = sums[14] / n;
    if (cfg.loss.phone > 0) {  // over the labelled frames of the epoch
      row["phone_loss"] = sums[12] > 0 ? sums[11] / sums[12] : 0.0;
      row["phone_accuracy"] = sums[12] > 0 ? sums[13] / sums[12] : 0.0;
      row["phone_frames"] = sums[12];
    }
    metrics.push_back(row);
    if (lead) {
      std::printf("epoch %d: loss %.5f (supervised %.5f, anchor %.5f, consistency %.5f, closure %.5f), real %.2f",
                  epoch, sums[0] / n, sums[1] / n, sums[3] / n, sums[4] / n, sums[10] / n, real_fraction);
      if (cfg.loss.phone > 0) std::printf(", phone loss %.4f accuracy %.3f", row["phone_loss"].get<double>(), row["phone_accuracy"].get<double>());
      std::printf("\n");
      std::ostringstream rs;
      rs << rng;
      io::Json state = {{"epoch", epoch},
                        {"steps", steps_done},
                        {"stage", cfg.stage == Stage::Base ? "base" : "v3"},
                        {"architecture", cfg.arch.to_json()},
                        {"config", cfg.to_json()},
                        {"curriculum", {{"real_fraction", real_fraction}}},
                        {"rng", rs.str()},
                        {"metrics", metrics}};
      save_checkpoint(ckpt, net, opt, state);
      std::string lines;
      for (const auto& r : metrics) lines += r.dump() + "\n";
      io::write_file_atomic(metrics_path(cfg), lines);
    }
    if (cfg.stop_after_epoch > 0 && epoch == cfg.stop_after_epoch) {
      ++epoch;
      break;
    }
  }
  TrainSummary sum;
  sum.epochs_done = epoch - 1;
  sum.checkpoint = ckpt;
  sum.parameters = cfg.arch.parameter_count();
  sum.seconds = std::chrono::duration<double>(Clock::now() - t_start).count();
  sum.steps = steps_done;
  return sum;
}

}  // namespace emosync::train
