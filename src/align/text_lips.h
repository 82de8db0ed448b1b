#pragma once
// `--lips text`: the mouth from the words. The rule-based lipsync teacher, driven by the
// forced alignment's phones (and the audio's energy), gives the LIPSYNC and SHARED
// channels, blended with the model's; the model keeps the EXPRESSION channels (brows,
// eyes, cheeks: what an alignment cannot know). Better than the audio alone when the
// transcript is exact and the voice is clear: every p/b/m seals and open vowels open. The
// audio alone is better when the text is loose (ad libs, a script that was not followed),
// for singing or shouting, and where no transcript exists.
#include <memory>
#include <string>
#include <vector>

#include "align/align.h"
#include "teacher/teacher.h"

namespace emosync::align {

enum class LipSource { Audio, Text };
// "audio" | "text"; throws emosync::Error naming `what` otherwise.
LipSource lip_source_from_string(const std::string& s, const std::string& what);

// The teacher's share of the LIPSYNC and SHARED channels under --lips text.
constexpr float kTextLipsWeight = 0.8f;

// The alignment's phones as the teacher reads them (ARPAbet; silence as "sil").
teacher::PhoneTimeline phone_timeline(const Alignment& a);

// frames x 52 at `fps` (canonical ARKit order), changed in place: channel c of the
// LIPSYNC and SHARED groups becomes weight * teacher + (1 - weight) * model; then the
// lips part in every vowel (release_lips_in_vowels).
void blend_text_lips(std::vector<float>& frames, double fps, const audio::Audio& speech, const Alignment& a,
                     float weight = kTextLipsWeight);

// In a vowel the lips are apart: mouthClose is brought down to at most
// kVowelCloseShare x jawOpen over the vowel's middle third (ramped in and out over the
// outer thirds). Part of blend_text_lips.
constexpr float kVowelCloseShare = 0.25f;
void release_lips_in_vowels(std::vector<float>& frames, double fps, const Alignment& a);

// What animate, the C API and the server do with a transcript, decided in one place.
// The transcript is aligned once; a matching alignment gives the tags their word
// timings and, under LipSource::Text, the lips. Any failure (the model not installed,
// silence, the limits, a transcript of other speech) is a reason, never an exception:
// the caller carries on without the alignment (tags on the spread estimate, audio lips).
struct TranscriptAlignment {
  bool matched = false;
  Alignment alignment;                      // what decoded, matched or not (its confidence)
  bool decoded = false;                     // the decoder reached the grammar's end
  std::vector<timeline::WordTiming> words;  // when matched: one per transcript word
  std::string failure;                      // when !matched: why ("align: ...")
};
// `aligner` is the caller's (kept between calls by the C API, loading the model once);
// when empty it is created from `config` here, and a model that cannot load is a failure.
TranscriptAlignment align_transcript(std::unique_ptr<Aligner>& aligner, const AlignConfig& config,
                                     const audio::Audio& speech, const std::string& transcript);

// Which lips a clip got, for the caller to report (the CLI prints it, the C API and the
// server return it).
struct LipsOutcome {
  LipSource requested = LipSource::Audio;
  LipSource used = LipSource::Audio;
  double confidence = -1;  // the alignment's, when it decoded; -1 when there was none
  std::string fallback;    // requested text, used audio: why ("" otherwise)
};

// The lips step after the model's frames (frames x 52 at `fps`): under LipSource::Text
// with a matching alignment, blend_text_lips; otherwise the frames stay the model's and
// `fallback` says why.
LipsOutcome apply_lips(LipSource requested, const TranscriptAlignment& t, std::vector<float>& frames, double fps,
                       const audio::Audio& speech);

std::string to_string(LipSource s);  // "audio" | "text"

}  // namespace emosync::align
