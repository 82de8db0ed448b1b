// flite (CMU) voices. Phone timings come from the utterance's Segment relation
// ("end" feature of each segment); word timings from each Word's first and last
// segment through the SylStructure relation.
#include <flite/flite.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <mutex>

#include "io/error.h"
#include "tts/engines.h"

extern "C" {
cst_voice* register_cmu_us_kal(const char* voxdir);
cst_voice* register_cmu_us_kal16(const char* voxdir);
cst_voice* register_cmu_us_slt(const char* voxdir);
cst_voice* register_cmu_us_rms(const char* voxdir);
cst_voice* register_cmu_us_awb(const char* voxdir);
}

namespace emosync::tts {
namespace {

constexpr unsigned kNoiseSeed = 1;

struct FliteVoice {
  cst_voice* voice = nullptr;
  // The voice's own mean pitch, read once at registration: every engine sets the
  // shared voice's pitch from it, so an engine made after another one moved the
  // pitch still speaks at its own.
  float base_f0 = 0.f;
};

// Under the mutex: flite_init once, each voice registered once and kept.
FliteVoice flite_voice(const std::string& name) {
  static bool initialised = [] {
    flite_init();
    return true;
  }();
  (void)initialised;
  static std::vector<std::pair<std::string, FliteVoice>> voices;
  for (auto& [n, v] : voices)
    if (n == name) return v;
  cst_voice* v = nullptr;
  if (name == "kal") v = register_cmu_us_kal(nullptr);
  else if (name == "kal16") v = register_cmu_us_kal16(nullptr);
  else if (name == "slt") v = register_cmu_us_slt(nullptr);
  else if (name == "rms") v = register_cmu_us_rms(nullptr);
  else if (name == "awb") v = register_cmu_us_awb(nullptr);
  else throw Error("flite: unknown voice '" + name + "' (expected kal, kal16, slt, rms or awb)");
  if (!v) throw Error("flite: could not register voice '" + name + "'");
  voices.emplace_back(name, FliteVoice{v, get_param_float(v->features, "int_f0_target_mean", 100.f)});
  return voices.back().second;
}

class FliteTts : public Tts {
 public:
  explicit FliteTts(const TtsConfig& c) : config_(c) {
    if (config_.voice.empty()) config_.voice = "slt";
    std::lock_guard<std::mutex> lock(c_rand_mutex());
    flite_voice(config_.voice);
  }
  std::string name() const override { return "flite:" + config_.voice; }

  TtsResult synthesize(const std::string& text) override {
    std::lock_guard<std::mutex> lock(c_rand_mutex());
    FliteVoice fv = flite_voice(config_.voice);
    cst_voice* v = fv.voice;
    feat_set_float(v->features, "duration_stretch", static_cast<float>(1.0 / config_.rate));
    // pitch 50 = the voice's own mean; each step of 1 moves it by 1% (clamped by the 0..100 range).
    feat_set_float(v->features, "int_f0_target_mean", fv.base_f0 * (1.f + (config_.pitch - 50) / 100.f));

    // The clustergen voices excite unvoiced sounds with the C library's rand(): a fixed
    // seed for every utterance makes the speech a function of the text alone, not of
    // what was spoken before (nothing else in emosync draws from rand()).
    std::srand(kNoiseSeed);
    cst_utterance* u = flite_synth_text(text.c_str(), v);
    if (!u) throw Error("flite: synthesis failed");
    TtsResult r;
    r.phone_set = viseme::PhoneSet::Flite;
    cst_wave* w = utt_wave(u);
    r.audio.sample_rate = cst_wave_sample_rate(w);
    int n = cst_wave_num_samples(w);
    r.audio.samples.resize(static_cast<std::size_t>(std::max(n, 0)));
    for (int i = 0; i < n; ++i) r.audio.samples[i] = static_cast<float>(w->samples[i]) / 32768.f;
    double total = r.audio.duration_s();

    double prev_end = 0;
    for (cst_item* s = relation_head(utt_relation(u, "Segment")); s; s = item_next(s)) {
      double end = std::min<double>(item_feat_float(s, "end"), total);
      r.phonemes.push_back({item_feat_string(s, "name"), prev_end, std::max(end, prev_end)});
      prev_end = std::max(end, prev_end);
    }
    std::vector<const cst_item*> word_token;
    for (cst_item* wd = relation_head(utt_relation(u, "Word")); wd; wd = item_next(wd)) {
      cst_item* first = path_to_item(wd, "R:SylStructure.daughter1.daughter1.R:Segment");
      cst_item* last = path_to_item(wd, "R:SylStructure.daughtern.daughtern.R:Segment");
      if (!first || !last) continue;  // a word without phones (punctuation-only tokens)
      WordEvent e;
      cst_item* before = item_prev(first);
      e.start_s = before ? item_feat_float(before, "end") : 0.0;
      e.end_s = std::min<double>(item_feat_float(last, "end"), total);
      cst_item* token = item_parent(item_as(wd, "Token"));
      e.text = token ? item_feat_string(token, "name") : item_feat_string(wd, "name");
      r.words.push_back(e);
      word_token.push_back(token);
    }
    // Several words can come from one token ("it's" -> it, 's; "3" -> three): locate each
    // token once and give its words its span.
    std::vector<WordEvent> tokens;
    std::vector<std::size_t> token_of(r.words.size());
    for (std::size_t i = 0; i < r.words.size(); ++i) {
      if (i == 0 || !word_token[i] || word_token[i] != word_token[i - 1]) tokens.push_back(r.words[i]);
      token_of[i] = tokens.size() - 1;
    }
    locate_words(text, tokens);
    for (std::size_t i = 0; i < r.words.size(); ++i) {
      r.words[i].text_begin = tokens[token_of[i]].text_begin;
      r.words[i].text_end = tokens[token_of[i]].text_end;
    }
    delete_utterance(u);
    return r;
  }

 private:
  TtsConfig config_;
};

}  // namespace

std::unique_ptr<Tts> make_flite(const TtsConfig& c) { return std::make_unique<FliteTts>(c); }

}  // namespace emosync::tts
