#pragma once
// The model's forward pass in Eigen (no libtorch): offline over a whole feature sequence,
// or streaming (push feature frames in chunks of any size, pull 30 fps frames). Both run
// the same per-column arithmetic, so they give the same frames bit for bit.
//
// The LIPSYNC channels (jaw, lip closure, funnel, pucker, ...) come from the speech alone
// (architecture lips "speech", the default): for them the FiLM blocks run a second time
// under neutral conditioning. Their training
// targets are the lipsync teacher's, which never depend on the emotion
// (ARCHITECTURE.md §2), so whatever emotion reaches them through the network is leakage,
// and it costs articulation: with the emotion in them the first issue-16 model told open
// vowels from p/b/m with AUC 0.942 under neutral and 0.887 under surprise at 100. The
// emotion still shapes the mouth through the SHARED channels (smile, frown, press, ...);
// at rest the speech gate (post/post.h) takes the lips to 0 under every emotion anyway.
// The second pass is skipped for blocks that are all neutral; it costs the head, not the
// encoder (bench/).
//
// Streaming latency: an output frame at time t needs features up to
// t + arch.lookahead_ms() (encoder lookahead + resampling lookahead), plus whatever
// chunk size the caller pushes. Feature normalisation (arch.feature_norm "running") is
// causal and per frame: it adds no latency, and offline runs it through the same Stream.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "features/normalise.h"
#include "model/model_file.h"

namespace emosync::runtime {

// Entry-point checks of the model's inputs: anything else would come out as NaN frames
// or as frames that look normal and are not. Errors name `what`, the frame and the field.
//   features: finite, |value| <= kMaxFeatureMagnitude (log-mel of any real audio lies
//             within about -23..+45: ln(1e-10) is the floor);
//   conditioning (emotion/conditioning.h): 16 class weights in 0..1, then valence,
//             arousal and dominance in -1..1 (kConditioningSlack allowed for rounding).
constexpr float kMaxFeatureMagnitude = 1000.0f;
constexpr float kConditioningSlack = 1e-3f;
void check_features(const float* features, std::size_t frames, int n_mels, const std::string& what,
                    std::size_t first_frame = 0);
void check_conditioning(const float* cond, std::size_t frames, const std::string& what, std::size_t first_frame = 0);
// One 19-float row; errors read "<where>[17] (arousal) = 1e+30 is outside -1..1".
void check_conditioning_row(const float* row, const std::string& where);

class Model {
 public:
  // `source` names the model in errors (its path, "model bytes (N bytes)", ...).
  explicit Model(const model::ModelFile& file, std::string source = "model");
  static Model load(const std::string& path);  // emosync::Error on a bad file, naming it
  // From memory (a model file's bytes); errors name `what`.
  static Model parse(std::string_view bytes, const std::string& what);
  // The model compiled into this build (models/default/emosync-v3.safetensors), parsed once.
  static const Model& embedded_default();
  static constexpr const char* kDefaultModelKey = "models/default/emosync-v3.safetensors";

  const model::Architecture& arch() const { return arch_; }
  const std::string& stage() const { return stage_; }
  const std::string& source() const { return source_; }

  // features: row-major [T_f, n_mels] at 100 fps; cond: row-major [T, 19]. Returns
  // row-major [T, 52]. Frames past the features' end reuse the last feature frame
  // (T is normally model::output_frames_for(T_f)). Inputs are checked (above), and the
  // output is checked finite: Error rather than NaN frames.
  std::vector<float> forward(const float* features, std::size_t feature_frames, const float* cond,
                             std::size_t frames) const;

 private:
  friend class Stream;
  struct Conv {
    std::vector<Eigen::MatrixXf> taps;  // [kernel] of [out, in]
    Eigen::VectorXf bias;
    int left = 0, lookahead = 0, dilation = 1;
  };
  // Block of output frames (the first is frame `first`) from resampled hidden columns and
  // their conditioning; Error if any output is not finite.
  void head(const Eigen::MatrixXf& h30, const Eigen::MatrixXf& cond, std::size_t first, float* out) const;
  Eigen::MatrixXf embed(const Eigen::MatrixXf& cond) const;
  Eigen::MatrixXf film_blocks(const Eigen::MatrixXf& h30, const Eigen::MatrixXf& e) const;

  model::Architecture arch_;
  std::string stage_, source_;
  std::vector<float> feature_prior_;  // feature_norm running: the prior mean per mel band
  std::vector<std::size_t> cond_columns_;
  std::vector<Conv> convs_;
  Eigen::MatrixXf embed0_w_, embed2_w_;
  Eigen::VectorXf embed0_b_, embed2_b_;
  std::vector<Eigen::MatrixXf> fc_w_, film_w_;
  std::vector<Eigen::VectorXf> fc_b_, film_b_;
  Eigen::MatrixXf head_w_;
  Eigen::VectorXf head_b_;
  Eigen::VectorXf neutral_cond_, neutral_embed_;  // the 19-dim neutral conditioning, its embedding
  std::vector<Eigen::Index> lip_rows_;            // the LIPSYNC channels (arkit/channel_split.h)
};

class Stream {
 public:
  explicit Stream(const Model& model);

  // Appends feature frames (row-major [n, n_mels]); Error on values check_features rejects.
  void push(const float* features, std::size_t n);
  // No more input: the remaining frames become available.
  void finish();
  // Frames that can be pulled now.
  std::size_t available() const;
  // Pulls up to n frames; cond holds one 19-float row per pulled frame (for frames
  // frames_out(), frames_out()+1, ...; checked by check_conditioning); writes [count, 52];
  // returns the count.
  std::size_t pull(const float* cond, std::size_t n, float* out);
  std::size_t frames_out() const { return frames_out_; }
  std::size_t frames_in() const { return frames_in_; }
  void reset();

 private:
  friend class Model;
  struct Buffer {  // columns hold global time indices [start, start + cols)
    Eigen::MatrixXf m;
    long start = 0;
    long cols = 0;
    long end() const { return start + cols; }
    void append(const Eigen::Ref<const Eigen::MatrixXf>& x, long keep_from);
  };
  void run_encoder();
  std::size_t pull_impl(const float* cond, std::size_t n, float* out, bool clamp_past_end);

  const Model* model_;
  std::optional<features::RunningNorm> norm_;  // feature_norm running
  std::vector<float> normalised_;               // scratch: the pushed chunk, normalised
  std::vector<Buffer> in_;  // input of each conv layer
  std::vector<long> done_;  // outputs computed per conv layer
  std::vector<bool> padded_;
  Buffer hidden_;           // last conv layer's output at 100 fps
  std::size_t frames_in_ = 0, frames_out_ = 0;
  bool finished_ = false;
};

}  // namespace emosync::runtime
