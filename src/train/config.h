#pragma once
// Training configuration (emosync train --config cfg.json), curriculum schedule and the
// anchor-snap pairs from the presets file. No libtorch here.
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "io/json_file.h"
#include "model/architecture.h"
#include "train/dataset.h"

namespace emosync::train {

enum class Stage { Base, V3 };

struct BackboneSchedule {
  bool freeze = false;   // true: lr 0 while early; false: lr × lr_scale
  int epochs = 0;        // epochs 1..epochs are "early"
  float lr_scale = 0.1f;
};

struct LossWeights {
  float lipsync = 1.0f, expression = 1.0f, shared = 1.0f;  // per channel type
  float velocity = 0.5f;
  // Second differences of (output - target): weighs fast motion ~8x more than the velocity
  // term does at 10 Hz vs 3 Hz, so it targets chatter (the jitter rule of `emosync validate`)
  // rather than the articulation itself. 0: off.
  float acceleration = 0.0f;
  // The lip gap's chatter: the error of jawOpen - mouthClose (arkit/lip_seal.h's gap before
  // its clamp at 0) in the band `emosync validate` calls jitter (above 8 Hz at 30 fps), as its mean square
  // over the window's frames (Hann-tapered spectrum, mean removed). Unlike acceleration it
  // leaves the 2-8 Hz band of syllables and closures alone, and it reads the gap the rule
  // reads, not each channel. 0: off.
  float gap_high = 0.0f;
  float anchor = 4.0f;
  int anchor_batch = 8;
  float consistency = 0.5f;
  float jitter = 0.05f;  // ± VAD jitter for the consistency term
  // Emotion must not move the lips: the batch again under another preset's anchor
  // conditioning; squared difference on LIPSYNC channels (their targets do not depend
  // on emotion). 0: off.
  float lip_invariance = 0.0f;
  // The face at rest is the preset: anchor pairs on silent audio, all 52 channels. 0: off.
  float anchor_rest = 0.0f;
  // Bilabial seal: for every run of target frames with the lips shut (arkit::lips_sealed),
  // the output frame of that run that comes closest to shut, with its two neighbours, is
  // pulled to the target on mouthClose and jawOpen. Plain MSE hedges on 1-2-frame closures whose timing it is
  // unsure of (half-shut lips on every p/b/m); this asks for one full seal per closure,
  // under the batch's emotion and under lip_invariance's other emotion. 0: off.
  float closure = 0.0f;
  // Auxiliary phone classification: cross-entropy of a Linear(hidden, 40) head on the
  // encoder's 30 fps output against the items' phones.npy (alignments for real speech,
  // TTS events for synthetic; frames without a label train nothing). A speaker-
  // independent signal: MSE alone regresses lip rounding to its mean across voices. The
  // head is training-only (not in the model file). 0: off, no head.
  float phone = 0.0f;
  // Extra weight per named channel in the supervised loss (e.g. {"mouthClose": 3}), on top
  // of the channel type's weight.
  std::vector<std::pair<std::string, float>> channel_weights;
};

struct TrainConfig {
  std::string file;  // where it was read from, for messages
  Stage stage = Stage::Base;
  std::vector<std::string> data;  // dataset folders (each item: a folder with meta.json)
  std::string out_dir;
  // V3: the base checkpoint (the conditioning starts afresh), or a V3 checkpoint to
  // fine-tune (every weight is taken).
  std::string init_from;
  model::Architecture arch = model::Architecture::base_default();
  int epochs = 60;
  int items_per_epoch = 0;  // 0: the number of items
  int batch_size = 16;
  int window_frames = 60;  // output frames per training window (multiple of 3)
  float lr = 1e-3f;
  // The learning rate at the last step, as a fraction of lr: 1 keeps it constant; below 1
  // it falls along a half cosine over the run's steps (both parameter groups), so the
  // weights settle instead of ending on a constant-rate Adam step's noise.
  float lr_final = 1.0f;
  unsigned seed = 1;
  int threads = 1;
  // Gain augmentation: each window's audio level moves by a uniform ±gain_db (an additive
  // offset on log-mel, floored at silence), so lips do not follow loudness (issue 7/10).
  float gain_db = 0.0f;
  SpectralAugment augment;  // off unless the config's "augment" asks
  std::string curriculum = "data/train/curriculum.json";
  std::string presets = "data/presets/presets.json";
  BackboneSchedule backbone;
  LossWeights loss;
  int stop_after_epoch = 0;  // > 0: stop (as if killed) after this epoch; resume continues
  int log_every_steps = 0;

  static TrainConfig parse(const io::Json& j, const std::string& file);  // errors name file and field
  static TrainConfig load(const std::string& path);
  io::Json to_json() const;
  // The factor on lr at global step `step` (0-based) of `total`: 1 at the first step,
  // lr_final at the last, a half cosine between (1 throughout when lr_final is 1).
  float lr_factor(std::size_t step, std::size_t total) const;
};

// Fraction of real items per epoch: piecewise linear through (epoch, real) points,
// constant before the first and after the last.
class Curriculum {
 public:
  static Curriculum parse(const io::Json& j, const std::string& what);
  static Curriculum load(const std::string& path_or_key);
  static Curriculum constant(float real);
  float real_fraction(int epoch) const;
  const std::vector<std::pair<int, float>>& points() const { return points_; }

 private:
  std::vector<std::pair<int, float>> points_;
};

// One anchor-snap target: the 19-dim conditioning at a preset's class and anchor VAD,
// and the preset's 52 weights (canonical order).
struct AnchorPair {
  std::string label;
  std::array<float, 19> cond{};
  std::array<float, 52> preset{};
};
// Reads {version, channel_order, presets:[{emotion, level, vad, weights{name: value}}]}.
std::vector<AnchorPair> load_anchor_pairs(const std::string& path_or_key);
std::vector<AnchorPair> parse_anchor_pairs(const io::Json& j, const std::string& what);

}  // namespace emosync::train
