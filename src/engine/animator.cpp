#include "engine/animator.h"

#include <algorithm>
#include <cmath>

#include "emotion/classes.h"
#include "features/stream_resampler.h"
#include "features/clock.h"
#include "features/log_mel.h"
#include "io/error.h"

namespace emosync::engine {

namespace {
constexpr std::size_t kCond = emotion::kConditioningDim;
constexpr std::size_t kChannels = post::kChannels;

void check_rate(int rate) {
  if (rate < kMinSampleRate || rate > kMaxSampleRate)
    throw Error("sample rate " + std::to_string(rate) + " Hz is outside " + std::to_string(kMinSampleRate) + ".." +
                std::to_string(kMaxSampleRate));
}

void check_samples(const float* pcm, std::size_t n) {
  if (n > 0 && pcm == nullptr) throw Error("audio: null sample pointer with " + std::to_string(n) + " samples");
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(pcm[i])) throw Error("audio: sample " + std::to_string(i) + " is not a finite number");
}
}  // namespace

// The stages after the front end (resampling + loudness), fed 16 kHz normalised audio.
struct Animator::Pipeline {
  Pipeline(const runtime::Model& model, const Options& options, std::shared_ptr<const Emotion> emotion)
      : options(options), stream(model), post(options.post), emotion(std::move(emotion)) {}

  // Front end: PCM at the stream's rate -> 16 kHz normalised samples appended to out.
  void front(const float* pcm, std::size_t n, int rate, std::vector<float>& out) {
    if (!resampler) {
      check_rate(rate);
      resampler.emplace(rate, features::kSampleRate);
    } else if (rate != resampler->from_rate()) {
      throw Error("sample rate changed within a stream (" + std::to_string(resampler->from_rate()) + " -> " +
                  std::to_string(rate) + " Hz); call reset first");
    }
    const std::size_t before = out.size();
    resampler->push(pcm, n, out);
    input_samples += n;
    normalise(out, before);
  }
  void front_finish(std::vector<float>& out) {
    if (!resampler) return;
    const std::size_t before = out.size();
    resampler->finish(out);
    normalise(out, before);
  }
  void normalise(std::vector<float>& x, std::size_t from) {
    if (options.normalize_loudness) loudness.process(x.data() + from, x.size() - from);
  }

  // Back end: 16 kHz normalised samples -> features -> model -> post.
  // Long inputs go through in blocks of 256 feature frames: the model's buffers then stay
  // small and in cache (a whole minute at once is ~3x slower), and chunking does not
  // change the frames.
  void back(const float* x, std::size_t n) {
    constexpr std::size_t kBlock = 256 * features::kHopLength;
    for (std::size_t i = 0; i < n; i += kBlock) {
      const std::size_t m = std::min(kBlock, n - i);
      post.push_audio(x + i, m);
      mel.push(x + i, m);
      samples_16k += m;
      run_model();
    }
  }
  void run_model() {
    feats.clear();
    const std::size_t nf = mel.pull_all(feats);
    if (nf > 0) stream.push(feats.data(), nf);
    std::size_t avail = stream.available();
    if (finished) avail = std::min(avail, target_frames - stream.frames_out());
    if (avail == 0) return;
    const std::size_t first = stream.frames_out();
    cond.resize(avail * kCond);
    const auto& rows = emotion->rows;
    const std::size_t n_rows = rows.size() / kCond;
    for (std::size_t k = 0; k < avail; ++k) {
      const std::size_t r = std::min(first + k, n_rows - 1);
      std::copy(rows.begin() + r * kCond, rows.begin() + (r + 1) * kCond, cond.begin() + k * kCond);
    }
    frames.resize(avail * kChannels);
    const std::size_t got = stream.pull(cond.data(), avail, frames.data());
    post.push_frames(frames.data(), got);
  }
  // End of the stream: flush the resampler, then the back end.
  void finish() {
    if (finished) return;
    std::vector<float> tail;
    front_finish(tail);
    back(tail.data(), tail.size());
    finish_back(resampler ? features::frames_for_samples(input_samples, resampler->from_rate(), kFps) : 0);
  }
  // No more 16 kHz audio: the frames up to target_frames become ready.
  void finish_back(std::size_t frames_total) {
    finished = true;
    target_frames = frames_total;
    // Silence after the end, so the model has the features the last frames read.
    const std::size_t need_features = (10 * target_frames + 2) / 3;  // ceil(0.3 T_f) >= target
    const std::size_t need_samples =
        need_features == 0 ? 0 : features::kWindowLength + (need_features - 1) * features::kHopLength;
    if (need_samples > samples_16k) {
      const std::vector<float> zeros(need_samples - samples_16k, 0.0f);
      mel.push(zeros.data(), zeros.size());
    }
    feats.clear();
    const std::size_t nf = mel.pull_all(feats);
    if (nf > 0) stream.push(feats.data(), nf);
    if (stream.frames_in() > 0) {
      stream.finish();
      run_model();
    }
    post.finish();
  }

  Options options;
  std::optional<features::StreamResampler> resampler;
  LoudnessNormalizer loudness{options.loudness};
  features::StreamingLogMel mel;
  runtime::Stream stream;
  post::PostProcessor post;
  std::shared_ptr<const Emotion> emotion;
  std::size_t input_samples = 0, samples_16k = 0, target_frames = 0;
  bool finished = false;
  std::vector<float> feats, cond, frames;
};

Animator::Animator(std::shared_ptr<const runtime::Model> model, const Options& options)
    : model_(std::move(model)), options_(options) {
  if (!model_) throw Error("animator: no model");
  if (model_->arch().n_outputs != static_cast<int>(kChannels))
    throw Error("animator: model has " + std::to_string(model_->arch().n_outputs) + " outputs, not 52");
  if (model_->arch().n_mels != static_cast<int>(features::kMelBands))
    throw Error("animator: model reads " + std::to_string(model_->arch().n_mels) + " mel bands, features have 80");
  set_conditioning(emotion::make_conditioning(emotion::kNeutral, 0.0f));
}

Animator::Animator(runtime::Model model, const Options& options)
    : Animator(std::make_shared<const runtime::Model>(std::move(model)), options) {}

Animator::~Animator() = default;

void Animator::set_conditioning(const emotion::Conditioning& c) {
  for (std::size_t i = 0; i < c.size(); ++i)
    if (!std::isfinite(c[i])) throw Error("conditioning[" + std::to_string(i) + "] is not a finite number");
  auto e = std::make_shared<Emotion>();
  e->rows.assign(c.begin(), c.end());
  emotion_ = e;
  if (stream_) stream_->emotion = emotion_;
}

void Animator::set_emotion(const std::string& name, float intensity) {
  if (!(intensity >= 0 && intensity <= 100))
    throw Error("emotion intensity " + std::to_string(intensity) + " is outside 0..100");
  set_conditioning(emotion::make_conditioning(emotion::parse(name), intensity));
}

void Animator::set_timeline(const std::string& tagged_text, const std::vector<timeline::WordTiming>& words) {
  auto e = std::make_shared<Emotion>();
  e->segments = timeline::parse_tagged(tagged_text);
  // Duration 0: with timings the timeline ends at the last word, without them the words
  // run at the speaking-rate estimate from the start; frames after the end keep the last row.
  e->rows = timeline::conditioning(e->segments, words, 0.0, timeline::TimelineOptions{});
  e->estimate_words = words.empty();
  emotion_ = e;
  if (stream_) stream_->emotion = emotion_;
}

std::vector<float> Animator::process(const float* pcm, std::size_t n, int sample_rate) {
  check_rate(sample_rate);
  check_samples(pcm, n);
  Pipeline p(*model_, options_, emotion_);
  std::vector<float> audio16;
  p.front(pcm, n, sample_rate, audio16);
  p.front_finish(audio16);
  if (emotion_->estimate_words) {
    // Offline, the whole speech is known: spread the words over it.
    auto e = std::make_shared<Emotion>(*emotion_);
    const double duration = static_cast<double>(n) / sample_rate;
    const auto timings =
        estimate_word_timings(timeline::words_of(e->segments), audio16, options_.post.active_db);
    e->rows = timeline::conditioning(e->segments, timings, timings.empty() ? duration : 0.0,
                                     timeline::TimelineOptions{});
    p.emotion = e;
  }
  p.back(audio16.data(), audio16.size());
  p.finish_back(features::frames_for_samples(n, sample_rate, kFps));
  std::vector<float> out(p.post.ready() * kChannels);
  p.post.pull(out.data(), p.post.ready());
  return out;
}

void Animator::push(const float* pcm, std::size_t n, int sample_rate) {
  check_samples(pcm, n);
  if (!stream_) stream_ = std::make_unique<Pipeline>(*model_, options_, emotion_);
  if (stream_->finished) throw Error("stream: push after finish (call reset first)");
  std::vector<float> x;
  stream_->front(pcm, n, sample_rate, x);
  stream_->back(x.data(), x.size());
}

void Animator::finish() {
  if (!stream_) stream_ = std::make_unique<Pipeline>(*model_, options_, emotion_);
  stream_->finish();
}

std::size_t Animator::ready() const { return stream_ ? stream_->post.ready() : 0; }

std::size_t Animator::pull(float* out, std::size_t max_frames) {
  if (!stream_ || max_frames == 0) return 0;
  if (out == nullptr) throw Error("pull: null output buffer");
  return stream_->post.pull(out, max_frames);
}

void Animator::interrupt(double fade_ms) {
  if (!stream_) stream_ = std::make_unique<Pipeline>(*model_, options_, emotion_);
  stream_->post.interrupt(fade_ms);
}

void Animator::reset() { stream_.reset(); }

bool Animator::finished() const { return stream_ && stream_->finished; }

std::size_t Animator::frames_pulled() const { return stream_ ? stream_->post.frames_pulled() : 0; }

double Animator::algorithmic_latency_ms(int sample_rate) const {
  check_rate(sample_rate);
  const double window_ms = 1000.0 * features::kWindowLength / features::kSampleRate;
  const double resampler_ms =
      sample_rate == features::kSampleRate
          ? 0.0
          : 1000.0 * static_cast<double>(features::StreamResampler(sample_rate, features::kSampleRate).latency_samples()) /
                sample_rate;
  return window_ms + model_->arch().lookahead_ms() + resampler_ms;
}

std::vector<timeline::WordTiming> estimate_word_timings(const std::vector<std::string>& words,
                                                        const std::vector<float>& audio, double active_db) {
  constexpr std::size_t kBlock = post::kBlockSamples;
  constexpr double kBlockS = static_cast<double>(kBlock) / features::kSampleRate;
  std::vector<double> speech_starts;  // start time of every active block
  for (std::size_t b = 0; b * kBlock < audio.size(); ++b) {
    const std::size_t end = std::min(audio.size(), (b + 1) * kBlock);
    double e = 0;
    for (std::size_t i = b * kBlock; i < end; ++i) e += static_cast<double>(audio[i]) * audio[i];
    if (10.0 * std::log10(e / static_cast<double>(end - b * kBlock) + 1e-20) > active_db)
      speech_starts.push_back(static_cast<double>(b) * kBlockS);
  }
  std::vector<timeline::WordTiming> out;
  if (speech_starts.empty() || words.empty()) return out;
  // Speech time s (0 .. total) -> audio time, through the active blocks.
  const double total = static_cast<double>(speech_starts.size()) * kBlockS;
  auto at = [&](double s) {
    const double pos = std::clamp(s / kBlockS, 0.0, static_cast<double>(speech_starts.size()));
    const auto b = std::min(static_cast<std::size_t>(pos), speech_starts.size() - 1);
    return speech_starts[b] + (pos - static_cast<double>(b)) * kBlockS;
  };
  double weight_sum = 0;
  for (const auto& w : words) weight_sum += static_cast<double>(w.size()) + 1;  // +1: the gap
  double cum = 0;
  for (const auto& w : words) {
    const double next = cum + static_cast<double>(w.size()) + 1;
    out.push_back({at(total * cum / weight_sum), at(total * (next - 1) / weight_sum), w});
    cum = next;
  }
  return out;
}

}  // namespace emosync::engine
