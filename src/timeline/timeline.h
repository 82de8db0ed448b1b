#pragma once
// Timeline (ARCHITECTURE.md §4): tagged text -> segments -> per-frame 19-dim conditioning.
//
//   "[happy:80] I got the job! [sad:40] But I have to move away."
//
// A tag `[name]` or `[name:0-100]` holds until the next tag; `[name]` alone uses
// kDefaultIntensity; text before the first tag is neutral. Names are canonical class
// names or aliases (case-insensitive). Segment boundaries are placed in audio time from
// word timings, or from a speaking-rate estimate when none are given, and each boundary
// gets a smoothstep crossfade s(x) = 3x^2 - 2x^3 of +-crossfade_s that shrinks so two
// crossfades never overlap.
#include <cstddef>
#include <string>
#include <vector>

#include "emotion/anchors.h"
#include "emotion/conditioning.h"
#include "io/limits.h"

namespace emosync::timeline {

constexpr float kDefaultIntensity = 60.f;  // [name] alone: L3
constexpr double kWordsPerSecond = 2.5;    // speaking-rate estimate (150 words a minute)
// The longest timeline: io::kMaxFrames frames, i.e. 4 hours at 30 fps (fewer seconds
// at a higher rate). Durations and word times beyond kMaxDurationS are refused.
constexpr double kMaxDurationS = 4 * 3600;

struct Segment {
  std::size_t emotion = 0;  // class index (emotion::names())
  float intensity = 0;      // 0..100
  std::string text;         // the text the tag covers, trimmed
  std::size_t first_word = 0, word_count = 0;  // into the whitespace-separated words of all segments
  std::size_t line = 1, column = 1;            // where the tag starts (1-based; the text start for untagged text)
};

// Parses tagged text. Throws emosync::Error "line L, column C: ..." for an unknown emotion
// (listing the valid names), a bad intensity or an unclosed/unopened bracket. Never throws
// anything else, whatever the bytes. An untagged text is one neutral segment; a leading
// neutral segment exists only when text precedes the first tag.
std::vector<Segment> parse_tagged(const std::string& text);

// The words of a tagged text in order (what first_word/word_count index).
std::vector<std::string> words_of(const std::vector<Segment>& segments);

struct WordTiming {
  double start_s = 0, end_s = 0;
  std::string word;
};

// Reads "start_s end_s word" lines (tabs or spaces; '#' comments and blank lines skipped).
// Errors name path and line.
std::vector<WordTiming> read_words_tsv(const std::string& path);
std::vector<WordTiming> parse_words_tsv(const std::string& text, const std::string& what);

struct TimelineOptions {
  double fps = 30;
  double crossfade_s = 0.8;  // half-width: each boundary fades over [b - c, b + c]
};

// Where segments sit in time: segment i covers [start[i], end[i]) with end[i] == start[i+1];
// segments without words are dropped (their tags are overridden at once).
struct Placement {
  std::vector<std::size_t> segment;  // index into the Segment list
  std::vector<double> start, end;
  double duration_s = 0;
};

// words: TTS or alignment timings (may be empty: then words are spread over duration_s by
// their length, or, when duration_s <= 0, at kWordsPerSecond). When the timings hold a
// different number of words than the text, text word i maps to timing i*n_t/n_text.
// With timings and duration_s <= 0 the duration is the last word's end.
Placement place(const std::vector<Segment>& segments, const std::vector<WordTiming>& words, double duration_s);

// Crossfade half-widths per boundary (between placement segment i and i+1).
std::vector<double> crossfade_widths(const Placement& p, double crossfade_s);

// Per-frame conditioning, frames x 19 row-major, frames = ceil(duration * fps).
std::vector<float> conditioning(const std::vector<Segment>& segments, const std::vector<WordTiming>& words,
                                double duration_s, const TimelineOptions& options,
                                const emotion::Anchors& anchors = emotion::Anchors::standard());

// The crossfading core of conditioning(): per-frame 19-dim conditioning for placed
// segments whose conditioning is already known (per_segment[k] belongs to placed
// segment k, e.g. a scenario turn with an explicit VAD). frames x 19, row-major.
std::vector<float> crossfade_frames(const Placement& p, const std::vector<emotion::Conditioning>& per_segment,
                                    const TimelineOptions& options);

// frames for a duration at fps (at least 1); throws beyond io::kMaxFrames.
std::size_t frame_count(double duration_s, double fps);

// s(x) = 3x^2 - 2x^3 on [0, 1], clamped outside.
inline double smoothstep(double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  return x * x * (3 - 2 * x);
}

}  // namespace emosync::timeline
