#pragma once
// The FiLM lipsync network, described as data so that the trainer (libtorch) and the
// runtime (Eigen) build the same thing from one description that travels in the model file.
//
//   features [T_f, n_mels] @ 100 fps
//     -> optional input normalisation (feature_norm "running": features/normalise.h, per band
//        running mean over speech frames starting at the tensor feature_norm.prior [n_mels])
//     -> encoder: 1-D convs, layer i: out[t] = b + sum_j W_j in[t + lookahead - (k-1-j)·dilation],
//        zero outside [0, T_f), then ReLU
//     -> resample to 30 fps: output frame k sits at feature position p = k·100/30 (exact
//        rational); h30[k] = sum_j w_j h[clamp(j, 0, T_f-1)] over resample_taps(k):
//        "linear" (the default): w = (1-f, f) at (i0, i0+1), i0 = floor(p), f = p - i0;
//        "triangle": w_j ∝ max(0, 1 - |j-p|/(10/3)), the linear kernel stretched to the
//        output rate, i.e. an anti-aliasing low-pass before taking every 3.33rd frame
//        (linear interpolation alone folds the encoder's 15-50 Hz into the lips' 0-15 Hz)
//     -> conditioning (19 floats; the base stage keeps the 5 base-class columns) -> embedding
//        (Linear, or Linear-ReLU-Linear) -> per block gamma/beta = Linear(embedding)
//     -> blocks: z = ReLU(fc(h)); z = z·(1+gamma) + beta; h = h + z
//     -> head: sigmoid(Linear(h)) -> 52 ARKit channels in canonical order.
//   lips "speech" (the default): the LIPSYNC channels (arkit/channel_split.h) are read from
//     the blocks run under neutral conditioning, the other channels under the frame's
//     own; "speech+emotion": every channel under the frame's conditioning. The training
//     forward pass is always the latter; the rule is applied where the model is used
//     (the runtime, FilmNet::infer), see runtime/model.h for why.
#include <cstddef>
#include <string>
#include <vector>

#include "io/json_file.h"

namespace emosync::model {

constexpr int kFormatVersion = 1;
constexpr int kFeatureFps = 100;
constexpr int kOutputFps = 30;

struct ConvLayer {
  int out_channels = 128;
  int kernel = 3;
  int dilation = 1;
  int lookahead = 0;  // frames of future input this layer reads
};

enum class ConditioningInput { Base5, Full19 };
enum class EmbeddingKind { Linear, Mlp };
// None: the features go in as they are (every model file before this field).
// Running: features/normalise.h with time constant norm_tau_s and the prior tensor.
enum class FeatureNorm { None, Running };
constexpr const char* kFeaturePriorTensor = "feature_norm.prior";
// Speech: LIPSYNC channels under neutral conditioning (their targets, the lipsync teacher's,
// never depend on the emotion). SpeechAndEmotion: for lip targets that do (e.g. captured
// faces of emotional speech).
enum class Lips { Speech, SpeechAndEmotion };
// How the 100 fps encoder output becomes 30 fps (see the top of this file).
enum class Resample { Linear, Triangle };

struct Architecture {
  int n_mels = 80;
  std::vector<ConvLayer> encoder;
  ConditioningInput cond_input = ConditioningInput::Full19;
  EmbeddingKind embedding = EmbeddingKind::Mlp;
  int embed_dim = 64;
  int blocks = 2;
  int n_outputs = 52;
  FeatureNorm feature_norm = FeatureNorm::None;
  float norm_tau_s = 2.5f;  // Running only: about one sentence, so a new channel is gone in ~7 s
  Lips lips = Lips::Speech;
  Resample resample = Resample::Linear;

  static Architecture base_default();  // 5-dim one-hot through Linear(5, 64)
  static Architecture v3_default();    // 19-dim through MLP(19, 64, 64)
  Architecture as_v3() const;          // same backbone, V3 conditioning

  int hidden() const { return encoder.empty() ? n_mels : encoder.back().out_channels; }
  int cond_dim() const { return cond_input == ConditioningInput::Base5 ? 5 : 19; }
  int lookahead_frames() const;  // encoder lookahead in feature frames
  // Feature frames past floor(p) the resampling reads: 1 (linear), 3 (triangle).
  int resample_lookahead_frames() const { return resample == Resample::Triangle ? 3 : 1; }
  // Lookahead in ms from input to an output frame: encoder plus resampling lookahead.
  double lookahead_ms() const { return (lookahead_frames() + resample_lookahead_frames()) * 1000.0 / kFeatureFps; }

  // Name and shape of every parameter (with Running, the prior tensor is one of them), in a fixed order shared by trainer and runtime.
  std::vector<std::pair<std::string, std::vector<std::size_t>>> parameter_shapes() const;
  std::size_t parameter_count() const;

  // feature_norm fields are written only when Running, lips only when "speech+emotion" and
  // resample only when "triangle", so files of the defaults stay byte-identical.
  io::Json to_json() const;
  static Architecture from_json(const io::Json& j, const std::string& what);  // validated
  void validate(const std::string& what) const;
};

// Output frames at 30 fps for T_f feature frames at 100 fps: ceil(0.3 T_f).
std::size_t output_frames_for(std::size_t feature_frames);
// Feature position of output frame k: i0 = floor(10k/3) and the fraction (10k mod 3)/3.
struct ResamplePoint {
  std::size_t i0;
  float frac;
};
ResamplePoint resample_point(std::size_t k);
// The feature frames output frame k reads and their weights (summing to 1), in increasing
// order of index; indices may fall outside [0, T_f): callers clamp them to the ends.
struct ResampleTap {
  long index;
  float weight;
};
std::vector<ResampleTap> resample_taps(Resample kind, std::size_t k);

// The base model's 5 inputs taken from a 19-dim conditioning (emotion::kBaseClasses).
std::vector<std::size_t> conditioning_columns(ConditioningInput c);

}  // namespace emosync::model
