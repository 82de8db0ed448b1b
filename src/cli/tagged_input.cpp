#include "cli/tagged_input.h"

#include "emotion/conditioning.h"

namespace emosync::cli {

std::shared_ptr<TaggedTextInput> TaggedTextInput::add_to(CLI::App& app) {
  auto in = std::make_shared<TaggedTextInput>();
  app.add_option("text", in->text, "tagged text, e.g. \"[happy:80] I got the job! [sad:40] But I have to move.\"")
      ->required();
  app.add_option("--words", in->words, "word timings, lines 'start_s end_s word' (TTS events or an alignment)");
  app.add_option("--duration", in->duration,
                 "clip length in seconds (default: the last word's end, or a speaking-rate estimate)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--fps", in->options.fps, "frames per second")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--crossfade", in->options.crossfade_s, "crossfade half-width in seconds at each boundary")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  return in;
}

TaggedTimeline TaggedTextInput::build() const {
  TaggedTimeline t;
  t.segments = timeline::parse_tagged(text);
  if (!words.empty()) t.words = timeline::read_words_tsv(words);
  t.conditioning = timeline::conditioning(t.segments, t.words, duration, options);
  t.frames = t.conditioning.size() / emotion::kConditioningDim;
  t.placement = timeline::place(t.segments, t.words, duration);
  return t;
}

}  // namespace emosync::cli
