#include "train/config.h"

#include <algorithm>
#include <cmath>

#include "arkit/blendshapes.h"
#include "emotion/classes.h"
#include "io/error.h"
#include "tables/tables.h"

namespace emosync::train {

namespace {
template <class F>
void optional(const io::JsonNode& n, const std::string& key, F f) {
  if (n.has(key)) f(n[key]);
}
}  // namespace

TrainConfig TrainConfig::parse(const io::Json& j, const std::string& file) {
  io::JsonNode n(j, file);
  n.object();
  static const std::vector<std::string> known = {
      "stage", "data", "out_dir", "init_from", "architecture", "epochs", "items_per_epoch", "batch_size",
      "window_frames", "lr", "lr_final", "seed", "threads", "curriculum", "presets", "backbone", "loss", "stop_after_epoch",
      "log_every_steps", "gain_db", "augment"};
  for (auto it = j.begin(); it != j.end(); ++it)
    if (std::find(known.begin(), known.end(), it.key()) == known.end())
      n.fail("unknown field '" + it.key() + "'");
  TrainConfig c;
  c.file = file;
  std::string stage = n["stage"].string();
  if (stage == "base")
    c.stage = Stage::Base;
  else if (stage == "v3")
    c.stage = Stage::V3;
  else
    n["stage"].fail("expected base or v3, got '" + stage + "'");
  auto data = n["data"];
  if (data.size() == 0) data.fail("needs at least one dataset folder");
  for (std::size_t i = 0; i < data.size(); ++i) c.data.push_back(data[i].string());
  c.out_dir = n["out_dir"].string();
  if (c.out_dir.empty()) n["out_dir"].fail("must not be empty");
  optional(n, "init_from", [&](auto v) { c.init_from = v.string(); });
  if (c.stage == Stage::V3 && c.init_from.empty()) n.fail("init_from: the v3 stage starts from a base (or v3) checkpoint");
  if (c.stage == Stage::Base) c.arch = model::Architecture::base_default();
  if (n.has("architecture")) {
    io::Json a = model::Architecture::base_default().to_json();
    for (auto it = j["architecture"].begin(); it != j["architecture"].end(); ++it) a[it.key()] = it.value();
    c.arch = model::Architecture::from_json(a, file);
  }
  optional(n, "epochs", [&](auto v) { c.epochs = static_cast<int>(v.number_in(1, 100000)); });
  optional(n, "items_per_epoch", [&](auto v) { c.items_per_epoch = static_cast<int>(v.number_in(0, 1e9)); });
  optional(n, "batch_size", [&](auto v) { c.batch_size = static_cast<int>(v.number_in(1, 4096)); });
  optional(n, "window_frames", [&](auto v) {
    c.window_frames = static_cast<int>(v.number_in(3, 30000));
    if (c.window_frames % 3) v.fail("must be a multiple of 3 (windows start on a feature frame)");
  });
  optional(n, "lr", [&](auto v) { c.lr = static_cast<float>(v.number_in(0, 10)); });
  optional(n, "lr_final", [&](auto v) { c.lr_final = static_cast<float>(v.number_in(0, 1)); });
  optional(n, "gain_db", [&](auto v) { c.gain_db = static_cast<float>(v.number_in(0, 40)); });
  optional(n, "augment", [&](auto a) {
    a.object();
    optional(a, "warp", [&](auto v) { c.augment.warp = static_cast<float>(v.number_in(0, 0.5)); });
    optional(a, "tilt_db", [&](auto v) { c.augment.tilt_db = static_cast<float>(v.number_in(0, 40)); });
    optional(a, "noise", [&](auto v) { c.augment.noise = static_cast<float>(v.number_in(0, 1)); });
    optional(a, "snr_db_min", [&](auto v) { c.augment.snr_db_min = static_cast<float>(v.number_in(-20, 100)); });
    optional(a, "snr_db_max", [&](auto v) { c.augment.snr_db_max = static_cast<float>(v.number_in(-20, 100)); });
    optional(a, "freq_mask", [&](auto v) { c.augment.freq_mask = static_cast<int>(v.number_in(0, 1000)); });
    if (c.augment.snr_db_max < c.augment.snr_db_min) a.fail("snr_db_max is below snr_db_min");
  });
  optional(n, "seed", [&](auto v) { c.seed = static_cast<unsigned>(v.number_in(0, 4e9)); });
  optional(n, "threads", [&](auto v) { c.threads = static_cast<int>(v.number_in(1, 256)); });
  optional(n, "curriculum", [&](auto v) { c.curriculum = v.string(); });
  optional(n, "presets", [&](auto v) { c.presets = v.string(); });
  optional(n, "stop_after_epoch", [&](auto v) { c.stop_after_epoch = static_cast<int>(v.number_in(0, 100000)); });
  optional(n, "log_every_steps", [&](auto v) { c.log_every_steps = static_cast<int>(v.number_in(0, 1e9)); });
  optional(n, "backbone", [&](auto b) {
    b.object();
    optional(b, "mode", [&](auto v) {
      std::string m = v.string();
      if (m != "freeze" && m != "lr_scale") v.fail("expected freeze or lr_scale, got '" + m + "'");
      c.backbone.freeze = m == "freeze";
    });
    optional(b, "epochs", [&](auto v) { c.backbone.epochs = static_cast<int>(v.number_in(0, 100000)); });
    optional(b, "lr_scale", [&](auto v) { c.backbone.lr_scale = static_cast<float>(v.number_in(0, 1)); });
  });
  optional(n, "loss", [&](auto l) {
    l.object();
    // A misspelt weight must not silently train without its term.
    static const std::vector<std::string> known_loss = {
        "lipsync", "expression", "shared", "velocity", "acceleration", "gap_high", "anchor", "anchor_batch", "consistency", "jitter",
        "lip_invariance", "anchor_rest", "closure", "phone", "channel_weights"};
    for (auto it = l.json().begin(); it != l.json().end(); ++it)
      if (std::find(known_loss.begin(), known_loss.end(), it.key()) == known_loss.end())
        l.child(it.key(), it.value()).fail(it.key() == "viseme" ? "renamed to loss.phone (phone classes, phones.npy)"
                                                                : "unknown field '" + it.key() + "'");
    auto w = [&](const char* key, float& dst) {
      optional(l, key, [&](auto v) { dst = static_cast<float>(v.number_in(0, 1000)); });
    };
    w("lipsync", c.loss.lipsync);
    w("expression", c.loss.expression);
    w("shared", c.loss.shared);
    w("velocity", c.loss.velocity);
    w("acceleration", c.loss.acceleration);
    w("gap_high", c.loss.gap_high);
    w("anchor", c.loss.anchor);
    w("consistency", c.loss.consistency);
    optional(l, "jitter", [&](auto v) { c.loss.jitter = static_cast<float>(v.number_in(0, 1)); });
    optional(l, "lip_invariance", [&](auto v) { c.loss.lip_invariance = static_cast<float>(v.number_in(0, 1000)); });
    optional(l, "closure", [&](auto v) { c.loss.closure = static_cast<float>(v.number_in(0, 1000)); });
    optional(l, "phone", [&](auto v) { c.loss.phone = static_cast<float>(v.number_in(0, 1000)); });
    optional(l, "anchor_rest", [&](auto v) { c.loss.anchor_rest = static_cast<float>(v.number_in(0, 1000)); });
    optional(l, "channel_weights", [&](auto v) {
      v.object();
      for (auto it = v.json().begin(); it != v.json().end(); ++it) {
        auto ch = v.child(it.key(), it.value());
        if (!arkit::find(it.key())) ch.fail("unknown blendshape '" + it.key() + "'");
        c.loss.channel_weights.push_back({it.key(), static_cast<float>(ch.number_in(0, 1000))});
      }
    });
    optional(l, "anchor_batch", [&](auto v) { c.loss.anchor_batch = static_cast<int>(v.number_in(0, 4096)); });
  });
  if (c.stage == Stage::V3) c.arch = c.arch.as_v3();
  return c;
}

TrainConfig TrainConfig::load(const std::string& path) { return parse(io::load_json_file(path), path); }

io::Json TrainConfig::to_json() const {
  return {{"stage", stage == Stage::Base ? "base" : "v3"},
          {"data", data},
          {"out_dir", out_dir},
          {"init_from", init_from},
          {"architecture", arch.to_json()},
          {"epochs", epochs},
          {"items_per_epoch", items_per_epoch},
          {"batch_size", batch_size},
          {"window_frames", window_frames},
          {"lr", lr},
          {"lr_final", lr_final},
          {"seed", seed},
          {"threads", threads},
          {"gain_db", gain_db},
          {"augment",
           {{"warp", augment.warp},
            {"tilt_db", augment.tilt_db},
            {"noise", augment.noise},
            {"snr_db_min", augment.snr_db_min},
            {"snr_db_max", augment.snr_db_max},
            {"freq_mask", augment.freq_mask}}},
          {"curriculum", curriculum},
          {"presets", presets},
          {"backbone",
           {{"mode", backbone.freeze ? "freeze" : "lr_scale"}, {"epochs", backbone.epochs}, {"lr_scale", backbone.lr_scale}}},
          {"loss",
           {{"lipsync", loss.lipsync},
            {"expression", loss.expression},
            {"shared", loss.shared},
            {"velocity", loss.velocity},
            {"acceleration", loss.acceleration},
            {"gap_high", loss.gap_high},
            {"anchor", loss.anchor},
            {"anchor_batch", loss.anchor_batch},
            {"consistency", loss.consistency},
            {"jitter", loss.jitter},
            {"lip_invariance", loss.lip_invariance},
            {"anchor_rest", loss.anchor_rest},
            {"closure", loss.closure},
            {"phone", loss.phone},
            {"channel_weights", [&] {
               io::Json w = io::Json::object();
               for (const auto& [name, value] : loss.channel_weights) w[name] = value;
               return w;
             }()}}},
          {"stop_after_epoch", stop_after_epoch},
          {"log_every_steps", log_every_steps}};
}

Curriculum Curriculum::parse(const io::Json& j, const std::string& what) {
  io::JsonNode n(j, what);
  auto pts = n["points"];
  if (pts.size() == 0) pts.fail("needs at least one [epoch, real_fraction] point");
  Curriculum c;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    auto p = pts[i];
    if (p.size() != 2) p.fail("expected [epoch, real_fraction]");
    int e = static_cast<int>(p[0].number_in(1, 1e6));
    float r = static_cast<float>(p[1].number_in(0, 1));
    if (!c.points_.empty() && e <= c.points_.back().first) p[0].fail("epochs must increase");
    c.points_.push_back({e, r});
  }
  return c;
}

Curriculum Curriculum::load(const std::string& path_or_key) {
  return parse(tables::read_json_file_or_table(path_or_key), path_or_key);
}

Curriculum Curriculum::constant(float real) {
  Curriculum c;
  c.points_ = {{1, real}};
  return c;
}

float Curriculum::real_fraction(int epoch) const {
  if (epoch <= points_.front().first) return points_.front().second;
  for (std::size_t i = 1; i < points_.size(); ++i) {
    const auto [e1, r1] = points_[i];
    if (epoch <= e1) {
      const auto [e0, r0] = points_[i - 1];
      return r0 + (r1 - r0) * static_cast<float>(epoch - e0) / static_cast<float>(e1 - e0);
    }
  }
  return points_.back().second;
}

std::vector<AnchorPair> parse_anchor_pairs(const io::Json& j, const std::string& what) {
  io::JsonNode n(j, what);
  n["version"];
  auto order_node = n["channel_order"];
  std::vector<std::string> order;
  for (std::size_t i = 0; i < order_node.size(); ++i) order.push_back(order_node[i].string());
  try {
    arkit::ChannelOrder check(order);
  } catch (const Error& e) {
    order_node.fail(e.what());
  }
  auto presets = n["presets"];
  std::vector<AnchorPair> out;
  for (std::size_t i = 0; i < presets.size(); ++i) {
    auto p = presets[i];
    AnchorPair a;
    std::string emo = p["emotion"].string();
    auto cls = emotion::find(emo);
    if (!cls) p["emotion"].fail("unknown emotion '" + emo + "'");
    a.cond[*cls] = 1.0f;
    auto vad = p["vad"];
    if (vad.size() != 3) vad.fail("expected [V, A, D]");
    for (std::size_t k = 0; k < 3; ++k) a.cond[16 + k] = static_cast<float>(vad[k].number_in(-1, 1));
    a.label = emo + (p.has("level") && p.json()["level"].is_string() ? "/" + p["level"].string() : "");
    auto w = p["weights"];
    std::array<float, 52> given{};  // names the preset leaves out are 0
    for (auto it = w.object().begin(); it != w.object().end(); ++it) {
      auto idx = arkit::find(it.key());
      if (!idx) w.child(it.key(), it.value()).fail("unknown blendshape '" + it.key() + "'");
      given[*idx] = static_cast<float>(w.child(it.key(), it.value()).number_in(0, 1));
    }
    a.preset = given;
    out.push_back(a);
  }
  return out;
}

std::vector<AnchorPair> load_anchor_pairs(const std::string& path_or_key) {
  return parse_anchor_pairs(tables::read_json_file_or_table(path_or_key), path_or_key);
}

float TrainConfig::lr_factor(std::size_t step, std::size_t total) const {
  if (lr_final >= 1.0f || total <= 1) return 1.0f;
  const double p = std::min(1.0, static_cast<double>(step) / static_cast<double>(total - 1));
  return static_cast<float>(lr_final + (1.0 - lr_final) * 0.5 * (1.0 + std::cos(M_PI * p)));
}

}  // namespace emosync::train
