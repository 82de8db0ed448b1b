// Voices that cannot run here (edge-tts needs the network): another tool writes the
// audio and word boundaries; this engine reads them back. Such tools give no
// phonemes, so by default each word is phonemised with espeak-ng (same voice family
// as the espeak engine) and its phonemes are spread over the word's interval in
// proportion to espeak's own durations.
#include <algorithm>

#include "io/error.h"
#include "tts/engines.h"

namespace emosync::tts {
namespace {

class ExternalTts : public Tts {
 public:
  explicit ExternalTts(const TtsConfig& c) : config_(c) {
    if (config_.external_phonemes) {
      TtsConfig e;
      e.engine = "espeak";
      e.voice = "en-us";
      phonemiser_ = make_espeak(e);
    }
  }
  std::string name() const override { return "external:" + config_.external_audio; }

  TtsResult synthesize(const std::string& text) override {
    TtsResult r;
    r.phone_set = viseme::PhoneSet::Espeak;
    r.audio = audio::read_audio(config_.external_audio);
    r.words = read_word_timings(config_.external_timings, text);
    double total = r.audio.duration_s();
    for (auto& w : r.words) {
      if (w.start_s > total + 0.05)
        throw Error(config_.external_timings + ": word '" + w.text + "' starts at " + std::to_string(w.start_s) +
                    " s, after the end of " + config_.external_audio + " (" + std::to_string(total) + " s)");
      w.end_s = std::min(w.end_s, total);
    }
    if (phonemiser_) r.phonemes = estimate_phonemes(r.words, total);
    return r;
  }

 private:
  std::vector<PhonemeEvent> estimate_phonemes(const std::vector<WordEvent>& words, double total) {
    const auto& map = viseme::PhonemeMap::standard(viseme::PhoneSet::Espeak);
    std::vector<PhonemeEvent> out;
    double t = 0;
    for (const auto& w : words) {
      if (w.start_s > t + 1e-4) out.push_back({"_", t, w.start_s});
      TtsResult s = phonemiser_->synthesize(w.text);
      std::vector<PhonemeEvent> sounding;
      for (const auto& p : s.phonemes) {
        auto v = map.try_lookup(p.symbol);
        if (v && *v != viseme::Viseme::sil && p.end_s > p.start_s) sounding.push_back(p);
      }
      double span = 0;
      for (const auto& p : sounding) span += p.end_s - p.start_s;
      double a = std::max(w.start_s, t), b = std::max(w.end_s, a);
      double cursor = a;
      for (const auto& p : sounding) {
        double d = span > 0 ? (b - a) * (p.end_s - p.start_s) / span : 0;
        out.push_back({p.symbol, cursor, cursor + d});
        cursor += d;
      }
      t = std::max(t, b);
    }
    if (total > t + 1e-4) out.push_back({"_", t, total});
    return out;
  }

  TtsConfig config_;
  std::unique_ptr<Tts> phonemiser_;
};

}  // namespace

std::unique_ptr<Tts> make_external(const TtsConfig& c) { return std::make_unique<ExternalTts>(c); }

}  // namespace emosync::tts
