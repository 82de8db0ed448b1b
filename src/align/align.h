#pragma once
// Forced alignment: recorded speech + its transcript -> phone and word spans.
//
// pocketsphinx decodes the audio against a finite-state grammar of the transcript in
// which every phone of every dictionary pronunciation is its own token, with optional
// silence at every state; the decoder's segmentation (10 ms frames) gives the phone
// spans, and a word spans its first..last phone. Words missing from the dictionary are
// pronounced by espeak-ng, mapped to ARPAbet. The confidence comes from how far, per
// frame, the aligned path scores below the best senone of each frame: a transcript of
// other speech shows up as a large gap, or as a grammar the decoder cannot finish.
#include <memory>
#include <string>
#include <vector>

#include "audio/audio.h"
#include "timeline/timeline.h"

namespace emosync::align {

// Limits (stated in `emosync align --help`): the grammar and the decoder's
// back-pointer table grow with both, and an hour of speech is never one utterance.
constexpr double kMaxAudioS = 600;
constexpr std::size_t kMaxWords = 4000;

struct AlignConfig {
  // Debian's pocketsphinx-en-us package; another language's model and dictionary can
  // be named instead (espeak-ng pronunciations are only used for English).
  std::string model_dir = "/usr/share/pocketsphinx/model/en-us/en-us";
  std::string dict = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict";
  // pocketsphinx places onsets 20 ms earlier than the Montreal Forced Aligner (median,
  // signed, LJ Speech); every boundary is shifted by this to match MFA's convention.
  double offset_s = 0.020;
  // Words missing from the dictionary are pronounced by espeak-ng (en-us); off: an error.
  bool espeak_fallback = true;
  // Below this confidence the transcript is taken not to match the audio.
  double min_confidence = 0.5;
  void validate() const;  // throws emosync::Error naming the field
};

struct Span {
  double start_s = 0, end_s = 0;
  std::string label;  // ARPAbet without stress digits or "sil"; words: the normalised word
};

struct Alignment {
  std::vector<Span> phones;  // contiguous from 0 to duration_s
  std::vector<Span> words;   // contiguous, with "sil" between words
  // For each entry of `words` that is a word: its index among the transcript's
  // whitespace-separated words (tags removed); "sil" spans are not listed.
  std::vector<std::size_t> word_index;
  std::size_t transcript_words = 0;  // whitespace-separated words of the transcript
  std::vector<std::string> espeak_words;  // pronounced by espeak-ng (not in the dictionary)
  double duration_s = 0;
  // Nats per frame the aligned path scores below the best senone of each frame.
  double score_gap = 0;
  double confidence = 0;  // a logistic of score_gap, in (0, 1)
  bool matched = false;   // confidence >= min_confidence

  // `start_s<TAB>end_s<TAB>label` with a header (the layout of ../shared/data/speech).
  std::string phones_tsv() const;
  std::string words_tsv() const;
};

// confidence = 1 / (1 + exp((score_gap - kGapMidpoint) / kGapWidth)): 0.5 at 3.5 nats
// per frame, between what LJ Speech costs with its own transcripts (<= 2.6) and with
// another clip's (>= 4.0).
constexpr double kGapMidpoint = 3.5, kGapWidth = 0.25;

// The words the aligner reads from a (possibly tagged) transcript: tags removed, split
// at whitespace. Normalisation (lower case, punctuation trimmed) happens per word.
std::vector<std::string> transcript_words(const std::string& transcript);
// Lower case, leading/trailing punctuation removed (inner apostrophes and hyphens kept);
// "" for a word of punctuation only.
std::string normalise_word(const std::string& word);

class Aligner {
 public:
  explicit Aligner(const AlignConfig& config = {});
  ~Aligner();
  Aligner(const Aligner&) = delete;
  Aligner& operator=(const Aligner&) = delete;

  // Aligns `transcript` (tags are ignored) to the audio (any rate). Throws
  // emosync::Error for empty text, text of punctuation only, silent or too short audio,
  // limits exceeded, or a grammar the decoder cannot finish (the transcript has more
  // speech than the audio). A transcript that decodes but does not match returns an
  // Alignment with matched == false: callers decide (align: error; animate: warn).
  Alignment align(const audio::Audio& speech, const std::string& transcript);

  const AlignConfig& config() const { return config_; }

 private:
  struct Impl;
  AlignConfig config_;
  std::unique_ptr<Impl> impl_;
};

// Throws emosync::Error "<what>: the transcript does not match the speech (confidence
// C < min M ...)" when !a.matched.
void require_match(const Alignment& a, const std::string& what, double min_confidence);

// One timing per transcript word (what timeline::place indexes): aligned words their
// span, a word of punctuation only an empty span where the previous word ended.
std::vector<timeline::WordTiming> word_timings(const Alignment& a);

// For `animate` and the API: aligns, and on any failure (transcript not matching, audio
// too long or silent, model missing) returns no timings and sets `warning` to why, so
// the caller falls back to the spread estimate.
std::vector<timeline::WordTiming> align_words_or_warn(Aligner& aligner, const audio::Audio& speech,
                                                      const std::string& transcript, std::string* warning,
                                                      Alignment* alignment = nullptr);

}  // namespace emosync::align
