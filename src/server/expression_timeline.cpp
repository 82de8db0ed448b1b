// POST /api/expression over src/timeline: tagged text -> placed segments -> per-frame
// 19-dim conditioning (compiled per frame by the caller).
#include <algorithm>

#include "io/error.h"
#include "server/backend.h"
#include "timeline/timeline.h"

namespace emosync::server::detail {

Expression expression(const std::string& tagged, const std::vector<Word>& words_in, double duration, double fps,
                      double crossfade_s) {
  std::vector<timeline::Segment> segments;
  try {
    segments = timeline::parse_tagged(tagged);
  } catch (const Error& e) {
    throw Error(std::string("text: ") + e.what());
  }
  if (timeline::words_of(segments).empty()) throw Error("text: no words to animate");
  std::vector<timeline::WordTiming> words;
  for (const auto& w : words_in) words.push_back({w.start, w.end, w.text});
  timeline::Placement p = timeline::place(segments, words, duration);
  timeline::TimelineOptions opt;
  opt.fps = fps;
  opt.crossfade_s = crossfade_s;
  std::vector<float> cond = timeline::conditioning(segments, words, duration, opt);
  Expression out;
  out.duration = p.duration_s;
  for (std::size_t i = 0; i < p.segment.size(); ++i) {
    const auto& s = segments[p.segment[i]];
    out.segments.push_back({s.emotion, s.intensity, p.start[i], p.end[i]});
  }
  const std::size_t dim = emotion::kConditioningDim;
  for (std::size_t f = 0; f + dim <= cond.size(); f += dim) {
    emotion::Conditioning c{};
    std::copy(cond.begin() + static_cast<std::ptrdiff_t>(f), cond.begin() + static_cast<std::ptrdiff_t>(f + dim), c.begin());
    out.conditioning.push_back(c);
  }
  return out;
}

}  // namespace emosync::server::detail
