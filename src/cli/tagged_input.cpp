#include "cli/tagged_input.h"

#include "emotion/conditioning.h"
#include "export/animation.h"
#include "io/error.h"
#include "io/limits.h"

namespace emosync::cli {

std::shared_ptr<TaggedTextInput> TaggedTextInput::add_to(CLI::App& app) {
  auto in = std::make_shared<TaggedTextInput>();
  app.add_option("text", in->text, "tagged text, e.g. \"[happy:80] I got the job! [sad:40] But I have to move.\"")
      ->required();
  app.add_option("--words", in->words, "word timings, lines 'start_s end_s word' (TTS events or an alignment)");
  app.add_option("--duration", in->duration,
                 "clip length in seconds, at most " + std::to_string(static_cast<int>(timeline::kMaxDurationS)) +
                     " (default: the last word's end, or a speaking-rate estimate); a text without words needs it")
      ->check(CLI::Range(0.0, timeline::kMaxDurationS));
  app.add_option("--fps", in->options.fps,
                 "frames per second, 1 to 1000; at most " + std::to_string(io::kMaxFrames) +
                     " frames in all (4 hours at 30 fps)")
      ->check(CLI::Range(exporter::kMinFps, exporter::kMaxFps))
      ->capture_default_str();
  app.add_option("--crossfade", in->options.crossfade_s, "crossfade half-width in seconds at each boundary")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  return in;
}

TaggedTimeline TaggedTextInput::build() const {
  TaggedTimeline t;
  t.segments = timeline::parse_tagged(text);
  if (!words.empty()) {
    t.words = timeline::read_words_tsv(words);
    if (t.words.empty()) throw Error(words + ": no word timings (lines 'start_s end_s word')");
  }
  // Tags alone have no length: one frame would be a silently useless clip (say and
  // the server refuse such a text too).
  if (timeline::words_of(t.segments).empty() && t.words.empty() && duration <= 0)
    throw Error("the text has no words to place the emotion on: give words, --words timings or --duration");
  t.conditioning = timeline::conditioning(t.segments, t.words, duration, options);
  t.frames = t.conditioning.size() / emotion::kConditioningDim;
  t.placement = timeline::place(t.segments, t.words, duration);
  return t;
}

}  // namespace emosync::cli
