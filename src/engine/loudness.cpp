#include "engine/loudness.h"

#include <algorithm>
#include <cmath>

namespace emosync::engine {

namespace {
constexpr std::size_t kBlock = 160;
}

void LoudnessNormalizer::process(float* x, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    energy_ += static_cast<double>(x[i]) * x[i];
    ++fill_;
    const double t = static_cast<double>(fill_) / kBlock;
    x[i] = static_cast<float>(x[i] * (gain_from_ + (gain_to_ - gain_from_) * t));
    if (fill_ < kBlock) continue;
    // Block complete: update the estimate from the raw level, then the next block's gain.
    const double db = 10.0 * std::log10(energy_ / kBlock + 1e-20);
    const bool speech = db > opt_.floor_db && (speech_blocks_ == 0 || db > level_db_ - opt_.speech_range_db);
    if (speech) {
      speech_blocks_ += 1;
      level_db_ += (db - level_db_) / std::min(speech_blocks_, opt_.window_blocks);
      gain_db_ = std::clamp(opt_.target_db - level_db_, -opt_.max_gain_db, opt_.max_gain_db);
    }
    gain_from_ = gain_to_;
    gain_to_ = std::pow(10.0, gain_db_ / 20.0);
    energy_ = 0;
    fill_ = 0;
  }
}

}  // namespace emosync::engine
