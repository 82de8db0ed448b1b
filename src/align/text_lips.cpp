#include "align/text_lips.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "arkit/channel_split.h"
#include "io/error.h"

namespace emosync::align {

namespace {
constexpr double kPi = 3.14159265358979323846;
}  // namespace

LipSource lip_source_from_string(const std::string& s, const std::string& what) {
  if (s == "audio") return LipSource::Audio;
  if (s == "text") return LipSource::Text;
  throw Error(what + ": '" + s + "' is not a lip source (audio | text)");
}

std::string to_string(LipSource s) { return s == LipSource::Text ? "text" : "audio"; }

TranscriptAlignment align_transcript(std::unique_ptr<Aligner>& aligner, const AlignConfig& config,
                                     const audio::Audio& speech, const std::string& transcript) {
  TranscriptAlignment t;
  try {
    if (!aligner) aligner = std::make_unique<Aligner>(config);
    t.alignment = aligner->align(speech, transcript);
    t.decoded = true;
    require_match(t.alignment, "align", aligner->config().min_confidence);
    t.words = word_timings(t.alignment);
    t.matched = true;
  } catch (const Error& e) {
    t.failure = e.what();
  }
  return t;
}

LipsOutcome apply_lips(LipSource requested, const TranscriptAlignment& t, std::vector<float>& frames, double fps,
                       const audio::Audio& speech) {
  LipsOutcome o;
  o.requested = requested;
  if (t.decoded) o.confidence = t.alignment.confidence;
  if (requested != LipSource::Text) return o;
  if (!t.matched) {
    o.fallback = t.failure.empty() ? "the transcript was not aligned" : t.failure;
    return o;
  }
  blend_text_lips(frames, fps, speech, t.alignment);
  o.used = LipSource::Text;
  return o;
}

teacher::PhoneTimeline phone_timeline(const Alignment& a) {
  teacher::PhoneTimeline t;
  t.phone_set = viseme::PhoneSet::Arpabet;
  for (const auto& p : a.phones) t.phones.push_back({p.label, p.start_s, p.end_s});
  return t;
}

void blend_text_lips(std::vector<float>& frames, double fps, const audio::Audio& speech, const Alignment& a,
                     float weight) {
  if (!(weight >= 0 && weight <= 1)) throw Error("text lips: weight must lie in [0, 1]");
  const std::size_t n = frames.size() / arkit::kCount;
  const teacher::PhoneTimeline phones = phone_timeline(a);
  teacher::TeacherInput in;
  in.audio = &speech;
  in.phones = &phones;
  teacher::Animation t = teacher::resample_time(teacher::make_rule_teacher()->animate(in, fps), fps, n);
  const auto& split = arkit::ChannelSplit::standard();
  for (auto type : {arkit::ChannelType::Lipsync, arkit::ChannelType::Shared})
    for (std::size_t c : split.channels(type))
      for (std::size_t f = 0; f < n; ++f) {
        float& y = frames[f * arkit::kCount + c];
        y = std::clamp(weight * t.at(f, c) + (1 - weight) * y, 0.f, 1.f);
      }
  release_lips_in_vowels(frames, fps, a);
}

void release_lips_in_vowels(std::vector<float>& frames, double fps, const Alignment& a) {
  static const std::set<std::string> vowels = {"AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER",
                                               "EY", "IH", "IY", "OW", "OY", "UH", "UW"};
  const std::size_t n = frames.size() / arkit::kCount;
  const std::size_t jaw = arkit::index_of("jawOpen"), close = arkit::index_of("mouthClose");
  for (const auto& p : a.phones) {
    if (!vowels.count(p.label) || p.end_s <= p.start_s) continue;
    // Full strength over the middle third, raised-cosine ramps over the outer thirds, so
    // a vowel squeezed between two bilabials ("Bob") still parts the lips at its centre
    // while the closures on either side stay untouched.
    const double d = p.end_s - p.start_s;
    const auto f0 = static_cast<std::size_t>(std::max(0.0, std::ceil(p.start_s * fps)));
    for (std::size_t f = f0; f < n && f / fps < p.end_s; ++f) {
      const double x = (f / fps - p.start_s) / d;  // 0..1 through the vowel
      const double edge = std::min(x, 1 - x) * 3;  // 0 at the ends, 1 from the middle third
      const float w = edge >= 1 ? 1.f : static_cast<float>(0.5 - 0.5 * std::cos(kPi * edge));
      float& c = frames[f * arkit::kCount + close];
      const float open_limit = kVowelCloseShare * frames[f * arkit::kCount + jaw];
      if (c > open_limit) c -= w * (c - open_limit);
    }
  }
}

}  // namespace emosync::align
