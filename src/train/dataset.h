#pragma once
// Reader of training triples (ARCHITECTURE §5): an item is a folder with features.npy
// [T_f, n_mels] (100 fps), cond.npy [T, 19], targets.npy [T, 52] (30 fps, canonical ARKit
// order), meta.json {"id", "source": "synthetic"|"real", "emotion"} and optionally phones.npy
// [T] (phone class per frame, for the auxiliary phone head). No libtorch, no
// TTS, no teachers.
#include <cstddef>
#include <random>
#include <string>
#include <vector>

namespace emosync::train {

struct Triple {
  std::string id, emotion, dir;
  bool real = false;
  std::size_t feature_frames = 0, frames = 0;
  std::vector<float> features, cond, targets;  // row-major
  std::vector<float> phones;  // [frames] phone class (viseme/phone_class.h), -1 none; empty: the item has no phones.npy
};

class Dataset {
 public:
  // Every folder under each root (recursively) that holds meta.json is an item.
  static Dataset load(const std::vector<std::string>& roots, int n_mels = 80);
  static Triple load_item(const std::string& dir, int n_mels = 80);

  const std::vector<Triple>& items() const { return items_; }
  const std::vector<std::size_t>& real() const { return real_; }
  const std::vector<std::size_t>& synthetic() const { return synthetic_; }

  // Architecture feature_norm "running" (features/normalise.h): the prior is the mean of each
  // band over every item's speech frames; normalise_features runs the runtime's recursion over
  // each item from its start, once at load, so a window cut from frame f0 holds what the
  // runtime feeds the network at f0 (the mean having adapted over frames 0..f0).
  std::vector<float> speech_mean(int n_mels) const;  // Error when no frame is speech
  void normalise_features(const std::vector<float>& prior, float tau_s);

  // The items of one epoch: n items, round(real_fraction·n) of them real (all of one
  // kind when the other is missing), shuffled.
  std::vector<std::size_t> epoch_items(std::size_t n, float real_fraction, std::mt19937_64& rng) const;

 private:
  std::vector<Triple> items_;
  std::vector<std::size_t> real_, synthetic_;
};

// A training window: `frames` output frames from frame k0 (a multiple of 3, so it starts
// on a feature frame), its features from frame 10·k0/3, zero-padded past the end; frames
// past the item's end repeat its last row with mask 0.
struct Window {
  std::vector<float> features;  // [feature_frames_for_window, n_mels]
  std::vector<float> cond;      // [frames, 19]
  std::vector<float> targets;   // [frames, 52]
  std::vector<float> mask;      // [frames]
  std::vector<float> phones;    // [frames] phone class, -1 where none, past the end, or no phones.npy
};
// Feature frames of a window of `frames` outputs; lookahead_frames: input past an output
// frame's position that it reads (encoder + resampling lookahead).
std::size_t window_feature_frames(std::size_t frames, int lookahead_frames);
// Scales the window's audio by gain_db: ln power moves by gain_db·ln(10)/10; silence (the
// log-mel floor) and the zero padding past the item's end stay as they are.
void apply_gain(Window& w, float gain_db);
// Speaker, microphone and room variety on top of the data set's voices: the synthetic
// voices are few and clean, and real speech differs from them in vocal-tract length,
// channel colour and noise (held-out real speech is where the lips were failing).
// Applied to the log-mel of a window; the zero padding past the item's end stays.
struct SpectralAugment {
  float warp = 0;        // mel axis stretched by a factor in [1 - warp, 1 + warp]
  float tilt_db = 0;     // linear tilt across the bands, up to ±tilt_db from lowest to highest
  float noise = 0;       // share of windows with additive noise
  float snr_db_min = 10, snr_db_max = 40;  // noise level against the window's mean power
  int freq_mask = 0;     // one band of up to this many mel bins flattened (SpecAugment)
  bool any() const { return warp > 0 || tilt_db > 0 || noise > 0 || freq_mask > 0; }
};
void apply_spectral_augment(Window& w, int n_mels, const SpectralAugment& a, std::mt19937_64& rng);
Window make_window(const Triple& t, std::size_t frames, int lookahead_frames, int n_mels, std::mt19937_64& rng);

// Small synthetic triples with a learnable relation (tests, smoke runs, benchmarks):
// lip channels follow feature energy, expression channels follow the conditioning, phones.npy
// holds five phone classes (silence and four energy bands).
void write_toy_dataset(const std::string& dir, int items, double seconds, unsigned seed, int real_items = -1);

}  // namespace emosync::train
