#pragma once
// Text to speech with timing: audio plus phoneme events (symbol, start) and word
// events (byte span of the input text, start, end). One facade, several engines
// (sherpa-onnx style): espeak-ng, flite and festival run offline; "external" reads audio and
// word boundaries another tool wrote (edge-tts subtitles, a TSV), so a user with
// network access can use the voices the seed used.
#include <memory>
#include <string>
#include <vector>

#include "audio/audio.h"
#include "viseme/viseme.h"

namespace emosync::tts {

struct PhonemeEvent {
  std::string symbol;  // in the engine's phone set (TtsResult::phone_set)
  double start_s = 0;
  double end_s = 0;  // the next phoneme's start (or the end of the audio)
};

struct WordEvent {
  std::size_t text_begin = 0, text_end = 0;  // byte offsets into the synthesised text
  std::string text;                          // the word as the engine saw it
  double start_s = 0, end_s = 0;
};

struct TtsResult {
  audio::Audio audio;
  viseme::PhoneSet phone_set = viseme::PhoneSet::Espeak;
  std::vector<PhonemeEvent> phonemes;
  std::vector<WordEvent> words;
};

struct TtsConfig {
  std::string engine = "espeak";  // espeak | flite | festival | external
  // espeak: "en-us" (default), with a variant "en-us+f3"; flite: kal | kal16 | slt | rms | awb (default slt);
  // festival: kal (kal_diphone, default) | ked (ked_diphone) | slt-hts (cmu_us_slt_arctic_hts) | any installed voice
  std::string voice;
  double rate = 1.0;              // speaking rate relative to the engine's default (0.3 .. 3)
  int pitch = 50;                 // 0 .. 100, 50 = the voice's default (espeak, flite, festival diphone voices)
  // external engine: the audio file and its word timings (.srt, .vtt or .tsv "start_s end_s word")
  std::string external_audio;
  std::string external_timings;
  // external engine: estimate phonemes inside each word with espeak-ng's phonemiser
  bool external_phonemes = true;

  // Throws emosync::Error naming the bad field.
  void validate() const;
  std::string to_string() const;
};

class Tts {
 public:
  virtual ~Tts() = default;
  virtual TtsResult synthesize(const std::string& text) = 0;
  virtual std::string name() const = 0;
};

std::unique_ptr<Tts> make_tts(const TtsConfig& config);

// Events as TSV: a comment line naming the phone set, a header, then one row per
// event: kind (phoneme|word), start_s, end_s, label, text_begin, text_end.
std::string events_tsv(const TtsResult& r);
void write_events_tsv(const std::string& path, const TtsResult& r);
// Reads what events_tsv wrote (audio is left empty). Errors name file and line.
TtsResult read_events_tsv(const std::string& path);

// Word timings another tool wrote; `text` (may be empty) is searched for each word to
// fill text spans. Formats by content/extension: WebVTT, SRT (cues with one or more
// words: a multi-word cue is split in proportion to word lengths), TSV `start_s end_s word`.
std::vector<WordEvent> read_word_timings(const std::string& path, const std::string& text);

// Fills `words[i].text_begin/end` by finding each word in `text` in order
// (case-insensitive); words not found keep an empty span at the cursor.
void locate_words(const std::string& text, std::vector<WordEvent>& words);

}  // namespace emosync::tts
