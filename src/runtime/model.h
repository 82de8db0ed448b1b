#pragma once
// The model's forward pass in Eigen (no libtorch): offline over a whole feature sequence,
// or streaming (push feature frames in chunks of any size, pull 30 fps frames). Both run
// the same per-column arithmetic, so they give the same frames bit for bit.
//
// Streaming latency: an output frame at time t needs features up to
// t + arch.lookahead_ms() (encoder lookahead + one frame for resampling), plus whatever
// chunk size the caller pushes.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "model/model_file.h"

namespace emosync::runtime {

class Model {
 public:
  explicit Model(const model::ModelFile& file);
  static Model load(const std::string& path);  // emosync::Error on a bad file, naming it
  // The model compiled into this build (models/default/emosync-v3.safetensors), parsed once.
  static const Model& embedded_default();
  static constexpr const char* kDefaultModelKey = "models/default/emosync-v3.safetensors";

  const model::Architecture& arch() const { return arch_; }
  const std::string& stage() const { return stage_; }

  // features: row-major [T_f, n_mels] at 100 fps; cond: row-major [T, 19]. Returns
  // row-major [T, 52]. Frames past the features' end reuse the last feature frame
  // (T is normally model::output_frames_for(T_f)).
  std::vector<float> forward(const float* features, std::size_t feature_frames, const float* cond,
                             std::size_t frames) const;

 private:
  friend class Stream;
  struct Conv {
    std::vector<Eigen::MatrixXf> taps;  // [kernel] of [out, in]
    Eigen::VectorXf bias;
    int left = 0, lookahead = 0, dilation = 1;
  };
  // Block of output frames from resampled hidden columns and their conditioning.
  void head(const Eigen::MatrixXf& h30, const Eigen::MatrixXf& cond, float* out) const;

  model::Architecture arch_;
  std::string stage_;
  std::vector<std::size_t> cond_columns_;
  std::vector<Conv> convs_;
  Eigen::MatrixXf embed0_w_, embed2_w_;
  Eigen::VectorXf embed0_b_, embed2_b_;
  std::vector<Eigen::MatrixXf> fc_w_, film_w_;
  std::vector<Eigen::VectorXf> fc_b_, film_b_;
  Eigen::MatrixXf head_w_;
  Eigen::VectorXf head_b_;
};

class Stream {
 public:
  explicit Stream(const Model& model);

  // Appends feature frames (row-major [n, n_mels]).
  void push(const float* features, std::size_t n);
  // No more input: the remaining frames become available.
  void finish();
  // Frames that can be pulled now.
  std::size_t available() const;
  // Pulls up to n frames; cond holds one 19-float row per pulled frame (for frames
  // frames_out(), frames_out()+1, ...); writes [count, 52]; returns the count.
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
  std::vector<Buffer> in_;  // input of each conv layer
  std::vector<long> done_;  // outputs computed per conv layer
  std::vector<bool> padded_;
  Buffer hidden_;           // last conv layer's output at 100 fps
  std::size_t frames_in_ = 0, frames_out_ = 0;
  bool finished_ = false;
};

}  // namespace emosync::runtime
