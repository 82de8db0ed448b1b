#pragma once
// What the server computes with, kept apart from the HTTP code so the server builds
// before (and without) the optional modules: the rule-based compiler and the timeline.
#include <array>
#include <string>
#include <vector>

#include "emotion/anchors.h"
#include "emotion/conditioning.h"

namespace emosync::server::detail {

using Frame = std::array<float, 52>;
using Weights = std::array<float, emotion::kCount>;

bool compiler_available();
// compiler::Compiler::standard().compile; throws emosync::Error when not built in.
Frame compile(const Weights& weights, const emotion::Vad& vad);

struct Word {
  std::string text;
  double start = 0, end = 0;  // seconds
};

struct Segment {
  std::size_t emotion = 0;
  float intensity = 0;
  double start = 0, end = 0;  // seconds
};

struct Expression {
  double duration = 0;
  std::vector<Segment> segments;
  std::vector<emotion::Conditioning> conditioning;  // one per frame
};

// Tagged text ("[happy:80] I got it! [sad] Oh.") → per-frame conditioning at `fps`.
// Word times come from `words` when given (their texts must match the untagged text's
// words in count), else they are spread evenly over `duration` (> 0), else estimated.
Expression expression(const std::string& tagged, const std::vector<Word>& words, double duration, double fps,
                      double crossfade_s);

}  // namespace emosync::server::detail
