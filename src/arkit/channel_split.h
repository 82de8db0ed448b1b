#pragma once
// The seed's 14/22/16 split of the 52 channels by where their training targets
// come from (LIPSYNC: the lipsync teacher; EXPRESSION: the rule-based compiler;
// SHARED: teacher plus a gated compiler delta). Kept as data in
// data/arkit/channel_split.json; loading checks every channel appears exactly once.
#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "arkit/blendshapes.h"

namespace emosync::arkit {

enum class ChannelType { Lipsync = 0, Expression = 1, Shared = 2 };
const char* to_string(ChannelType t);

class ChannelSplit {
 public:
  // Loads data/arkit/channel_split.json (or a file path).
  static const ChannelSplit& standard();
  static ChannelSplit load(const std::string& path_or_key);

  ChannelType type_of(std::size_t channel) const { return type_[channel]; }
  const std::vector<std::size_t>& channels(ChannelType t) const { return members_[static_cast<int>(t)]; }

 private:
  std::array<ChannelType, kCount> type_{};
  std::array<std::vector<std::size_t>, 3> members_;
};

}  // namespace emosync::arkit
