#pragma once
// engine::Animator: speech (+ emotion) -> 52 ARKit blendshapes at 30 fps, the runtime
// pipeline behind the C API and the `say` / `animate` commands:
//
//   PCM at any rate 8..48 kHz -> 16 kHz (StreamResampler, windowed sinc) -> loudness
//   normalisation (LoudnessNormalizer) -> log-mel (features::StreamingLogMel) -> model
//   (runtime::Stream, with per-frame 19-dim conditioning) -> post (post::PostProcessor)
//
// Clock: frame j stands for the instant j / 30 s of the input. A clip of n samples at
// `rate` gives ceil(n * 30 / rate) frames (features::frames_for_samples; exact integer
// arithmetic, so 10 minutes at 44.1 kHz give 18000 frames, no drift). The tail is padded
// with silence so the last frames exist.
//
// Offline `process` and streaming push/finish/pull run the same causal stages, so they
// give the same frames (to float rounding of the model's block products, < 1e-5) for any
// chunking.
//
// Streaming latency: a frame at instant t is ready once the input reaches
//   t + 25 ms (log-mel window) + the model's look-ahead (arch().lookahead_ms(): encoder
//   look-ahead + 30 fps resampling look-ahead; 70 ms for the shipped model) + the
//   resampler's half filter (0 at 16 kHz, 2.2 ms from 48 kHz, 4.4 ms from 8 kHz)
// i.e. 95-99.4 ms with the shipped model, plus the chunk the caller pushes.
// algorithmic_latency_ms() gives the figure; tests/engine measures it.
//
// Emotion: a constant conditioning, a class name + intensity, or a tagged-text timeline.
// With word timings the timeline is placed at the words. Without them the words run at
// kSyllablesPerSecond (syllables(): vowel groups) on a speech clock that advances only
// while speech is heard (10 ms blocks above post active_db): the emotion holds through
// leading silence and pauses.
// The clock is causal, so offline and streaming give the same frames here too (spreading
// the words over the whole detected speech, as this once did offline, needs the speech
// still to come). Setting the emotion affects frames not yet computed.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emotion/conditioning.h"
#include "engine/loudness.h"
#include "post/post.h"
#include "runtime/model.h"
#include "timeline/timeline.h"

namespace emosync::engine {

constexpr int kFps = 30;
// Syllables per second of detected speech, pauses excluded (the articulation rate of
// English is about 5).
constexpr double kSyllablesPerSecond = 5.0;
constexpr int kMinSampleRate = 8000, kMaxSampleRate = 48000;

struct Options {
  post::Options post;               // blinks, fades, smoothing, seed
  bool normalize_loudness = true;
  LoudnessOptions loudness;
};

class Animator {
 public:
  explicit Animator(std::shared_ptr<const runtime::Model> model, const Options& options = {});
  explicit Animator(runtime::Model model, const Options& options = {});
  ~Animator();
  Animator(const Animator&) = delete;
  Animator& operator=(const Animator&) = delete;

  const runtime::Model& model() const { return *model_; }
  const Options& options() const { return options_; }

  // Emotion (default: neutral).
  void set_conditioning(const emotion::Conditioning& cond);
  void set_emotion(const std::string& name, float intensity);  // Error on an unknown name / bad intensity
  // words: timings of the spoken words; none: estimated (see above). Error with line/column.
  void set_timeline(const std::string& tagged_text, const std::vector<timeline::WordTiming>& words = {});

  // Whole buffer: mono PCM at sample_rate -> [frames, 52] row-major. Independent of the
  // stream below (neither disturbs the other).
  std::vector<float> process(const float* pcm, std::size_t n, int sample_rate);

  // Streaming. One sample rate per stream; Error on a rate change or a push after finish.
  void push(const float* pcm, std::size_t n, int sample_rate);
  void finish();
  std::size_t ready() const;
  std::size_t pull(float* out, std::size_t max_frames);  // [count, 52]; returns count
  // Face to neutral rest within fade_ms from the next frame pulled (post::PostProcessor).
  void interrupt(double fade_ms);
  void reset();  // a new stream; the emotion setting is kept
  bool finished() const;
  std::size_t frames_pulled() const;

  // Input time a frame waits for before it can be computed (see above), without the chunk.
  double algorithmic_latency_ms(int sample_rate) const;

  struct Pipeline;  // one stream's state (animator.cpp)

 private:
  std::shared_ptr<const runtime::Model> model_;
  Options options_;
  // Emotion source: a constant row, or rows at 30 fps (rows past the end repeat the last),
  // indexed by the frame or, for a timeline without word timings, by the speech clock.
  struct Emotion {
    std::vector<float> rows = std::vector<float>(emotion::kConditioningDim, 0.0f);
    bool speech_time = false;
  };
  std::shared_ptr<const Emotion> emotion_;
  std::unique_ptr<Pipeline> stream_;
};

// Syllables of a word, roughly (groups of vowels, y included, less a final silent e;
// at least 1): what the speech clock counts in.
std::size_t syllables(std::string_view word);

}  // namespace emosync::engine
