#pragma once
// The options every command that reads tagged text shares (text, --words, --duration,
// --fps, --crossfade) and the step they all start with: tags -> placed segments ->
// per-frame 19-dim conditioning.
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "timeline/timeline.h"

namespace emosync::cli {

struct TaggedTimeline {
  std::vector<timeline::Segment> segments;
  std::vector<timeline::WordTiming> words;
  timeline::Placement placement;
  std::vector<float> conditioning;  // frames x 19
  std::size_t frames = 0;
};

struct TaggedTextInput {
  std::string text, words;
  double duration = 0;
  timeline::TimelineOptions options;

  // Adds the options to `app`; the returned object must outlive parsing.
  static std::shared_ptr<TaggedTextInput> add_to(CLI::App& app);
  TaggedTimeline build() const;
};

}  // namespace emosync::cli
