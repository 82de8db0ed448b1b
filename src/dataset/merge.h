#pragma once
// The seed's channel merge (§5.1): LIPSYNC from the lipsync teacher, EXPRESSION
// from the rule-based compiler, SHARED = teacher + gated compiler delta. The gate
// falls while the mouth articulates so emotion never undoes a lip closure.
#include <string>
#include <utility>
#include <vector>

#include "arkit/channel_split.h"

namespace emosync::dataset {

struct MergeGate {
  float strength = 0.8f;
  std::vector<std::pair<std::size_t, float>> articulation;  // (channel, weight)

  static const MergeGate& standard();  // data/dataset/merge_gate.json
  static MergeGate load(const std::string& path_or_key);
  // g in [0, 1] for one teacher frame (52 values).
  float gate(const float* teacher_frame) const;
};

// teacher, compiler: frames x 52 (canonical order); compiler_neutral: 52 values.
// Returns frames x 52 targets.
std::vector<float> merge_targets(const std::vector<float>& teacher, const std::vector<float>& compiler,
                                 const float* compiler_neutral, std::size_t frames,
                                 const MergeGate& gate = MergeGate::standard(),
                                 const arkit::ChannelSplit& split = arkit::ChannelSplit::standard());

}  // namespace emosync::dataset
