#include "post/post.h"

#include <algorithm>
#include <cmath>

#include "arkit/channel_split.h"
#include "io/error.h"

namespace emosync::post {

namespace {
constexpr double kBlockS = static_cast<double>(kBlockSamples) / kSampleRate;
constexpr std::size_t kBlinkLeft = 0, kBlinkRight = 7;  // eyeBlinkLeft, eyeBlinkRight

float ease(double x) {
  x = std::clamp(x, 0.0, 1.0);
  return static_cast<float>(x * x * (3 - 2 * x));
}
double frame_time(std::size_t j) { return static_cast<double>(j) / kFps; }
// First block index whose start is at or after t (blocks start at b * 10 ms).
long block_at_or_after(double t) { return static_cast<long>(std::ceil(t / kBlockS - 1e-9)); }
}  // namespace

bool ActivityMeter::take() {
  const double db = 10.0 * std::log10(energy_ / static_cast<double>(fill_) + 1e-20);
  energy_ = 0;
  fill_ = 0;
  return db > active_db_;
}

ChannelLowPass::ChannelLowPass(std::vector<std::size_t> channels, double tau_ms)
    : channels_(std::move(channels)),
      alpha_(tau_ms > 0 ? static_cast<float>(1.0 - std::exp(-1000.0 / (kFps * tau_ms))) : 1.0f) {}

void ChannelLowPass::apply(float* f) {
  if (alpha_ >= 1.0f) return;
  if (state_.empty())
    for (std::size_t c : channels_) state_.push_back(f[c]);
  for (std::size_t k = 0; k < channels_.size(); ++k) {
    state_[k] += alpha_ * (f[channels_[k]] - state_[k]);
    f[channels_[k]] = state_[k];
  }
}

namespace {
std::vector<std::size_t> all_channels() {
  std::vector<std::size_t> c(kChannels);
  for (std::size_t i = 0; i < c.size(); ++i) c[i] = i;
  return c;
}
}  // namespace

PostProcessor::PostProcessor(const Options& options)
    : opt_(options),
      lip_channels_(arkit::ChannelSplit::standard().channels(arkit::ChannelType::Lipsync)),
      meter_(options.active_db),
      expression_(arkit::ChannelSplit::standard().channels(arkit::ChannelType::Expression), options.expression_ms),
      lips_(lip_channels_, options.lips_ms),
      smoothing_(all_channels(), options.smoothing ? options.smoothing_ms : 0.0),
      blinks_(options.seed, kFps, options.blink) {
  if (!(opt_.lead_ms >= 0 && opt_.hold_ms >= 0 && opt_.release_ms > 0 && opt_.smoothing_ms > 0 &&
        opt_.expression_ms >= 0 && opt_.lips_ms >= 0))
    throw Error("post options: lead_ms, hold_ms, expression_ms and lips_ms must be >= 0, release_ms and smoothing_ms > 0");
}

void PostProcessor::reset() { *this = PostProcessor(opt_); }

void PostProcessor::push_audio(const float* x, std::size_t n) {
  if (audio_finished_) throw Error("post: audio pushed after finish (call reset first)");
  meter_.push(x, n, [this](bool speech) { active_.push_back(speech ? 1 : 0); });
  emit_ready();
}

void PostProcessor::push_frames(const float* frames, std::size_t n) {
  if (audio_finished_) throw Error("post: frames pushed after finish (call reset first)");
  pending_.insert(pending_.end(), frames, frames + n * kChannels);
  frames_in_ += n;
  emit_ready();
}

void PostProcessor::finish() {
  if (audio_finished_) return;
  meter_.finish([this](bool speech) { active_.push_back(speech ? 1 : 0); });
  audio_finished_ = true;
  emit_ready();
}

bool PostProcessor::block_active(long b) const {
  if (b < blocks_base_ || b >= blocks_base_ + static_cast<long>(active_.size())) return false;
  return active_[static_cast<std::size_t>(b - blocks_base_)] != 0;
}

float PostProcessor::gate_at(std::size_t frame) const {
  const double t = frame_time(frame);
  const double hold = opt_.hold_ms / 1000, release = opt_.release_ms / 1000, lead = opt_.lead_ms / 1000;
  // Fade-out: time since the end of the last active block that started at or before t.
  float off = 0;
  const long first = block_at_or_after(t - hold - release - kBlockS);
  for (long b = static_cast<long>(std::floor(t / kBlockS + 1e-9)); b >= first; --b) {
    if (!block_active(b)) continue;
    const double since_end = t - static_cast<double>(b + 1) * kBlockS;
    off = since_end <= hold ? 1.0f : 1.0f - ease((since_end - hold) / release);
    break;
  }
  if (off >= 1.0f) return 1.0f;
  // Fade-in: the next onset within lead after t.
  float on = 0;
  if (lead > 0) {
    const long last = static_cast<long>(std::floor((t + lead) / kBlockS + 1e-9));
    for (long b = static_cast<long>(std::floor(t / kBlockS + 1e-9)) + 1; b <= last; ++b) {
      if (!block_active(b)) continue;
      on = 1.0f - ease((static_cast<double>(b) * kBlockS - t) / lead);
      break;
    }
  }
  return std::max(on, off);
}

void PostProcessor::emit_ready() {
  const long complete = blocks_base_ + static_cast<long>(active_.size());
  const double lead = opt_.lead_ms / 1000;
  while (frames_emitted_ < frames_in_) {
    const std::size_t j = frames_emitted_;
    // The gate reads blocks up to t + lead: wait for them unless the audio has ended.
    if (!audio_finished_ && complete < block_at_or_after(frame_time(j) + lead) + 1) break;
    float f[kChannels];
    std::copy(pending_.begin(), pending_.begin() + kChannels, f);
    pending_.erase(pending_.begin(), pending_.begin() + kChannels);
    expression_.apply(f);
    lips_.apply(f);
    smoothing_.apply(f);
    const float g = opt_.fades ? gate_at(j) : 1.0f;
    gates_.push_back(g);
    if (opt_.fades)
      for (std::size_t c : lip_channels_) f[c] *= g;
    if (opt_.blinks) {
      // The lid closes from wherever the expression holds it (e.g. sadness lowers it).
      const float b = blinks_.next();
      for (std::size_t c : {kBlinkLeft, kBlinkRight}) f[c] += (1.0f - f[c]) * b;
    }
    out_.insert(out_.end(), f, f + kChannels);
    ++frames_emitted_;
  }
  // Blocks that no later frame reads (older than the gate's window) are dropped.
  const double t_next = frame_time(frames_emitted_);
  const long keep_from =
      block_at_or_after(t_next - (opt_.hold_ms + opt_.release_ms) / 1000 - kBlockS) - 1;
  while (!active_.empty() && blocks_base_ < keep_from) {
    active_.pop_front();
    ++blocks_base_;
  }
}

void PostProcessor::interrupt(double fade_ms) {
  if (!(fade_ms >= 0)) throw Error("interrupt: fade_ms must be >= 0");
  const double frames = fade_ms * kFps / 1000.0;
  // A second interrupt may shorten the fade, never lengthen it.
  if (interrupted_ && static_cast<double>(interrupt_frame_) + interrupt_frames_ <= static_cast<double>(pulled_) + frames)
    return;
  interrupted_ = true;
  interrupt_frame_ = pulled_;
  interrupt_frames_ = frames;
}

std::size_t PostProcessor::pull(float* out, std::size_t max_frames) {
  const std::size_t n = std::min(max_frames, ready());
  for (std::size_t i = 0; i < n; ++i) {
    float gain = 1.0f;
    if (interrupted_) {
      const double k = static_cast<double>(pulled_ - interrupt_frame_ + 1);  // frames into the fade
      gain = k >= interrupt_frames_ ? 0.0f : 1.0f - ease(k / interrupt_frames_);
    }
    for (int c = 0; c < kChannels; ++c) out[i * kChannels + c] = out_[c] * gain;
    out_.erase(out_.begin(), out_.begin() + kChannels);
    ++pulled_;
  }
  return n;
}

std::vector<float> process(const std::vector<float>& frames, const std::vector<float>& audio_16k,
                           const Options& options) {
  if (frames.size() % kChannels != 0)
    throw Error("post: frames hold " + std::to_string(frames.size()) + " values, not a multiple of 52");
  PostProcessor p(options);
  p.push_audio(audio_16k.data(), audio_16k.size());
  p.push_frames(frames.data(), frames.size() / kChannels);
  p.finish();
  std::vector<float> out(frames.size());
  p.pull(out.data(), frames.size() / kChannels);
  return out;
}

}  // namespace emosync::post
