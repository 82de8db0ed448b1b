#include "train/dataset.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "arkit/channel_split.h"
#include "emotion/conditioning.h"
#include "features/normalise.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "io/json_file.h"
#include "io/npy.h"
#include "viseme/phone_class.h"

namespace emosync::train {

namespace fs = std::filesystem;

Triple Dataset::load_item(const std::string& dir, int n_mels) {
  Triple t;
  t.dir = dir;
  const std::string meta_path = dir + "/meta.json";
  io::Json meta = io::load_json_file(meta_path);
  io::JsonNode m(meta, meta_path);
  t.id = m["id"].string();
  std::string source = m["source"].string();
  if (source != "synthetic" && source != "real") m["source"].fail("expected synthetic or real, got '" + source + "'");
  t.real = source == "real";
  t.emotion = m["emotion"].string();
  auto check = [&](const io::NpyArray& a, const std::string& name, std::size_t cols) {
    if (a.shape.size() != 2 || a.cols() != cols)
      throw Error(dir + "/" + name + ": expected shape [T, " + std::to_string(cols) + "]");
    if (a.rows() == 0) throw Error(dir + "/" + name + ": no frames");
    // Finite values: io::read_npy refuses NaN/Inf itself, naming the file and index.
  };
  io::NpyArray f = io::read_npy(dir + "/features.npy");
  check(f, "features.npy", static_cast<std::size_t>(n_mels));
  io::NpyArray c = io::read_npy(dir + "/cond.npy");
  check(c, "cond.npy", emotion::kConditioningDim);
  io::NpyArray y = io::read_npy(dir + "/targets.npy");
  check(y, "targets.npy", 52);
  if (c.rows() != y.rows())
    throw Error(dir + ": cond.npy has " + std::to_string(c.rows()) + " frames, targets.npy " +
                std::to_string(y.rows()));
  if (fs::exists(dir + "/phones.npy")) {  // optional: data sets built before it train no phone loss
    io::NpyArray p = io::read_npy(dir + "/phones.npy");
    if (p.shape.size() != 1 || p.rows() != y.rows())
      throw Error(dir + "/phones.npy: expected shape [" + std::to_string(y.rows()) + "] like targets.npy");
    for (std::size_t i = 0; i < p.data.size(); ++i)
      if (!viseme::is_phone_label(p.data[i]))
        throw Error(dir + "/phones.npy: frame " + std::to_string(i) + ": not a phone class index (-1.." +
                    std::to_string(viseme::kPhoneClassCount - 1) + ")");
    t.phones = std::move(p.data);
  }
  t.feature_frames = f.rows();
  t.frames = y.rows();
  t.features = std::move(f.data);
  t.cond = std::move(c.data);
  t.targets = std::move(y.data);
  return t;
}

Dataset Dataset::load(const std::vector<std::string>& roots, int n_mels) {
  std::vector<std::string> dirs;
  for (const auto& root : roots) {
    if (!fs::is_directory(root)) throw Error(root + ": dataset folder not found");
    if (fs::exists(fs::path(root) / "meta.json")) dirs.push_back(root);
    for (const auto& e : fs::recursive_directory_iterator(root))
      if (e.is_directory() && fs::exists(e.path() / "meta.json")) dirs.push_back(e.path().string());
  }
  std::sort(dirs.begin(), dirs.end());
  Dataset d;
  for (const auto& dir : dirs) {
    d.items_.push_back(load_item(dir, n_mels));
    (d.items_.back().real ? d.real_ : d.synthetic_).push_back(d.items_.size() - 1);
  }
  if (d.items_.empty()) throw Error("no training items (folders with meta.json) under the dataset folders");
  return d;
}

std::vector<std::size_t> Dataset::epoch_items(std::size_t n, float real_fraction, std::mt19937_64& rng) const {
  std::size_t n_real = static_cast<std::size_t>(std::lround(real_fraction * static_cast<float>(n)));
  if (real_.empty()) n_real = 0;
  if (synthetic_.empty()) n_real = n;
  auto draw = [&](std::vector<std::size_t> pool, std::size_t k, std::vector<std::size_t>& out) {
    // Whole shuffled passes over the pool, so every item is used before any repeats.
    while (k > 0) {
      std::shuffle(pool.begin(), pool.end(), rng);
      for (std::size_t i = 0; i < pool.size() && k > 0; ++i, --k) out.push_back(pool[i]);
    }
  };
  std::vector<std::size_t> out;
  draw(real_, n_real, out);
  draw(synthetic_, n - n_real, out);
  std::shuffle(out.begin(), out.end(), rng);
  return out;
}

std::size_t window_feature_frames(std::size_t frames, int lookahead_frames) {
  return (10 * frames) / 3 + static_cast<std::size_t>(lookahead_frames) + 1;
}

Window make_window(const Triple& t, std::size_t frames, int lookahead_frames, int n_mels, std::mt19937_64& rng) {
  std::size_t k0 = 0;
  if (t.frames > frames) k0 = std::uniform_int_distribution<std::size_t>(0, (t.frames - frames) / 3)(rng) * 3;
  const std::size_t f0 = 10 * k0 / 3, lf = window_feature_frames(frames, lookahead_frames);
  const std::size_t m = static_cast<std::size_t>(n_mels);
  Window w;
  w.features.assign(lf * m, 0.0f);
  for (std::size_t i = 0; i < lf && f0 + i < t.feature_frames; ++i)
    std::copy_n(&t.features[(f0 + i) * m], m, &w.features[i * m]);
  w.cond.resize(frames * 19);
  w.targets.resize(frames * 52);
  w.mask.resize(frames);
  w.phones.assign(frames, -1.0f);
  for (std::size_t k = 0; k < frames; ++k) {
    const std::size_t src = std::min(k0 + k, t.frames - 1);
    if (!t.phones.empty() && k0 + k < t.frames) w.phones[k] = t.phones[src];
    std::copy_n(&t.cond[src * 19], 19, &w.cond[k * 19]);
    std::copy_n(&t.targets[src * 52], 52, &w.targets[k * 52]);
    w.mask[k] = k0 + k < t.frames ? 1.0f : 0.0f;
  }
  return w;
}

void apply_gain(Window& w, float gain_db) {
  const float offset = gain_db * std::log(10.0f) / 10.0f, floor = std::log(1e-10f);
  for (float& v : w.features)
    if (v != 0.0f && v > floor) v = std::max(floor, v + offset);
}

void apply_spectral_augment(Window& w, int n_mels, const SpectralAugment& a, std::mt19937_64& rng) {
  const std::size_t m = static_cast<std::size_t>(n_mels), frames = w.features.size() / m;
  const float floor = std::log(1e-10f), db = std::log(10.0f) / 10.0f;
  auto uni = [&](float lo, float hi) { return std::uniform_real_distribution<float>(lo, hi)(rng); };
  // Rows past the item's end are all zeros; every stage leaves them so.
  std::vector<bool> padding(frames);
  for (std::size_t f = 0; f < frames; ++f)
    padding[f] = std::all_of(&w.features[f * m], &w.features[f * m] + m, [](float v) { return v == 0.0f; });
  std::vector<float> row(m);
  const float alpha = a.warp > 0 ? uni(1 - a.warp, 1 + a.warp) : 1.0f;
  const float tilt = a.tilt_db > 0 ? uni(-a.tilt_db, a.tilt_db) * db : 0.0f;
  for (std::size_t f = 0; f < frames; ++f) {
    float* x = &w.features[f * m];
    if (padding[f]) continue;
    if (alpha != 1.0f) {
      // Band b takes what was at b·alpha: alpha > 1 moves formants down (a longer tract).
      for (std::size_t b = 0; b < m; ++b) {
        const float src = std::min(static_cast<float>(m - 1), static_cast<float>(b) * alpha);
        const std::size_t i = static_cast<std::size_t>(src);
        const float t = src - static_cast<float>(i);
        row[b] = i + 1 < m ? x[i] * (1 - t) + x[i + 1] * t : x[i];
      }
      std::copy(row.begin(), row.end(), x);
    }
    if (tilt != 0.0f)
      for (std::size_t b = 0; b < m; ++b)
        if (x[b] > floor) x[b] = std::max(floor, x[b] + tilt * (static_cast<float>(b) / static_cast<float>(m - 1) - 0.5f) * 2);
  }
  if (a.noise > 0 && uni(0, 1) < a.noise) {
    // Coloured stationary noise at a random SNR against the window's mean (non-silent) power,
    // with a per-cell chi-square-like flicker; it also fills the silences, as a room does.
    double sum = 0;
    std::size_t n = 0;
    for (float v : w.features)
      if (v != 0.0f && v > floor) sum += std::exp(v), ++n;
    if (n > 0) {
      const float level = static_cast<float>(sum / n) * std::pow(10.0f, -uni(a.snr_db_min, a.snr_db_max) / 10.0f);
      const float colour = uni(-12, 6) * db;  // pink-ish to white
      std::vector<float> band_power(m);  // the noise's spectrum, the same in every frame
      for (std::size_t b = 0; b < m; ++b)
        band_power[b] = level * std::exp(colour * (static_cast<float>(b) / static_cast<float>(m - 1) - 0.5f) * 2);
      std::exponential_distribution<float> flicker(1.0f);
      for (std::size_t f = 0; f < frames; ++f) {
        if (padding[f]) continue;
        float* x = &w.features[f * m];
        for (std::size_t b = 0; b < m; ++b) x[b] = std::log(std::exp(x[b]) + band_power[b] * (0.5f + 0.5f * flicker(rng)));
      }
    }
  }
  if (a.freq_mask > 0) {
    const int width = std::uniform_int_distribution<int>(0, a.freq_mask)(rng);
    const int start = std::uniform_int_distribution<int>(0, std::max(0, n_mels - width))(rng);
    for (std::size_t f = 0; f < frames && width > 0; ++f) {
      if (padding[f]) continue;
      float* x = &w.features[f * m];
      float mean = 0;
      for (std::size_t b = 0; b < m; ++b) mean += x[b] / static_cast<float>(m);
      for (int b = start; b < start + width && b < n_mels; ++b) x[b] = mean;
    }
  }
}

void write_toy_dataset(const std::string& dir, int items, double seconds, unsigned seed, int real_items) {
  if (real_items < 0) real_items = items / 2;
  std::mt19937 rng(seed);
  std::normal_distribution<float> nd;
  const auto& split = arkit::ChannelSplit::standard();
  const std::array<std::size_t, 5> classes = emotion::kBaseClasses;
  for (int it = 0; it < items; ++it) {
    const std::size_t tf = static_cast<std::size_t>(seconds * 100), t = (tf * 3 + 9) / 10;
    std::vector<float> feats(tf * 80);
    // Syllable-like energy bursts drive the "mouth"; mel bands are noisy copies of it.
    std::vector<float> energy(tf);
    float phase = std::uniform_real_distribution<float>(0, 6.28f)(rng);
    float rate = std::uniform_real_distribution<float>(2.0f, 6.0f)(rng);
    for (std::size_t i = 0; i < tf; ++i) {
      energy[i] = std::max(0.0f, std::sin(phase + rate * 6.2832f * static_cast<float>(i) / 100.0f));
      for (int b = 0; b < 80; ++b) feats[i * 80 + b] = energy[i] * (1.0f + 0.02f * b) + 0.1f * nd(rng);
    }
    const std::size_t cls = classes[static_cast<std::size_t>(it) % classes.size()];
    std::vector<float> cond(t * 19, 0.0f), targets(t * 52, 0.0f), phones(t);
    const float v = std::uniform_real_distribution<float>(-0.8f, 0.8f)(rng);
    for (std::size_t k = 0; k < t; ++k) {
      cond[k * 19 + cls] = 1.0f;
      cond[k * 19 + 16] = v;
      cond[k * 19 + 17] = 0.3f;
      cond[k * 19 + 18] = 0.1f;
      const std::size_t fi = std::min(tf - 1, (10 * k) / 3);
      for (std::size_t ch : split.channels(arkit::ChannelType::Lipsync)) targets[k * 52 + ch] = 0.8f * energy[fi];
      for (std::size_t ch : split.channels(arkit::ChannelType::Expression))
        targets[k * 52 + ch] = 0.2f + 0.1f * static_cast<float>(cls % 4) + 0.2f * v * ((ch % 2) ? 1.0f : -1.0f);
      for (std::size_t ch : split.channels(arkit::ChannelType::Shared))
        targets[k * 52 + ch] = 0.5f * (0.3f + 0.2f * v) + 0.2f * energy[fi];
      // Phone classes the audio tells apart: silence below 0.1, then four energy bands.
      phones[k] = energy[fi] < 0.1f ? 0.0f : 1.0f + std::min(3.0f, std::floor(energy[fi] * 4.0f));
    }
    char name[32];
    std::snprintf(name, sizeof name, "item%04d", it);
    const std::string d = dir + "/" + name;
    fs::create_directories(d);
    io::write_npy(d + "/features.npy", feats.data(), {tf, 80});
    io::write_npy(d + "/cond.npy", cond.data(), {t, 19});
    io::write_npy(d + "/targets.npy", targets.data(), {t, 52});
    io::write_npy(d + "/phones.npy", phones.data(), {t});
    io::Json meta = {{"id", name},
                     {"source", it < real_items ? "real" : "synthetic"},
                     {"emotion", std::string(emotion::names()[cls])}};
    io::write_file_atomic(d + "/meta.json", meta.dump(2));
  }
}

std::vector<float> Dataset::speech_mean(int n_mels) const {
  features::SpeechMean mean(n_mels);
  for (const auto& t : items_) mean.add(t.features.data(), t.feature_frames);
  if (mean.frames() == 0)
    throw Error("feature_norm running: no speech frame in the data set to compute the prior from (all silence?)");
  return mean.mean();
}

void Dataset::normalise_features(const std::vector<float>& prior, float tau_s) {
  for (auto& t : items_) features::RunningNorm(prior, tau_s).apply(t.features.data(), t.feature_frames);
}

}  // namespace emosync::train
