#pragma once
// What `emosync say` and `emosync animate` share: the runtime options (model, blinks,
// fades, smoothing, loudness), turning plain text into tagged text with the text-emotion
// model, running the engine over the speech, and writing every output into one folder.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "audio/audio.h"
#include "engine/animator.h"
#include "timeline/timeline.h"

namespace emosync::cli {

// The longest text `say` and `tts` speak, in characters (UTF-8 code points, tags
// included): about 11 minutes of speech at the default rate. 100 KB of text made 1.8 h
// of speech, 2.2 GB of memory and 1.3 GB of files.
constexpr std::size_t kMaxSpeechChars = 10000;
// Error "<command>: the text is N characters, over the limit of 10000" beyond it.
void check_speech_text(const std::string& text, const std::string& command);

struct SpeechJob {
  std::string model_path;  // empty: the embedded default
  std::string out_dir = "out";
  bool no_blinks = false, no_fades = false, smoothing = false, no_loudness = false, no_autotag = false;
  unsigned seed = 1;

  static std::shared_ptr<SpeechJob> add_to(CLI::App& app);

  // Tagged text as given; plain text (no '[') tagged per sentence by the text-emotion
  // model unless --no-autotag (then neutral). `how` says which happened.
  std::string tagged_text(const std::string& text, std::string* how) const;

  // Speech -> frames x 52 at 30 fps through engine::Animator, whose emotion
  // `set_emotion` sets (a timeline, a class, a conditioning).
  std::vector<float> animate(const audio::Audio& speech,
                             const std::function<void(engine::Animator&)>& set_emotion) const;

  // Writes the speech (speech.wav) and the animation in every format into out_dir;
  // prints what it wrote.
  void write(const audio::Audio& speech, const std::vector<float>& frames, const std::string& tagged) const;
};

}  // namespace emosync::cli
