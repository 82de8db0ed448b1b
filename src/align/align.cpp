#include "align/align.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <set>
#include <sstream>

#include <pocketsphinx.h>
#include <sphinxbase/err.h>
#include <sphinxbase/fsg_model.h>

#include "align/pronounce.h"
#include "io/error.h"
#include "timeline/timeline.h"

namespace emosync::align {

namespace {

constexpr int kRate = 16000;       // what the en-us acoustic model was trained on
constexpr double kFrameS = 0.010;  // the decoder's frame shift (-frate 100)
constexpr int kMinPhoneFrames = 3;  // one frame per HMM state, no skips
// Below this peak RMS (over 25 ms windows, -54 dBFS) there is no speech to align.
constexpr double kSilentRms = 0.002;

std::string fmt(double v, int digits = 3) {
  char b[32];
  std::snprintf(b, sizeof b, "%.*f", digits, v);
  return b;
}

bool is_filler(const std::string& token) {
  return token.empty() || token[0] == '<' || token[0] == '[' || token[0] == '+';
}

// One transcript word as the grammar spells it.
struct PlannedWord {
  std::size_t index = 0;  // among the transcript's words
  std::string text;       // normalised
  std::vector<Pron> prons;
};

struct Decoded {
  std::vector<std::string> tokens;  // phones and fillers in order
  std::vector<int> first, last;     // frames, inclusive
  double acoustic = 0;              // summed acoustic score (log base of the decoder)
  bool complete = false;
};

double peak_rms(const audio::Audio& a) {
  const std::size_t w = static_cast<std::size_t>(a.sample_rate * 0.025);
  double peak = 0;
  for (std::size_t i = 0; w > 0 && i + w <= a.samples.size(); i += w) {
    double e = 0;
    for (std::size_t j = i; j < i + w; ++j) e += double(a.samples[j]) * a.samples[j];
    peak = std::max(peak, std::sqrt(e / w));
  }
  return peak;
}

// Which pronunciation of each word the decoded tokens spell, or false when they do not
// spell the whole grammar (the decoder stopped short of its final state). Returns, per
// word, the index of its first and last phone token.
bool match_words(const std::vector<PlannedWord>& plan, const std::vector<std::size_t>& phone_tokens,
                 const std::vector<std::string>& tokens, std::vector<std::pair<std::size_t, std::size_t>>& spans) {
  // Depth-first over words; (word, position) pairs that failed once fail again.
  std::set<std::pair<std::size_t, std::size_t>> dead;
  spans.assign(plan.size(), {0, 0});
  std::function<bool(std::size_t, std::size_t)> go = [&](std::size_t w, std::size_t at) -> bool {
    if (w == plan.size()) return at == phone_tokens.size();
    if (dead.count({w, at})) return false;
    for (const auto& pron : plan[w].prons) {
      if (at + pron.size() > phone_tokens.size()) continue;
      bool same = true;
      for (std::size_t k = 0; k < pron.size() && same; ++k) same = tokens[phone_tokens[at + k]] == pron[k];
      if (same && go(w + 1, at + pron.size())) {
        spans[w] = {phone_tokens[at], phone_tokens[at + pron.size() - 1]};
        return true;
      }
    }
    dead.insert({w, at});
    return false;
  };
  return go(0, 0);
}

}  // namespace

void AlignConfig::validate() const {
  if (model_dir.empty()) throw Error("align: model_dir (--model) is empty");
  if (dict.empty()) throw Error("align: dict (--dict) is empty");
  if (!(std::fabs(offset_s) <= 1.0)) throw Error("align: offset_s (--offset) must lie in [-1, 1] s, got " + fmt(offset_s));
  if (!(min_confidence >= 0 && min_confidence <= 1))
    throw Error("align: min_confidence (--min-confidence) must lie in [0, 1], got " + fmt(min_confidence));
}

std::vector<std::string> transcript_words(const std::string& transcript) {
  return timeline::words_of(timeline::parse_tagged(transcript));
}

std::string normalise_word(const std::string& word) {
  auto keep = [](unsigned char c) { return std::isalnum(c) || c >= 0x80; };
  std::size_t b = 0, e = word.size();
  while (b < e && !keep(static_cast<unsigned char>(word[b]))) ++b;
  while (e > b && !keep(static_cast<unsigned char>(word[e - 1]))) --e;
  std::string w = word.substr(b, e - b);
  std::transform(w.begin(), w.end(), w.begin(), [](unsigned char c) { return std::tolower(c); });
  return w;
}

// ------------------------------------------------------------------ decoder

struct Aligner::Impl {
  std::shared_ptr<const Dictionary> dict;
  cmd_ln_t* config = nullptr;
  ps_decoder_t* ps = nullptr;

  ~Impl() {
    if (ps) ps_free(ps);
    if (config) cmd_ln_free_r(config);
  }

  Decoded decode(const char* search, const std::vector<std::int16_t>& pcm) {
    Decoded d;
    if (ps_set_search(ps, search) < 0) throw Error("align: pocketsphinx cannot select its search");
    // A new stream first: the front end's noise estimate (-remove_noise) otherwise carries
    // over from the previous utterance, and an aligner kept between clips (the C API, the
    // server) would score the same clip differently from a fresh one.
    ps_start_stream(ps);
    if (ps_start_utt(ps) < 0) throw Error("align: pocketsphinx cannot start an utterance");
    ps_process_raw(ps, pcm.data(), pcm.size(), FALSE, TRUE);
    ps_end_utt(ps);
    int32 score = 0;
    if (!ps_get_hyp(ps, &score)) return d;
    for (ps_seg_t* s = ps_seg_iter(ps); s; s = ps_seg_next(s)) {
      int sf = 0, ef = 0;
      ps_seg_frames(s, &sf, &ef);
      int32 ascr = 0, lscr = 0, lback = 0;
      ps_seg_prob(s, &ascr, &lscr, &lback);
      d.tokens.emplace_back(ps_seg_word(s));
      d.first.push_back(sf);
      d.last.push_back(ef);
      d.acoustic += ascr;
    }
    d.complete = !d.tokens.empty();
    return d;
  }
};

Aligner::Aligner(const AlignConfig& config) : config_(config), impl_(std::make_unique<Impl>()) {
  config_.validate();
  impl_->dict = Dictionary::load(config_.dict);
  err_set_logfp(nullptr);  // pocketsphinx's INFO lines are not emosync's output
  // No -dict: the decoder's vocabulary is the phones alone (added below), so each grammar
  // token is one phone. -remove_silence no: the front end must not drop frames, or
  // frame indices stop being time. -bestpath no: the Viterbi path is the segmentation.
  impl_->config = cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", config_.model_dir.c_str(), "-remove_silence", "no",
                              "-bestpath", "no", "-beam", "1e-80", "-wbeam", "1e-60", "-pbeam", "1e-80", nullptr);
  if (!impl_->config) throw Error("align: pocketsphinx rejected its configuration");
  impl_->ps = ps_init(impl_->config);
  if (!impl_->ps)
    throw Error(config_.model_dir + ": cannot load the acoustic model (--model; Debian: apt install pocketsphinx-en-us)");
  const auto& phones = impl_->dict->phones();
  for (std::size_t i = 0; i < phones.size(); ++i)
    if (ps_add_word(impl_->ps, phones[i].c_str(), phones[i].c_str(), i + 1 == phones.size()) < 0)
      throw Error(config_.dict + ": phone '" + phones[i] + "' is not in the acoustic model " + config_.model_dir);

}

Aligner::~Aligner() = default;

Alignment Aligner::align(const audio::Audio& speech, const std::string& transcript) {
  if (speech.samples.empty() || speech.sample_rate <= 0) throw Error("align: the audio is empty");
  if (speech.duration_s() > kMaxAudioS)
    throw Error("align: the audio is " + fmt(speech.duration_s(), 1) + " s long; alignment takes at most " +
                fmt(kMaxAudioS, 0) + " s (split it at pauses)");
  const auto words = transcript_words(transcript);
  if (words.size() > kMaxWords)
    throw Error("align: the transcript has " + std::to_string(words.size()) + " words; alignment takes at most " +
                std::to_string(kMaxWords));

  Alignment out;
  out.transcript_words = words.size();
  std::vector<PlannedWord> plan;
  for (std::size_t i = 0; i < words.size(); ++i) {
    PlannedWord w{i, normalise_word(words[i]), {}};
    if (w.text.empty()) continue;  // punctuation only: nothing is said
    if (const auto* prons = impl_->dict->find(w.text)) {
      w.prons = *prons;
    } else if (!config_.espeak_fallback) {
      throw Error("align: word " + std::to_string(i + 1) + " '" + w.text + "' is not in the dictionary " + config_.dict);
    } else {
      Pron p = espeak_pronounce(w.text);
      if (p.empty()) throw Error("align: word " + std::to_string(i + 1) + " '" + w.text + "' has no pronunciation");
      for (const auto& ph : p)
        if (!std::binary_search(impl_->dict->phones().begin(), impl_->dict->phones().end(), ph))
          throw Error("align: espeak-ng's pronunciation of '" + w.text + "' uses phone " + ph + ", which " +
                      config_.dict + " does not");
      w.prons.push_back(std::move(p));
      out.espeak_words.push_back(w.text);
    }
    plan.push_back(std::move(w));
  }
  if (plan.empty()) throw Error("align: the transcript has no words to align (only tags or punctuation)");

  const audio::Audio a = audio::resample(speech, kRate);
  out.duration_s = a.duration_s();
  if (peak_rms(a) < kSilentRms) throw Error("align: the audio is silent (no 25 ms window above -54 dBFS)");
  const std::size_t frames = a.samples.size() / (kRate / 100);
  std::size_t min_phones = 0;
  for (const auto& w : plan) {
    std::size_t shortest = w.prons[0].size();
    for (const auto& p : w.prons) shortest = std::min(shortest, p.size());
    min_phones += shortest;
  }
  if (min_phones * kMinPhoneFrames > frames)
    throw Error("align: the transcript has at least " + std::to_string(min_phones) + " phones, more than " +
                fmt(out.duration_s, 2) + " s of audio can hold: it does not match the speech");

  // The transcript's grammar: word w runs from state w to state w + 1, each pronunciation
  // a chain of phone tokens through states of its own; the decoder adds optional silence
  // at every state (-fsgusefiller).
  logmath_t* lmath = ps_get_logmath(impl_->ps);
  std::size_t n_states = plan.size() + 1;
  for (const auto& w : plan)
    for (const auto& p : w.prons) n_states += p.size() - 1;
  fsg_model_t* fsg = fsg_model_init("transcript", lmath, 1.0f, static_cast<int32>(n_states));
  fsg->start_state = 0;
  fsg->final_state = static_cast<int32>(plan.size());
  int32 next_state = static_cast<int32>(plan.size()) + 1;
  for (std::size_t w = 0; w < plan.size(); ++w) {
    int32 choice = logmath_log(lmath, 1.0 / plan[w].prons.size());
    for (const auto& pron : plan[w].prons) {
      int32 from = static_cast<int32>(w);
      for (std::size_t k = 0; k < pron.size(); ++k) {
        int32 to = k + 1 == pron.size() ? static_cast<int32>(w + 1) : next_state++;
        fsg_model_trans_add(fsg, from, to, k == 0 ? choice : 0, fsg_model_word_add(fsg, pron[k].c_str()));
        from = to;
      }
    }
  }
  int rc = ps_set_fsg(impl_->ps, "transcript", fsg);
  fsg_model_free(fsg);  // the search keeps its own reference
  if (rc < 0) throw Error("align: pocketsphinx rejected the transcript's grammar");

  std::vector<std::int16_t> pcm(a.samples.size());
  for (std::size_t i = 0; i < pcm.size(); ++i)
    pcm[i] = static_cast<std::int16_t>(std::lround(std::clamp(a.samples[i], -1.f, 1.f) * 32767.f));

  Decoded d = impl_->decode("transcript", pcm);
  std::vector<std::size_t> phone_tokens;
  for (std::size_t t = 0; t < d.tokens.size(); ++t)
    if (!is_filler(d.tokens[t])) phone_tokens.push_back(t);
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  if (!d.complete || !match_words(plan, phone_tokens, d.tokens, spans))
    throw Error("align: the decoder could not fit the transcript to the speech: it does not match the audio");

  // The path's acoustic cost per frame: senone scores are relative to the best senone
  // of each frame (pocketsphinx normalises them, in units of 2^10 log-base steps), so a
  // transcript that fits the speech costs little and another clip's text costs about
  // twice as much (LJ Speech: 1.7-2.6 vs 4.0-5.4 nats per frame).
  const double nats = std::log(logmath_get_base(lmath)) * 1024;
  out.score_gap = -d.acoustic * nats / std::max<std::size_t>(frames, 1);
  out.confidence = 1 / (1 + std::exp((out.score_gap - kGapMidpoint) / kGapWidth));
  out.matched = out.confidence >= config_.min_confidence;

  // Spans in seconds, shifted to the MFA convention and made contiguous over the clip.
  auto at = [&](double t) { return std::clamp(t + config_.offset_s, 0.0, out.duration_s); };
  std::vector<double> start(d.tokens.size()), end(d.tokens.size());
  for (std::size_t t = 0; t < d.tokens.size(); ++t) {
    start[t] = t == 0 ? 0.0 : at(d.first[t] * kFrameS);
    end[t] = t + 1 == d.tokens.size() ? out.duration_s : at((d.last[t] + 1) * kFrameS);
  }
  for (std::size_t t = 0; t < d.tokens.size(); ++t) {
    std::string label = is_filler(d.tokens[t]) ? "sil" : d.tokens[t];
    if (!out.phones.empty() && out.phones.back().end_s < start[t])  // a gap: silence
      out.phones.push_back({out.phones.back().end_s, start[t], "sil"});
    if (label == "sil" && !out.phones.empty() && out.phones.back().label == "sil") {
      out.phones.back().end_s = end[t];
    } else if (end[t] > start[t]) {
      out.phones.push_back({start[t], end[t], label});
    }
  }
  if (!out.phones.empty() && out.phones.back().end_s < out.duration_s) {
    if (out.phones.back().label == "sil") out.phones.back().end_s = out.duration_s;
    else out.phones.push_back({out.phones.back().end_s, out.duration_s, "sil"});
  }
  double cursor = 0;
  for (std::size_t w = 0; w < plan.size(); ++w) {
    double s = start[spans[w].first], e = end[spans[w].second];
    if (s > cursor) out.words.push_back({cursor, s, "sil"});
    out.words.push_back({s, e, plan[w].text});
    out.word_index.push_back(plan[w].index);
    cursor = e;
  }
  if (cursor < out.duration_s) out.words.push_back({cursor, out.duration_s, "sil"});
  return out;
}

// ------------------------------------------------------------------ output

namespace {
std::string spans_tsv(const std::vector<Span>& spans) {
  std::ostringstream o;
  o << "start_s\tend_s\tlabel\n";
  for (const auto& s : spans) o << fmt(s.start_s) << '\t' << fmt(s.end_s) << '\t' << s.label << '\n';
  return o.str();
}
}  // namespace

std::string Alignment::phones_tsv() const { return spans_tsv(phones); }
std::string Alignment::words_tsv() const { return spans_tsv(words); }

std::vector<timeline::WordTiming> word_timings(const Alignment& a) {
  std::vector<timeline::WordTiming> out(a.transcript_words);
  double cursor = 0;
  // The non-sil spans are the aligned words in order, word_index their positions.
  std::size_t w = 0, next = 0;
  for (const auto& span : a.words) {
    if (span.label == "sil") continue;
    const std::size_t i = a.word_index[w++];
    for (; next < i; ++next) out[next] = {cursor, cursor, ""};
    out[i] = {span.start_s, span.end_s, span.label};
    cursor = span.end_s;
    next = i + 1;
  }
  for (; next < a.transcript_words; ++next) out[next] = {cursor, cursor, ""};
  return out;
}

std::vector<timeline::WordTiming> align_words_or_warn(Aligner& aligner, const audio::Audio& speech,
                                                      const std::string& transcript, std::string* warning,
                                                      Alignment* alignment) {
  try {
    Alignment a = aligner.align(speech, transcript);
    require_match(a, "align", aligner.config().min_confidence);
    if (alignment) *alignment = a;
    return word_timings(a);
  } catch (const Error& e) {
    if (warning) *warning = e.what();
    return {};
  }
}

void require_match(const Alignment& a, const std::string& what, double min_confidence) {
  if (a.matched) return;
  throw Error(what + ": the transcript does not match the speech (alignment confidence " + fmt(a.confidence, 2) +
              " < " + fmt(min_confidence, 2) + "; is it the transcript of this recording?)");
}

}  // namespace emosync::align
