// espeak-ng through its C API. The library keeps global state (one voice, one
// callback), so every call holds one process-wide mutex and sets its voice and
// parameters again.
#include <espeak-ng/speak_lib.h>

#include <cstring>
#include <mutex>

#include "io/error.h"
#include "tts/engines.h"

namespace emosync::tts {
namespace {

std::mutex& espeak_mutex() {
  static std::mutex m;
  return m;
}

struct Collector {
  std::vector<float> samples;
  std::vector<espeak_EVENT> events;
};

int synth_callback(short* wav, int n, espeak_EVENT* events) {
  Collector* c = nullptr;
  for (espeak_EVENT* e = events; e->type != espeakEVENT_LIST_TERMINATED; ++e) {
    c = static_cast<Collector*>(e->user_data);
    if (c && (e->type == espeakEVENT_PHONEME || e->type == espeakEVENT_WORD)) c->events.push_back(*e);
  }
  if (!c) c = static_cast<Collector*>(events->user_data);
  if (c && wav)
    for (int i = 0; i < n; ++i) c->samples.push_back(static_cast<float>(wav[i]) / 32768.f);
  return 0;  // continue
}

int espeak_rate_hz() {
  // Called under the mutex.
  static int rate = [] {
    int r = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, espeakINITIALIZE_PHONEME_EVENTS);
    if (r <= 0) throw Error("espeak-ng: initialisation failed (is espeak-ng-data installed?)");
    espeak_SetSynthCallback(synth_callback);
    return r;
  }();
  return rate;
}

// Byte offset of the `chars`-th UTF-8 character (0-based) of `text`.
std::size_t utf8_byte_offset(const std::string& text, std::size_t chars) {
  std::size_t i = 0;
  while (i < text.size() && chars > 0) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
    --chars;
  }
  return i;
}

class EspeakTts : public Tts {
 public:
  explicit EspeakTts(const TtsConfig& c) : config_(c) {
    if (config_.voice.empty()) config_.voice = "en-us";
    std::lock_guard<std::mutex> lock(espeak_mutex());
    espeak_rate_hz();
    if (espeak_SetVoiceByName(config_.voice.c_str()) != EE_OK)
      throw Error("espeak-ng: unknown voice '" + config_.voice + "' (try en-us, en, en-gb-x-rp)");
  }
  std::string name() const override { return "espeak-ng:" + config_.voice; }

  TtsResult synthesize(const std::string& text) override {
    std::lock_guard<std::mutex> lock(espeak_mutex());
    int rate_hz = espeak_rate_hz();
    if (espeak_SetVoiceByName(config_.voice.c_str()) != EE_OK)
      throw Error("espeak-ng: unknown voice '" + config_.voice + "'");
    espeak_SetParameter(espeakRATE, static_cast<int>(175 * config_.rate + 0.5), 0);
    espeak_SetParameter(espeakPITCH, config_.pitch, 0);
    Collector c;
    espeak_ERROR err = espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr, &c);
    if (err != EE_OK) throw Error("espeak-ng: synthesis failed (error " + std::to_string(err) + ")");
    espeak_Synchronize();

    TtsResult r;
    r.phone_set = viseme::PhoneSet::Espeak;
    r.audio.sample_rate = rate_hz;
    r.audio.samples = std::move(c.samples);
    double total = r.audio.duration_s();
    const auto& map = viseme::PhonemeMap::standard(viseme::PhoneSet::Espeak);
    for (const auto& e : c.events) {
      double t = std::min(static_cast<double>(e.sample) / rate_hz, total);
      if (e.type == espeakEVENT_PHONEME) {
        char buf[9] = {0};
        std::memcpy(buf, e.id.string, 8);
        r.phonemes.push_back({buf, t, t});
      } else {
        WordEvent w;
        std::size_t first = e.text_position > 0 ? static_cast<std::size_t>(e.text_position - 1) : 0;
        w.text_begin = utf8_byte_offset(text, first);
        w.text_end = utf8_byte_offset(text, first + static_cast<std::size_t>(std::max(e.length, 0)));
        w.text = text.substr(w.text_begin, w.text_end - w.text_begin);
        w.start_s = t;
        r.words.push_back(w);
      }
    }
    close_phoneme_ends(r.phonemes, total);
    // A word ends where the next begins, less any pause between them.
    for (std::size_t i = 0; i < r.words.size(); ++i) {
      double end = i + 1 < r.words.size() ? r.words[i + 1].start_s : total;
      for (const auto& p : r.phonemes) {
        if (p.start_s <= r.words[i].start_s || p.start_s >= end) continue;
        auto v = map.try_lookup(p.symbol);
        if (v && *v == viseme::Viseme::sil) {
          end = p.start_s;
          break;
        }
      }
      r.words[i].end_s = std::max(end, r.words[i].start_s);
    }
    return r;
  }

 private:
  TtsConfig config_;
};

}  // namespace

std::unique_ptr<Tts> make_espeak(const TtsConfig& c) { return std::make_unique<EspeakTts>(c); }

}  // namespace emosync::tts
