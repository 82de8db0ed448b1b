#pragma once
// An augmentation chain: what one augmented take of an item goes through, drawn from a
// seed (the item id's), so a data set stays a pure function of (scenario, settings).
//
// Speed is special: it changes the clock, so it is applied to each turn's clean speech
// before the teacher reads it (its phone times scaled by 1 / speed) and the targets are
// made from that. Every other step keeps length and timing and is applied afterwards to
// the whole take that the features are computed from; the teacher never hears it.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "augment/rng.h"
#include "io/json_file.h"

namespace emosync::augment {

struct Step {
  std::string effect;  // pitch | formants | reverb | noise | babble | telephone | mp3 | opus
  std::map<std::string, double> params;
  double param(const std::string& name) const;
};

struct Chain {
  std::uint64_t seed = 0;
  double speed = 1;         // 1: the clock is untouched
  std::vector<Step> steps;  // in the order they are applied
  bool empty() const { return speed == 1 && steps.empty(); }
  // {"seed": ..., "speed": ..., "steps": [{"effect": "reverb", "rt60_s": 0.41, ...}, ...]}
  io::Json to_json() const;
};

// A random subset of the effects in random order, with random parameters (ranges in
// docs/augment.md); never empty.
Chain draw_chain(std::uint64_t seed);

// The chain's steps (not its speed) applied to a 16 kHz take, in place; the length is kept.
void apply_steps(const Chain& chain, std::vector<float>& take);

}  // namespace emosync::augment
