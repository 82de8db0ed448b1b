#pragma once
// Post-processing of the model's 52-channel frames at 30 fps, each step switchable:
//
//   model frames -> expression low-pass -> lip low-pass -> smoothing (optional, causal
//   one-pole) -> speech
//   gate on the lip channels (fade in at speech onset, to rest after it) -> blinks ->
//   interrupt fade -> frames out
//
// The expression low-pass: the EXPRESSION channels (eyes, brows, cheek puff, nose; the
// compiler's, arkit/channel_split.h) are a function of the emotion, which changes over
// crossfades of a second or more, never at the rate of syllables. A model that hears
// speech can leak it into them (the brows twitching with each syllable), so they pass a
// causal one-pole of expression_ms (150 ms: a syllable-rate wobble of 4-6 Hz keeps about
// a fifth of its size, an emotion crossfade of +-0.8 s is delayed by about 0.15 s). Blinks
// are added after it and keep their speed. 0 turns it off.
//
// The lip low-pass: the LIPSYNC channels pass a causal one-pole of lips_ms (20 ms; 0: off).
// The network reads 100 fps speech features and writes 30 fps lips, with frame-to-frame
// chatter the speech does not have (issue 16: 5.8 % of the lip gap's energy above 8 Hz on
// the dev speakers, 0.7 % for the teacher driven by the alignment). 20 ms takes it to
// 3.8 %, under the 4 % rule of `emosync validate`, while a closure, a 2-8 Hz gesture, keeps
// its depth (sealed p/b/m unchanged, open vowels 0.932 -> 0.918, articulation AUC 0.942 ->
// 0.934; 25 ms costs more of the opening, 15 ms leaves 4.6 %). It delays slow motion by
// (1 - a) / a frames, a = 1 - exp(-33.3 ms / lips_ms): 8 ms at 20 ms. Causal, so it adds
// no latency to streaming.
//
// Speech activity comes from the audio itself (the 16 kHz signal the model hears, after
// loudness normalisation): 10 ms blocks whose mean-square level exceeds active_db count as
// speech. The gate of frame j (instant t = j / 30 s) is
//   1                                 while speech is within hold_ms before t,
//   falling to 0 over release_ms      after that (the mouth is at rest hold + release
//                                     + one block = 120 ms after the speech ends, inside
//                                     the 150 ms the issue allows),
//   rising from 0 over lead_ms        before the next speech onset (lips move before the
//                                     sound, e.g. a closure for /p/).
// A frame is emitted once the audio up to t + lead_ms is known. lead_ms stays below the
// model's own look-ahead (65 ms: 40 ms encoder and resampling plus the 25 ms window), so
// the gate adds no latency to streaming.
//
// One class serves both offline (push everything, finish, pull) and streaming (push
// chunks, pull as frames become ready); the output does not depend on the chunking.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "post/blinks.h"

namespace emosync::post {

constexpr int kFps = 30;
constexpr int kChannels = 52;
constexpr int kSampleRate = 16000;
constexpr std::size_t kBlockSamples = 160;  // 10 ms activity blocks

struct Options {
  bool blinks = true;
  bool fades = true;
  bool smoothing = false;
  std::uint32_t seed = 1;        // blink randomness
  double smoothing_ms = 35;      // one-pole time constant (adds about that much lag)
  double expression_ms = 150;    // EXPRESSION channels' one-pole time constant; 0: off
  double lips_ms = 20;           // LIPSYNC channels' one-pole time constant; 0: off
  double active_db = -50;        // 10 ms block level, dBFS of the mean square
  double lead_ms = 40;           // fade-in before onset
  double hold_ms = 40;           // gate stays open through short gaps (stop closures)
  double release_ms = 70;        // fade-out after the hold
  BlinkOptions blink;
};

// Speech activity of 16 kHz audio in 10 ms blocks (kBlockSamples): a block is speech when
// its mean-square level exceeds active_db; the last, partial block counts by its own mean
// level. The gate below and the engine's speech clock read the same blocks.
class ActivityMeter {
 public:
  explicit ActivityMeter(double active_db) : active_db_(active_db) {}
  // Calls on_block(bool speech) for every block the samples complete.
  template <typename F>
  void push(const float* x, std::size_t n, F&& on_block) {
    for (std::size_t i = 0; i < n; ++i) {
      energy_ += static_cast<double>(x[i]) * x[i];
      if (++fill_ == kBlockSamples) on_block(take());
    }
  }
  // End of the audio: the partial block, if any.
  template <typename F>
  void finish(F&& on_block) {
    if (fill_ > 0) on_block(take());
  }

 private:
  bool take();  // the pending block's verdict; starts the next block

  double active_db_;
  double energy_ = 0;
  std::size_t fill_ = 0;
};

// A causal one-pole low-pass over some of the 52 channels at 30 fps, time constant tau_ms
// (0: passes the frames unchanged). It starts from the first frame it sees, so a clip does
// not fade in from zero.
class ChannelLowPass {
 public:
  ChannelLowPass() = default;
  ChannelLowPass(std::vector<std::size_t> channels, double tau_ms);
  void apply(float* frame);  // one frame of kChannels, in place

 private:
  std::vector<std::size_t> channels_;
  float alpha_ = 1.0f;
  std::vector<float> state_;
};

class PostProcessor {
 public:
  explicit PostProcessor(const Options& options = {});

  // The 16 kHz audio the model hears, in chunks of any size.
  void push_audio(const float* samples, std::size_t n);
  // Model frames in order, row-major [n, 52].
  void push_frames(const float* frames, std::size_t n);
  // No more audio or frames: every pushed frame becomes ready.
  void finish();
  // Frames ready to pull.
  std::size_t ready() const { return out_.size() / kChannels; }
  // Pops up to max_frames ready frames into out ([count, 52]); returns the count.
  std::size_t pull(float* out, std::size_t max_frames);
  // From the next frame pulled on, every channel fades to 0 (neutral rest) and is 0 for
  // every frame whose instant is fade_ms or more after that frame's, and stays there
  // until reset. Blinks stop too: the avatar has been told to stop.
  void interrupt(double fade_ms);
  std::size_t frames_pulled() const { return pulled_; }
  void reset();

  const Options& options() const { return opt_; }
  // Gate (0..1) the lip channels got on each emitted frame; for tests and diagnostics.
  const std::vector<float>& gate_history() const { return gates_; }

 private:
  void emit_ready();
  float gate_at(std::size_t frame) const;
  bool block_active(long block) const;

  Options opt_;
  std::vector<std::size_t> lip_channels_;
  // Activity blocks: the meter and the flags of blocks from blocks_base_.
  ActivityMeter meter_;
  std::deque<std::uint8_t> active_;
  long blocks_base_ = 0;
  bool audio_finished_ = false;
  // Frames waiting for the activity they need.
  std::deque<float> pending_;
  std::size_t frames_in_ = 0, frames_emitted_ = 0;
  ChannelLowPass expression_, lips_, smoothing_;
  Blinks blinks_;
  std::vector<float> gates_;
  // Emitted frames not yet pulled.
  std::deque<float> out_;
  std::size_t pulled_ = 0;
  bool interrupted_ = false;
  std::size_t interrupt_frame_ = 0;
  double interrupt_frames_ = 0;
};

// Offline convenience: frames [n_frames, 52] (row-major) and their 16 kHz audio.
std::vector<float> process(const std::vector<float>& frames, const std::vector<float>& audio_16k,
                           const Options& options = {});

}  // namespace emosync::post
