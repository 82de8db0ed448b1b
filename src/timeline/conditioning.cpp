#include <algorithm>
#include <cmath>
#include <cstdio>

#include "emotion/conditioning.h"
#include "io/error.h"
#include "timeline/timeline.h"

namespace emosync::timeline {

std::size_t frame_count(double duration_s, double fps) {
  if (!(fps > 0) || !std::isfinite(fps)) throw Error("fps must be a positive number");
  if (!(duration_s >= 0) || !std::isfinite(duration_s)) throw Error("duration must be a time in seconds >= 0");
  double n = std::ceil(duration_s * fps - 1e-9);
  if (n > static_cast<double>(io::kMaxFrames)) {
    char msg[160];
    std::snprintf(msg, sizeof msg, "%.6g s at %.6g fps is over the limit of %zu frames (4 hours at 30 fps)", duration_s,
                  fps, io::kMaxFrames);
    throw Error(msg);
  }
  return n < 1 ? 1 : static_cast<std::size_t>(n);
}

Placement place(const std::vector<Segment>& segments, const std::vector<WordTiming>& words, double duration_s) {
  Placement p;
  std::vector<std::size_t> worded;
  std::size_t total = 0;
  for (std::size_t i = 0; i < segments.size(); ++i)
    if (segments[i].word_count > 0) {
      worded.push_back(i);
      total += segments[i].word_count;
    }
  if (!std::isfinite(duration_s)) throw Error("duration must be a finite number of seconds");

  if (worded.empty()) {
    // No words at all: the last tag (or neutral) holds for the whole clip.
    p.segment.push_back(segments.empty() ? 0 : segments.size() - 1);
    p.duration_s = std::max(0.0, duration_s);
    if (p.duration_s <= 0 && !words.empty()) p.duration_s = words.back().end_s;
    p.start.push_back(0);
    p.end.push_back(p.duration_s);
    return p;
  }

  // Start of each worded segment's first word and end of its last word, in seconds.
  std::vector<double> first_start(worded.size()), last_end(worded.size());
  if (!words.empty()) {
    const std::size_t nt = words.size();
    auto timing = [&](std::size_t text_word) {
      std::size_t t = nt == total ? text_word : static_cast<std::size_t>((static_cast<double>(text_word) * nt) / total);
      return std::min(t, nt - 1);
    };
    for (std::size_t k = 0; k < worded.size(); ++k) {
      const Segment& s = segments[worded[k]];
      first_start[k] = words[timing(s.first_word)].start_s;
      last_end[k] = words[timing(s.first_word + s.word_count - 1)].end_s;
    }
    p.duration_s = duration_s > 0 ? duration_s : words.back().end_s;
  } else {
    // Speaking-rate estimate: words share the time by their length (+1 for the gap).
    std::vector<std::string> ws = words_of(segments);
    std::vector<double> cum(ws.size() + 1, 0.0);
    for (std::size_t i = 0; i < ws.size(); ++i) cum[i + 1] = cum[i] + static_cast<double>(ws[i].size()) + 1.0;
    p.duration_s = duration_s > 0 ? duration_s : static_cast<double>(total) / kWordsPerSecond;
    for (std::size_t k = 0; k < worded.size(); ++k) {
      const Segment& s = segments[worded[k]];
      first_start[k] = p.duration_s * cum[s.first_word] / cum.back();
      last_end[k] = p.duration_s * cum[s.first_word + s.word_count] / cum.back();
    }
  }

  double prev = 0;
  for (std::size_t k = 0; k < worded.size(); ++k) {
    p.segment.push_back(worded[k]);
    p.start.push_back(prev);
    double b = k + 1 < worded.size() ? 0.5 * (last_end[k] + first_start[k + 1]) : p.duration_s;
    b = std::clamp(b, prev, p.duration_s);
    p.end.push_back(b);
    prev = b;
  }
  return p;
}

std::vector<double> crossfade_widths(const Placement& p, double crossfade_s) {
  std::vector<double> h;
  const double c = std::max(0.0, crossfade_s);
  for (std::size_t i = 0; i + 1 < p.segment.size(); ++i) {
    double left = p.end[i] - p.start[i], right = p.end[i + 1] - p.start[i + 1];
    // Each segment gives at most half its length to each of its two boundaries.
    h.push_back(std::max(0.0, std::min({c, 0.5 * left, 0.5 * right})));
  }
  return h;
}

std::vector<float> conditioning(const std::vector<Segment>& segments, const std::vector<WordTiming>& words,
                                double duration_s, const TimelineOptions& options, const emotion::Anchors& anchors) {
  if (!(options.crossfade_s >= 0) || !std::isfinite(options.crossfade_s))
    throw Error("crossfade must be a time in seconds >= 0");
  Placement p = place(segments, words, duration_s);
  std::vector<emotion::Conditioning> cond;
  for (std::size_t s : p.segment) {
    if (segments.empty()) {
      cond.push_back(emotion::make_conditioning(emotion::kNeutral, 0.f, anchors));
    } else {
      cond.push_back(emotion::make_conditioning(segments[s].emotion, segments[s].intensity, anchors));
    }
  }
  return crossfade_frames(p, cond, options);
}

std::vector<float> crossfade_frames(const Placement& p, const std::vector<emotion::Conditioning>& cond,
                                    const TimelineOptions& options) {
  if (!(options.crossfade_s >= 0) || !std::isfinite(options.crossfade_s))
    throw Error("crossfade must be a time in seconds >= 0");
  if (cond.size() != p.segment.size() || cond.empty())
    throw Error("crossfade_frames: one conditioning per placed segment is needed");
  const std::size_t frames = frame_count(p.duration_s, options.fps);
  std::vector<double> h = crossfade_widths(p, options.crossfade_s);
  std::vector<float> out(frames * emotion::kConditioningDim);
  std::size_t k = 0;
  const std::size_t last = p.segment.size() - 1;
  for (std::size_t f = 0; f < frames; ++f) {
    const double t = static_cast<double>(f) / options.fps;
    while (k < last && t >= p.end[k]) ++k;
    emotion::Conditioning c = cond[k];
    if (k > 0 && h[k - 1] > 0 && t < p.start[k] + h[k - 1]) {
      double b = p.start[k];
      double s = smoothstep((t - (b - h[k - 1])) / (2 * h[k - 1]));
      c = emotion::blend(cond[k - 1], cond[k], static_cast<float>(s));
    } else if (k < last && h[k] > 0 && t >= p.end[k] - h[k]) {
      double b = p.end[k];
      double s = smoothstep((t - (b - h[k])) / (2 * h[k]));
      c = emotion::blend(cond[k], cond[k + 1], static_cast<float>(s));
    }
    std::copy(c.begin(), c.end(), out.begin() + f * emotion::kConditioningDim);
  }
  return out;
}

}  // namespace emosync::timeline
