#pragma once
// Top speeds for training targets (data/dataset/speed_limits.json): no channel moves
// farther in one frame than its type allows. Steps that are too fast are spread out by
// a max-plus dilation, y[t] = max_s (x[s] - v·|t - s|), which only raises values, so
// every peak stays where and as high as it was (a lip seal is still reached on time,
// approached earlier). Trough channels get the mirror image (only lowered, minima kept).
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "arkit/channel_split.h"

namespace emosync::dataset {

struct SpeedLimits {
  std::optional<double> per_second[3];  // by arkit::ChannelType; empty: not limited
  std::vector<std::size_t> troughs;     // channels whose minima are kept

  static const SpeedLimits& standard();  // data/dataset/speed_limits.json
  static SpeedLimits load(const std::string& path_or_key);
  // frames x 52 (canonical order) at fps, in place.
  void apply(std::vector<float>& frames, std::size_t n, double fps,
             const arkit::ChannelSplit& split = arkit::ChannelSplit::standard()) const;
};

// One channel (stride `stride` in `data`, n values): |y[t+1] - y[t]| <= max_step.
void dilate_to_speed(float* data, std::size_t n, std::size_t stride, float max_step, bool keep_troughs);

}  // namespace emosync::dataset
