// POST /api/animate: uploaded speech + tagged text (or one emotion) -> engine::Animator
// -> 52 blendshapes at 30 fps. The request is checked field by field before the engine
// runs, so every client mistake is a 4xx naming the field; what fails after that is ours
// (500).
//
// lips=text is `emosync animate --lips text` and the C API's EMOSYNC_LIPS_TEXT: the same
// align::align_transcript before the model and align::apply_lips after it
// (align/text_lips.h), so the three cannot drift apart.
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>

#include "align/text_lips.h"
#include "arkit/blendshapes.h"
#include "audio/audio.h"
#include "emotion/classes.h"
#include "engine/animator.h"
#include "io/error.h"
#include "runtime/model.h"
#include "server/api_common.h"
#include "textemotion/tagger.h"
#include "timeline/timeline.h"

namespace emosync::server::detail {
namespace {

using io::Json;

constexpr std::size_t kMaxText = 100000;  // characters of text or word timings

const char* const kFields[] = {"text", "emotion", "words", "blinks", "fades", "autotag", "seed", "lips"};
const char* const kFieldList = "text, emotion, words, blinks, fades, autotag, seed, lips";

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

std::string media_type(const std::string& content_type) {
  std::string t = content_type.substr(0, content_type.find(';'));
  while (!t.empty() && t.back() == ' ') t.pop_back();
  for (auto& ch : t) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return t;
}

// The request's audio bytes and its text fields, wherever they came from.
struct Fields {
  const std::string* audio = nullptr;
  std::map<std::string, std::string> values;
};

void add_field(Fields& f, const std::string& name, const std::string& value) {
  bool known = false;
  for (const char* k : kFields) known = known || name == k;
  if (!known) bad(name + ": unknown field (expected audio and " + std::string(kFieldList) + ")");
  if (!f.values.emplace(name, value).second) bad(name + ": given more than once");
  if (value.size() > kMaxText) bad(name + ": longer than " + std::to_string(kMaxText) + " characters", 413);
  require_utf8(name, value);
}

Fields fields_of(const Request& req) {
  Fields f;
  const std::string type = media_type(req.content_type);
  if (type == "multipart/form-data") {
    for (const auto& p : req.parts) {
      if (p.name == "audio") {
        if (f.audio) bad("audio: given more than once");
        f.audio = &p.content;
      } else {
        add_field(f, p.name, p.content);
      }
    }
    if (!f.audio) bad("audio: missing (a multipart/form-data part named 'audio' holding the speech file)");
  } else if (type.empty() || starts_with(type, "audio/") || type == "application/octet-stream") {
    f.audio = &req.body;
    if (req.body.empty()) bad("audio: empty body (send the speech file as the body, Content-Type audio/wav)");
  } else {
    bad("Content-Type: expected audio/wav (the file as the body, fields as query parameters) or "
        "multipart/form-data (parts 'audio', 'text', 'words', ...), got '" + req.content_type + "'", 415);
  }
  for (const auto& [k, v] : req.params) {
    if (k == "audio") bad("audio: send the speech file as the body or as a multipart part, not as a query parameter");
    add_field(f, k, v);
  }
  return f;
}

bool flag(const Fields& f, const std::string& name, bool fallback) {
  auto it = f.values.find(name);
  if (it == f.values.end()) return fallback;
  const std::string& v = it->second;
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off") return false;
  bad(name + ": must be 0 or 1, got '" + v + "'");
}

const std::string* value(const Fields& f, const std::string& name) {
  auto it = f.values.find(name);
  return it == f.values.end() ? nullptr : &it->second;
}

// "joy" or "joy:70" -> (class name, intensity 0..100; the name alone is L3).
std::pair<std::string, float> parse_emotion_field(const std::string& v) {
  const auto colon = v.find(':');
  const std::string name = v.substr(0, colon);
  if (!emotion::find(name)) bad("emotion: unknown emotion '" + name + "'; valid: " + emotion::valid_names_text());
  float intensity = timeline::kDefaultIntensity;
  if (colon != std::string::npos) {
    const std::string num = v.substr(colon + 1);
    char* end = nullptr;
    double x = std::strtod(num.c_str(), &end);
    if (num.empty() || end != num.c_str() + num.size() || !std::isfinite(x) || x < 0 || x > 100)
      bad("emotion: intensity must be a number in [0, 100], got '" + num + "'");
    intensity = static_cast<float>(x);
  }
  return {name, intensity};
}

audio::Audio decode_speech(const std::string& bytes, double max_seconds) {
  audio::Audio a;
  try {
    a = audio::decode_audio(bytes, "audio", max_seconds);
  } catch (const Error& e) {
    const std::string msg = e.what();
    bad(msg, msg.find("longer than") != std::string::npos ? 413 : 400);
  }
  // decode_audio has refused empty and non-finite audio; the engine takes 8..48 kHz,
  // other rates are brought to the model's 16 kHz first.
  try {
    a = audio::within_rates(std::move(a), engine::kMinSampleRate, engine::kMaxSampleRate, audio::kModelRate, "audio");
  } catch (const Error& e) {
    bad(e.what());
  }
  return a;
}

// An aligner of the server's pool for one alignment, given back when it ends (also when it
// throws); without a pool, align_transcript loads one for this request alone.
class Borrowed {
 public:
  explicit Borrowed(AlignerPool* pool) : pool_(pool) {
    if (pool_) aligner = pool_->borrow();
  }
  ~Borrowed() {
    if (pool_) pool_->give_back(std::move(aligner));
  }
  Borrowed(const Borrowed&) = delete;
  Borrowed& operator=(const Borrowed&) = delete;
  std::unique_ptr<align::Aligner> aligner;

 private:
  AlignerPool* pool_;
};

}  // namespace

Reply animate_api(const Options& opt, const Request& req) {
  const Fields f = fields_of(req);
  const std::string* text = value(f, "text");
  const std::string* emotion = value(f, "emotion");
  const std::string* words_tsv = value(f, "words");
  if (text && emotion) bad("emotion: give 'text' or 'emotion', not both");
  if (words_tsv && !text) bad("words: needs 'text' (the timings belong to its words)");
  align::LipSource lips = align::LipSource::Audio;
  if (const std::string* l = value(f, "lips")) {
    try {
      lips = align::lip_source_from_string(*l, "lips");  // "lips: 'x' is not a lip source (audio | text)"
    } catch (const Error& e) {
      bad(e.what());
    }
  }
  if (lips == align::LipSource::Text && !text) bad("lips: text needs 'text' (the transcript the mouth follows)");

  engine::Options eo;
  eo.post.blinks = flag(f, "blinks", true);
  eo.post.fades = flag(f, "fades", true);
  const bool autotag = flag(f, "autotag", true);
  if (const std::string* seed = value(f, "seed")) {
    char* end = nullptr;
    unsigned long s = std::strtoul(seed->c_str(), &end, 10);
    if (seed->empty() || end != seed->c_str() + seed->size() || s > 0xffffffffu || (*seed)[0] == '-')
      bad("seed: must be a whole number in [0, 4294967295], got '" + *seed + "'");
    eo.post.seed = static_cast<unsigned>(s);
  }

  std::optional<std::pair<std::string, float>> one_emotion;
  if (emotion) one_emotion = parse_emotion_field(*emotion);

  std::vector<timeline::WordTiming> words;
  if (words_tsv) {
    try {
      words = timeline::parse_words_tsv(*words_tsv, "words");  // "words:<line>: ..."
    } catch (const Error& e) {
      bad(e.what());
    }
    if (words.empty()) bad("words: no 'start end word' lines");
  }

  std::string tagged, how = "neutral (no text)";
  if (one_emotion) {
    const float i = one_emotion->second;
    tagged = "[" + one_emotion->first + ":" + format_number(i) + "]";
    how = "one emotion for the clip";
  } else if (text) {
    if (!autotag && text->find('[') == std::string::npos) {
      tagged = *text;
      how = "plain text, neutral (autotag=0)";
    } else {
      textemotion::TimelineText t = textemotion::timeline_text(*text, textemotion::Tagger::embedded());
      tagged = t.text;
      how = t.how;
    }
    std::vector<timeline::Segment> segments;
    try {
      segments = timeline::parse_tagged(tagged);
    } catch (const Error& e) {
      bad(std::string("text: ") + e.what());
    }
    if (timeline::words_of(segments).empty()) bad("text: no words (give the words that are spoken, or 'emotion')");
  }

  // Last: the upload itself, the costliest check.
  const audio::Audio speech = decode_speech(*f.audio, opt.max_audio_s);
  const double seconds = speech.duration_s();
  if (!words.empty() && words.back().end_s > seconds + 0.5)
    bad("words: the last word ends at " + Json(words.back().end_s).dump() + " s, after the audio (" +
        Json(std::round(seconds * 1000) / 1000).dump() + " s)");

  std::shared_ptr<const runtime::Model> model = opt.model;
  if (!model) model = std::shared_ptr<const runtime::Model>(&runtime::Model::embedded_default(), [](const runtime::Model*) {});
  // lips=text: the transcript aligned to the speech; a match also starts the tags at their
  // aligned words when no `words` were given. A failed alignment is not an error: the
  // clip gets the audio lips (and the spread or given tag timings) and the reply says why.
  align::TranscriptAlignment aligned;
  if (lips == align::LipSource::Text) {
    Borrowed b(opt.aligners.get());
    aligned = align::align_transcript(b.aligner, align::AlignConfig{}, speech, tagged);
    if (aligned.matched && words.empty()) words = aligned.words;
  }
  engine::Animator animator(model, eo);
  if (one_emotion) animator.set_emotion(one_emotion->first, one_emotion->second);
  else if (text) animator.set_timeline(tagged, words);
  std::vector<float> out = animator.process(speech.samples.data(), speech.samples.size(), speech.sample_rate);
  const align::LipsOutcome lipped = align::apply_lips(lips, aligned, out, engine::kFps, speech);
  // The C API's emosync_lips_report, as JSON: requested, used, the alignment's confidence
  // when it decoded, and the fallback's reason in the same words.
  Json lips_json = {{"requested", align::to_string(lipped.requested)}, {"used", align::to_string(lipped.used)}};
  if (lipped.confidence >= 0) lips_json["confidence"] = std::round(lipped.confidence * 1000) / 1000;
  if (!lipped.fallback.empty()) lips_json["reason"] = lipped.fallback;

  Json frames = Json::array();
  for (std::size_t i = 0; i + arkit::kCount <= out.size(); i += arkit::kCount) frames.push_back(vec(out.data() + i, arkit::kCount));
  return json_reply({{"fps", engine::kFps},
                     {"names", names_json()},
                     {"frames", frames},
                     {"tagged", tagged},
                     {"how", how},
                     {"seconds", seconds},
                     {"sample_rate", speech.sample_rate},
                     {"lips", lips_json}});
}

}  // namespace emosync::server::detail

namespace emosync::server {

AlignerPool::AlignerPool() = default;
AlignerPool::~AlignerPool() = default;

std::unique_ptr<align::Aligner> AlignerPool::borrow() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (idle_.empty()) return nullptr;
  std::unique_ptr<align::Aligner> a = std::move(idle_.back());
  idle_.pop_back();
  return a;
}

void AlignerPool::give_back(std::unique_ptr<align::Aligner> aligner) noexcept {
  if (!aligner) return;
  try {
    std::lock_guard<std::mutex> lock(mutex_);
    idle_.push_back(std::move(aligner));
  } catch (...) {
    // Out of memory for one pointer: the aligner is freed here and the next request
    // loads another; a reply is still sent.
  }
}

std::size_t AlignerPool::idle() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return idle_.size();
}

}  // namespace emosync::server
