#include "engine/animator.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <deque>

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

// Speech heard before frame j's instant (j / 30 s), in frames (1/30 s of speech): the clock
// that moves a timeline without word timings. Causal, so streaming and offline agree:
// the block holding a frame's instant is always heard before the model can compute that
// frame (its log-mel window and look-ahead reach further). Frames are asked in order;
// blocks behind them are dropped, so a long stream keeps a few blocks only. Blocks never
// heard (past the end of the audio) count as silence.
class SpeechClock {
 public:
  explicit SpeechClock(double active_db) : meter_(active_db) {}
  void push(const float* x, std::size_t n) {
    meter_.push(x, n, [this](bool speech) { blocks_.push_back(speech); });
  }
  void finish() {
    meter_.finish([this](bool speech) { blocks_.push_back(speech); });
  }
  double frames_before(std::size_t j) {
    // 100 blocks and 30 frames a second: the instant lies in block 10j/3, (10j mod 3)/3 in.
    const std::size_t block = 10 * j / 3;
    while (next_ < block && !blocks_.empty()) {
      speech_blocks_ += blocks_.front() ? 1 : 0;
      blocks_.pop_front();
      ++next_;
    }
    double in_block = 0;
    if (next_ == block && !blocks_.empty() && blocks_.front()) in_block = static_cast<double>(10 * j % 3) / 3;
    return (static_cast<double>(speech_blocks_) + in_block) * kFps / 100.0;
  }

 private:
  post::ActivityMeter meter_;
  std::deque<bool> blocks_;  // from block next_ on
  std::size_t next_ = 0, speech_blocks_ = 0;
};

// Words one after the other on the speech clock, each lasting its syllables at
// kSyllablesPerSecond: a faster or slower speaker moves the clock faster or slower through
// the same syllables, which a rate in words would not follow (short and long words).
static std::vector<timeline::WordTiming> speech_clock_words(const std::vector<std::string>& words) {
  std::vector<timeline::WordTiming> out;
  double t = 0;
  for (const auto& w : words) {
    const double d = static_cast<double>(syllables(w)) / kSyllablesPerSecond;
    out.push_back({t, t + d, w});
    t += d;
  }
  return out;
}

// The stages after the front end (resampling + loudness), fed 16 kHz normalised audio.
struct Animator::Pipeline {
  Pipeline(const runtime::Model& model, const Options& options, std::shared_ptr<const Emotion> emotion)
      : options(options), stream(model), post(options.post), clock(options.post.active_db), emotion(std::move(emotion)) {}

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
      clock.push(x + i, m);
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
    auto row = [&](std::size_t r) { return rows.begin() + static_cast<std::ptrdiff_t>(std::min(r, n_rows - 1) * kCond); };
    for (std::size_t k = 0; k < avail; ++k) {
      float* c = &cond[k * kCond];
      if (!emotion->speech_time) {
        std::copy(row(first + k), row(first + k) + kCond, c);
        continue;
      }
      // Between the rows around the speech heard so far.
      const double pos = clock.frames_before(first + k);
      const auto r0 = static_cast<std::size_t>(pos);
      const float f = static_cast<float>(pos - static_cast<double>(r0));
      for (std::size_t i = 0; i < kCond; ++i) c[i] = (1 - f) * row(r0)[static_cast<std::ptrdiff_t>(i)] + f * row(r0 + 1)[static_cast<std::ptrdiff_t>(i)];
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
    clock.finish();
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
  SpeechClock clock;
  std::shared_ptr<const Emotion> emotion;
  std::size_t input_samples = 0, samples_16k = 0, target_frames = 0;
  bool finished = false;
  std::vector<float> feats, cond, frames;
};

Animator::Animator(std::shared_ptr<const runtime::Model> model, const Options& options)
    : model_(std::move(model)), options_(options) {
  if (!model_) throw Error("animator: no model");
  if (model_->arch().n_outputs != static_cast<int>(kChannels))
    throw Error(model_->source() + ": architecture.n_outputs is " + std::to_string(model_->arch().n_outputs) +
                ", the animator needs 52");
  if (model_->arch().n_mels != static_cast<int>(features::kMelBands))
    throw Error(model_->source() + ": architecture.n_mels is " + std::to_string(model_->arch().n_mels) +
                ", the animator's log-mel features have " + std::to_string(features::kMelBands));
  set_conditioning(emotion::make_conditioning(emotion::kNeutral, 0.0f));
}

Animator::Animator(runtime::Model model, const Options& options)
    : Animator(std::make_shared<const runtime::Model>(std::move(model)), options) {}

Animator::~Animator() = default;

void Animator::set_conditioning(const emotion::Conditioning& c) {
  runtime::check_conditioning_row(c.data(), "conditioning");
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
  const auto segments = timeline::parse_tagged(tagged_text);
  // Duration 0: the timeline ends at the last word; frames after it keep the last row.
  // Without timings the words get speech-clock times.
  e->speech_time = words.empty();
  e->rows = timeline::conditioning(segments, e->speech_time ? speech_clock_words(timeline::words_of(segments)) : words,
                                   0.0, timeline::TimelineOptions{});
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

std::size_t syllables(std::string_view word) {
  auto vowel = [](char c) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
  };
  std::size_t groups = 0, letters = 0;
  bool in_group = false;
  char last = 0, before_last = 0;
  for (char c : word) {
    if (!std::isalpha(static_cast<unsigned char>(c))) continue;
    ++letters;
    if (vowel(c) && !in_group) ++groups;
    in_group = vowel(c);
    before_last = last;
    last = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  // A final silent e ("move", "have"), not in "-le" ("table") or a word of one group.
  if (groups > 1 && last == 'e' && before_last != 'l' && !vowel(before_last)) --groups;
  // Words without Latin letters (numbers, other scripts): about one syllable per 3 bytes.
  if (letters == 0) return std::max<std::size_t>(1, word.size() / 3);
  return std::max<std::size_t>(1, groups);
}

}  // namespace emosync::engine
