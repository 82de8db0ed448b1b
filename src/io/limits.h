#pragma once
// Limits shared by the readers of several concerns, so one clip length holds everywhere.
#include <cstddef>

namespace emosync::io {

// The longest clip or timeline, in frames: 4 hours at 30 fps (90 MB of 52-channel
// float frames). Beyond it a reader or the timeline refuses instead of allocating.
constexpr std::size_t kMaxFrames = 4 * 3600 * 30;

}  // namespace emosync::io
