#include "validate/validate.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "arkit/blendshapes.h"
#include "arkit/channel_split.h"
#include "audio/audio.h"
#include "emotion/classes.h"
#include "emotion/conditioning.h"
#include "features/log_mel.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "io/npy.h"
#include "io/progress.h"
#include "model/architecture.h"
#include "plot/svg.h"
#include "presets/presets.h"
#include "scenarios/splits.h"
#include "viseme/phone_class.h"
#include "teacher/teacher.h"
#include "timeline/timeline.h"
#include "tts/tts.h"
#include "validate/html.h"
#include "validate/lip_measures.h"

namespace emosync::validate {

namespace fs = std::filesystem;
using arkit::ChannelType;
constexpr std::size_t K = arkit::kCount;

// ------------------------------------------------------------------ stated limits
// Reproducibility and emotion/loudness limits are the issue's; the others are ours,
// chosen from what a viewer sees (see rules() descriptions), not from measured output.
constexpr double kMaxPresetVariance = 0.01;
constexpr double kMaxPresetError = 0.05;
// Two classes at L3 closer than this (L2 over the 38 EXPRESSION+SHARED channels) read as
// the same face: 0.15 is one channel moving 0.15, or e.g. brows and eyes each moving 0.1.
constexpr double kMinClassDistance = 0.15;
// Largest frame-to-frame change of an EXPRESSION channel at 30 fps: at 0.1/frame it
// crosses its whole range in a third of a second, faster than any crossfade. The lips
// (LIPSYNC, SHARED) are held to jitter instead: a closure may take one frame, chatter may not.
constexpr double kMaxStepExpression = 0.10;
// The lip rules of issue 16 (measures in validate/lip_measures.h).
constexpr double kMinArticulationAuc = 0.92;  // pooled; and above the loudness envelope on every corpus
constexpr double kMinRoundingAuc = 0.90;
constexpr double kMinSealed = 0.90;
constexpr double kMinOpen = 0.90;
constexpr double kMaxJitter = 0.04;
constexpr double kMaxEmotionDrift = 0.02;  // articulation AUC and sealed under emotion vs neutral
constexpr double kMinRest = 0.95;          // pauses where the mouth rests within 150 ms
constexpr double kRestJaw = 0.05, kRestDelayS = 0.150;
constexpr double kMaxLoudnessShift = 0.05; // lip channels at ±12 dB vs 0 dB
constexpr std::size_t kMaxListedUnsealed = 200;

namespace {

struct Clip {
  std::string corpus, id;
  bool real = false;
  std::vector<float> pcm;  // 16 kHz
  teacher::PhoneTimeline phones;
  double speech_end_s = 0;  // where the last phone ends (pcm may run on in silence)
};

audio::Audio to16k(const audio::Audio& a) { return audio::resample(a, features::kSampleRate); }

// Sentences with bilabials, rounded and spread vowels; spoken by different voices so
// "different audio" means different speakers too.
struct TtsLine {
  const char* engine;
  const char* voice;
  const char* text;
};
const TtsLine kTtsLines[] = {
    {"espeak", "en-us", "Maybe the people in the big room will remember my bright blue umbrella."},
    {"espeak", "en-us+f3", "Please bring the map back before the morning boat leaves."},
    {"flite", "slt", "Who knew the moon would look so beautiful over the pool?"},
    {"flite", "rms", "We keep moving forward, because every promise matters to me."},
    {"flite", "awb", "Bob picked up a box of plums and moved them to the boat."},
};

Clip tts_clip(const TtsLine& line, double trailing_silence_s) {
  tts::TtsConfig cfg;
  cfg.engine = line.engine;
  cfg.voice = line.voice;
  tts::TtsResult r = tts::make_tts(cfg)->synthesize(line.text);
  Clip c;
  c.corpus = "synthetic";
  c.id = std::string(line.engine) + ":" + line.voice;
  c.pcm = to16k(r.audio).samples;
  c.phones = teacher::timeline_from_events(r);
  c.speech_end_s = c.phones.end_s();
  // The lip measures read ARPAbet: espeak-ng's and flite's symbols become their phone
  // classes' names (a symbol with no class, a stress mark say, is dropped).
  if (c.phones.phone_set != viseme::PhoneSet::Arpabet) {
    const viseme::PhoneClasses& classes = viseme::PhoneClasses::standard();
    std::vector<teacher::TimedPhone> arpabet;
    for (auto p : c.phones.phones) {
      const int k = classes.label(c.phones.phone_set, p.symbol);
      if (k < 0) continue;
      p.symbol = std::string(viseme::phone_class_names()[static_cast<std::size_t>(k)]);
      arpabet.push_back(std::move(p));
    }
    c.phones.phones = std::move(arpabet);
    c.phones.phone_set = viseme::PhoneSet::Arpabet;
  }
  c.pcm.resize(c.pcm.size() + static_cast<std::size_t>(trailing_silence_s * features::kSampleRate), 0.0f);
  return c;
}

// Runs fn(i) for every i < n on up to two threads (the machine is shared); the first
// error is rethrown once all have stopped.
template <class Fn>
void for_each_index(std::size_t n, const Fn& fn) {
  const std::size_t workers = std::min<std::size_t>(n, std::clamp(std::thread::hardware_concurrency(), 1u, 2u));
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&] {
    for (std::size_t i; (i = next++) < n;) {
      try {
        fn(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        next = n;
      }
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t w = 1; w < workers; ++w) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  if (error) std::rethrow_exception(error);
}

struct ClipFiles {
  std::string corpus, id;
  fs::path audio, phones;
};

std::vector<Clip> load_clips(const std::vector<ClipFiles>& files) {
  std::vector<Clip> out(files.size());
  for_each_index(files.size(), [&](std::size_t i) {
    Clip& c = out[i];
    c.corpus = files[i].corpus;
    c.id = files[i].id;
    c.real = true;
    c.pcm = audio::load_mono_16k(files[i].audio.string()).samples;
    c.phones = teacher::read_alignment_tsv(files[i].phones.string());
    c.speech_end_s = c.phones.end_s();
  });
  return out;
}

// The LJ Speech clips the training set held out: the last `holdout` by id.
std::vector<Clip> lj_clips(const Options& o) {
  if (o.data_dir.empty()) return {};
  const fs::path dir = fs::path(o.data_dir) / "speech" / "ljspeech";
  if (!fs::is_directory(dir / "wav")) throw Error(dir.string() + ": no wav/ folder (LJ Speech clips)");
  std::vector<std::string> ids;
  for (const auto& e : fs::directory_iterator(dir / "wav"))
    if (e.path().extension() == ".wav") ids.push_back(e.path().stem().string());
  std::sort(ids.begin(), ids.end());
  if (ids.size() <= o.holdout) throw Error(dir.string() + ": fewer clips than --holdout");
  std::vector<ClipFiles> files;
  for (std::size_t i = ids.size() - o.holdout; i < ids.size(); ++i)
    files.push_back({"ljspeech", ids[i], dir / "wav" / (ids[i] + ".wav"), dir / "phones" / (ids[i] + ".tsv")});
  return load_clips(files);
}

// Every clip of every dev speaker of speech/splits.tsv: each corpus folder it names holds
// metadata.tsv (id, speaker), audio/<id>.flac and phones/<id>.tsv.
std::vector<Clip> dev_clips(const Options& o) {
  if (o.data_dir.empty()) return {};
  const fs::path dir = fs::path(o.data_dir) / "speech";
  const scenarios::Splits splits = scenarios::Splits::load((dir / "splits.tsv").string());
  std::set<std::string> corpora;
  for (const auto& [key, split] : splits.rows())
    if (split == "dev" && key.first != "ljspeech") corpora.insert(key.first);
  std::vector<ClipFiles> files;
  for (const auto& corpus : corpora) {
    const fs::path cdir = dir / corpus;
    for (const auto& [id, speaker] : scenarios::read_speakers((cdir / "metadata.tsv").string()))
      if (splits.split_of(corpus, speaker) == "dev")
        files.push_back({corpus, id, cdir / "audio" / (id + ".flac"), cdir / "phones" / (id + ".tsv")});
  }
  if (files.empty()) throw Error((dir / "splits.tsv").string() + ": no dev speaker with clips");
  return load_clips(files);
}

teacher::Animation as_animation(const std::vector<float>& frames) {
  teacher::Animation a;
  a.fps = model::kOutputFps;
  a.frames = frames.size() / K;
  a.data = frames;
  return a;
}

const std::vector<std::size_t>& channels(ChannelType t) { return arkit::ChannelSplit::standard().channels(t); }

std::vector<std::size_t> expression_and_shared() {
  std::vector<std::size_t> c = channels(ChannelType::Expression);
  for (auto s : channels(ChannelType::Shared)) c.push_back(s);
  return c;
}

double distance(const std::vector<double>& a, const std::vector<double>& b, const std::vector<std::size_t>& chans) {
  double s = 0;
  for (auto c : chans) s += (a[c] - b[c]) * (a[c] - b[c]);
  return std::sqrt(s);
}

// Pauses: phones of viseme sil, except the aligner's "spn" (spoken noise: words it could
// not align, so someone is speaking there even though the lip tables map it to sil).
bool is_pause(const teacher::TimedPhone& p, viseme::PhoneSet set) {
  if (p.symbol == "spn") return false;
  auto v = viseme::PhonemeMap::standard(set).try_lookup(p.symbol);
  return v && *v == viseme::Viseme::sil;
}

// Share of pauses where the mouth comes to rest: silences of >= 300 ms inside a clip and
// the silence after its last phone, at rest (jawOpen < 0.05) from 150 ms after the speech
// stops until 100 ms before it resumes (anticipating the next word may open the jaw).
struct Rest {
  std::size_t pauses = 0, rested = 0;
  double rate() const { return pauses ? double(rested) / pauses : 1.0; }
};

Rest rest_figures(const std::vector<const Clip*>& clips, const std::vector<const std::vector<float>*>& outputs) {
  Rest r;
  const std::size_t jaw = *arkit::find("jawOpen");
  for (std::size_t i = 0; i < clips.size(); ++i) {
    const Clip& c = *clips[i];
    const teacher::Animation m = as_animation(*outputs[i]);
    std::vector<std::pair<double, double>> pauses;
    for (const auto& p : c.phones.phones)
      if (is_pause(p, c.phones.phone_set) && p.end_s - p.start_s >= 0.3 && p.start_s > 0.05)
        pauses.push_back({p.start_s, p.end_s});
    const double clip_end = static_cast<double>(c.pcm.size()) / features::kSampleRate;
    if (clip_end - c.speech_end_s >= 0.3) pauses.push_back({c.speech_end_s, clip_end});
    for (const auto& [s0, s1] : pauses) {
      bool ok = true;
      for (std::size_t k = static_cast<std::size_t>(std::ceil((s0 + kRestDelayS) * m.fps));
           k < m.frames && k / m.fps < s1 - 0.1; ++k)
        ok = ok && m.at(k, jaw) < kRestJaw;
      r.rested += ok;
      ++r.pauses;
    }
  }
  return r;
}

// Lip scores per corpus and "pooled" (validate/lip_measures.h: by_corpus).
using CorpusScores = std::map<std::string, LipScores>;

CorpusScores score(const std::vector<Clip>& clips, const std::vector<teacher::Animation>& anims) {
  std::vector<std::string> corpus;
  std::vector<LipScores> per_clip;
  for (std::size_t i = 0; i < clips.size(); ++i) {
    per_clip.push_back(lip_scores(anims[i], clips[i].phones));
    for (auto& u : per_clip.back().unsealed) u.clip = clips[i].corpus + "/" + clips[i].id;
    corpus.push_back(clips[i].corpus);
  }
  return by_corpus(corpus, per_clip);
}

io::Json scores_json(const LipScores& s) {
  return {{"clips", s.clips},
          {"articulation_auc", s.articulation_auc()},
          {"rounding_auc", s.rounding_auc()},
          {"sealed", s.sealed_rate()},
          {"open", s.open_rate()},
          {"jitter", s.jitter()},
          {"open_vowels", s.open_vowel_gaps.size()},
          {"bilabials", s.bilabial_gaps.size()},
          {"rounded", s.rounded.size()},
          {"spread", s.spread.size()},
          {"bilabials_checked", s.bilabials},
          {"bilabials_sealed", s.sealed},
          {"vowels_checked", s.vowels},
          {"vowels_opened", s.opened}};
}

io::Json scores_json(const CorpusScores& c) {
  io::Json j = io::Json::object();
  for (const auto& [corpus, s] : c) j[corpus] = scores_json(s);
  return j;
}

std::vector<teacher::Animation> as_animations(const std::vector<std::vector<float>>& outputs) {
  std::vector<teacher::Animation> out;
  for (const auto& y : outputs) out.push_back(as_animation(y));
  return out;
}

// The references beside the model: the loudness envelope as the jaw (the baseline it must
// beat) and the alignment-driven rule teacher (what the phones alone give).
std::vector<teacher::Animation> envelope_animations(const std::vector<Clip>& clips,
                                                    const std::vector<std::vector<float>>& outputs) {
  std::vector<teacher::Animation> out;
  for (std::size_t i = 0; i < clips.size(); ++i)
    out.push_back(envelope_lips({clips[i].pcm, features::kSampleRate}, model::kOutputFps, outputs[i].size() / K));
  return out;
}

std::vector<teacher::Animation> teacher_animations(const std::vector<Clip>& clips) {
  std::vector<teacher::Animation> out(clips.size());
  for_each_index(clips.size(), [&](std::size_t i) {
    audio::Audio a{clips[i].pcm, features::kSampleRate};
    teacher::TeacherInput in{&a, &clips[i].phones};
    out[i] = teacher::make_rule_teacher()->animate(in, model::kOutputFps);
  });
  return out;
}

// The lipsync section of report.json for one set of clips: model, envelope and teacher,
// each per corpus and pooled.
io::Json lipsync_json(const CorpusScores& model, const CorpusScores& envelope, const CorpusScores& teacher_scores) {
  io::Json corpora = io::Json::array();
  for (const auto& [corpus, s] : model)
    if (corpus != "pooled") corpora.push_back(corpus);
  return {{"corpora", corpora},
          {"model", scores_json(model)},
          {"envelope", scores_json(envelope)},
          {"teacher", scores_json(teacher_scores)}};
}

}  // namespace

io::Json heldout_mae(const Forward& forward, const std::string& dir) {
  if (!fs::is_directory(dir)) throw Error(dir + ": held-out data folder not found");
  std::vector<std::string> items;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_directory() && fs::exists(e.path() / "targets.npy")) items.push_back(e.path().string());
  std::sort(items.begin(), items.end());
  if (items.empty()) throw Error(dir + ": no items (folders with features.npy, cond.npy, targets.npy)");
  const auto& split = arkit::ChannelSplit::standard();
  std::vector<double> sum(3, 0.0);
  std::vector<std::size_t> count(3, 0);
  std::size_t frames_total = 0;
  for (const auto& item : items) {
    io::NpyArray f = io::read_npy(item + "/features.npy"), c = io::read_npy(item + "/cond.npy"),
                 y = io::read_npy(item + "/targets.npy");
    if (f.shape.size() != 2 || f.cols() != features::kMelBands || c.shape.size() != 2 ||
        c.cols() != emotion::kConditioningDim || y.shape.size() != 2 || y.cols() != K || c.rows() != y.rows())
      throw Error(item + ": expected features [T_f, 80], cond [T, 19] and targets [T, 52]");
    std::vector<float> out = forward(f.data, c.data, y.rows());
    for (std::size_t k = 0; k < y.rows(); ++k)
      for (std::size_t ch = 0; ch < K; ++ch) {
        const int t = static_cast<int>(split.type_of(ch));
        sum[t] += std::abs(out[k * K + ch] - y.data[k * K + ch]);
        ++count[t];
      }
    frames_total += y.rows();
  }
  io::Json j = {{"items", items.size()}, {"frames", frames_total}};
  for (int t = 0; t < 3; ++t)
    j[std::string("mae_") + arkit::to_string(static_cast<ChannelType>(t))] = sum[t] / std::max<std::size_t>(1, count[t]);
  return j;
}

bool Report::pass() const {
  for (const auto& r : rules)
    if (!r.pass) return false;
  return !rules.empty();
}

std::string Report::table() const {
  std::ostringstream s;
  s << "| rule | value | limit | pass |\n|---|---|---|---|\n";
  char buf[64];
  for (const auto& r : rules) {
    std::snprintf(buf, sizeof buf, "%.4f | %s %.4f", r.value, r.at_most ? "≤" : "≥", r.limit);
    s << "| " << r.id << " | " << buf << " | " << (r.pass ? "pass" : "**FAIL**") << " |\n";
  }
  return s.str();
}

std::string Report::lipsync_table() const {
  if (!json.contains("lipsync")) return "";
  const auto& l = json["lipsync"];
  std::ostringstream s;
  s << "| corpus | clips | articulation AUC | rounding AUC | sealed | open | jitter |\n|---|---|---|---|---|---|---|\n";
  char buf[200];
  std::vector<std::string> rows = l["corpora"].get<std::vector<std::string>>();
  rows.push_back("pooled");
  for (const auto& c : rows) {
    const auto& m = l["model"][c];
    const auto& e = l["envelope"][c];
    auto pair = [&](const char* k) {
      char v[48];
      std::snprintf(v, sizeof v, "%.3f (%.3f)", m[k].get<double>(), e[k].get<double>());
      return std::string(v);
    };
    std::snprintf(buf, sizeof buf, "| %s | %zu | %s | %s | %s | %s | %s |\n", c.c_str(), m["clips"].get<std::size_t>(),
                  pair("articulation_auc").c_str(), pair("rounding_auc").c_str(), pair("sealed").c_str(),
                  pair("open").c_str(), pair("jitter").c_str());
    s << buf;
  }
  s << "model (loudness envelope), " << l.value("speech", std::string()) << "\n";
  return s.str();
}

Report run(const Animate& animate, const Options& o) {
  Report rep;
  auto rule = [&](std::string id, std::string description, double value, double limit, bool at_most) {
    RuleResult r{std::move(id), std::move(description), value, limit, at_most,
                 std::isfinite(value) && (at_most ? value <= limit : value >= limit)};
    rep.rules.push_back(r);
  };
  auto run_model = [&](const std::vector<float>& pcm, const EmotionInput& emo, bool runtime) {
    std::vector<float> y = animate(pcm, emo, runtime);
    if (y.empty() || y.size() % K) throw Error("validate: the runtime returned no frames or a partial frame");
    return y;
  };
  auto constant = [](const emotion::Conditioning& c) {
    EmotionInput e;
    e.constant = c;
    return e;
  };

  // ------------------------------------------------------------ inputs
  std::fprintf(stderr, "validate: synthesising speech and reading the dev speakers and held-out clips\n");
  std::vector<Clip> tts;
  for (const auto& line : kTtsLines) tts.push_back(tts_clip(line, 1.0));
  // The lips are measured on voices the model never trained on: every dev speaker of
  // splits.tsv and the held-out LJ Speech clips. Rest and loudness stay on the LJ clips.
  const std::vector<Clip> lj = lj_clips(o);
  std::vector<Clip> real = dev_clips(o);
  real.insert(real.end(), lj.begin(), lj.end());
  rep.json["inputs"] = {{"tts_clips", tts.size()}, {"real_clips", real.size()}, {"holdout", o.holdout}};
  if (real.empty())
    std::fprintf(stderr,
                 "validate: WARNING: no real speech (--data not given): the lipsync rules run on synthetic speech "
                 "only\n");
  const std::vector<Clip>& speech = real.empty() ? tts : real;
  const std::vector<Clip>& rest_speech = lj.empty() ? tts : lj;

  // Different audio for the reproducibility test: silence, every synthetic voice, two real clips.
  std::vector<std::pair<std::string, std::vector<float>>> audios;
  audios.push_back({"silence", std::vector<float>(2 * features::kSampleRate, 0.0f)});
  for (const auto& c : tts) audios.push_back({c.id, c.pcm});
  for (std::size_t i = 0; i < lj.size() && i < 2; ++i) audios.push_back({lj[i].id, lj[i].pcm});

  // ------------------------------------------------------------ reproducibility
  const auto& table = presets::PresetTable::standard();
  const auto& expr = channels(ChannelType::Expression);
  const auto es = expression_and_shared();
  std::vector<std::vector<double>> preset_mean(table.all().size(), std::vector<double>(K, 0.0));
  // The face at rest (the silence input): what distinctness judges, because under speech
  // the SHARED channels are partly the lips' (seed §5.1: teacher + gated expression delta).
  std::vector<std::vector<double>> rest_mean(table.all().size(), std::vector<double>(K, 0.0));
  double worst_var = 0, worst_err = 0, sum_err = 0;
  std::string worst_var_at, worst_err_at;
  io::Json per_preset = io::Json::array();
  {
    io::Progress progress("validate: presets", table.all().size() * audios.size(), "runs");
    for (std::size_t pi = 0; pi < table.all().size(); ++pi) {
      const auto& p = table.all()[pi];
      const auto cond = emotion::make_conditioning(p.emotion, p.vad);
      std::vector<double> sum(K, 0.0), sum2(K, 0.0);
      std::size_t n = 0;
      for (const auto& [name, pcm] : audios) {
        std::vector<float> y = run_model(pcm, constant(cond), false);
        if (name == "silence")
          for (std::size_t k = 0; k < y.size() / K; ++k)
            for (std::size_t c = 0; c < K; ++c) rest_mean[pi][c] += y[k * K + c] / static_cast<double>(y.size() / K);
        for (std::size_t k = 0; k < y.size() / K; ++k, ++n)
          for (std::size_t c = 0; c < K; ++c) {
            sum[c] += y[k * K + c];
            sum2[c] += static_cast<double>(y[k * K + c]) * y[k * K + c];
          }
        progress.advance();
      }
      double var = 0, err = 0;
      std::string var_channel;
      for (std::size_t c = 0; c < K; ++c) preset_mean[pi][c] = sum[c] / n;
      for (auto c : expr) {
        const double v = sum2[c] / n - preset_mean[pi][c] * preset_mean[pi][c];
        if (v > var) var = v, var_channel = std::string(arkit::names()[c]);
        err += std::abs(preset_mean[pi][c] - p.weights[c]);
      }
      err /= expr.size();
      sum_err += err;
      if (var >= worst_var) worst_var = var, worst_var_at = p.label() + " " + var_channel;
      if (err >= worst_err) worst_err = err, worst_err_at = p.label();
      per_preset.push_back({{"preset", p.label()}, {"max_variance", var}, {"max_variance_channel", var_channel},
                            {"mae_expression", err}});
    }
  }
  rep.json["reproducibility"] = {{"audio_inputs", audios.size()},
                                 {"presets", per_preset},
                                 {"worst_variance", worst_var},
                                 {"worst_variance_at", worst_var_at},
                                 {"worst_mae", worst_err},
                                 {"worst_mae_at", worst_err_at},
                                 {"mean_mae", sum_err / table.all().size()}};
  rule("reproducibility.variance",
       "largest variance of an EXPRESSION channel over " + std::to_string(audios.size()) +
           " audio inputs at any preset's anchor (" + worst_var_at + ")",
       worst_var, kMaxPresetVariance, true);
  rule("reproducibility.error",
       "largest mean abs error vs the preset on EXPRESSION channels, over all 46 presets (" + worst_err_at + ")",
       worst_err, kMaxPresetError, true);

  // ------------------------------------------------------------ distinctness
  std::vector<std::size_t> l3;  // preset index of each class at L3
  std::vector<std::string> labels;
  for (std::size_t cls = 0; cls < emotion::kCount; ++cls) {
    const auto& p = table.at(cls, emotion::Level::L3);
    l3.push_back(static_cast<std::size_t>(&p - table.all().data()));
    labels.push_back(std::string(emotion::names()[cls]));
  }
  std::vector<std::vector<double>> dist(l3.size(), std::vector<double>(l3.size(), 0.0));
  double closest = 1e9;
  std::string closest_pair;
  for (std::size_t i = 0; i < l3.size(); ++i)
    for (std::size_t j = 0; j < l3.size(); ++j) {
      dist[i][j] = distance(rest_mean[l3[i]], rest_mean[l3[j]], es);
      if (j > i && dist[i][j] < closest) closest = dist[i][j], closest_pair = labels[i] + "–" + labels[j];
    }
  std::size_t identified = 0;
  io::Json misidentified = io::Json::array();
  for (std::size_t pi = 0; pi < table.all().size(); ++pi) {
    std::size_t best = 0;
    double bd = 1e9;
    for (std::size_t q = 0; q < table.all().size(); ++q) {
      std::vector<double> w(table.all()[q].weights.begin(), table.all()[q].weights.end());
      const double d = distance(rest_mean[pi], w, es);
      if (d < bd) bd = d, best = q;
    }
    if (best == pi)
      ++identified;
    else
      misidentified.push_back(table.all()[pi].label() + " -> " + table.all()[best].label());
  }
  const double id_rate = static_cast<double>(identified) / table.all().size();
  rep.json["distinctness"] = {{"classes", labels},         {"distance", dist},
                              {"closest", closest},        {"closest_pair", closest_pair},
                              {"identification", id_rate}, {"misidentified", misidentified}};
  rule("distinctness.closest_pair",
       "smallest L2 distance between two classes' model faces at L3 (at rest), EXPRESSION+SHARED channels (" +
           closest_pair + ")",
       closest, kMinClassDistance, false);
  rule("distinctness.identification",
       "model face (at rest) at each of the 46 presets' anchors is nearest its own preset (EXPRESSION+SHARED)",
       id_rate, 1.0, false);

  // ------------------------------------------------------------ smoothness (whole pipeline)
  const char* kFlows[] = {
      "[joy:80] I got the job, I really got it! [sadness:60] But I will have to move far away from my family. "
      "[fear:50] What if I cannot make new friends there? [joy:40] Still, it is a wonderful chance.",
      "[anger:90] You broke it again, and you did not even tell me! [sulk:50] Fine. Whatever. "
      "[surprise:80] Wait, you bought me a new one? [gratitude:70] Thank you, that means a lot.",
      "[curiosity:60] How does the engine work? [confusion:60] I read the manual twice and I still do not get it. "
      "[amusement:70] Ha, the drawing is upside down! [neutral] Let me try again from the start.",
  };
  const std::size_t kTypes = 3;
  std::vector<double> step_in(kTypes, 0.0), step_out(kTypes, 0.0), jerk_in(kTypes, 0.0), jerk_out(kTypes, 0.0);
  io::Json flows = io::Json::array();
  std::string flow_plot;
  for (const char* flow : kFlows) {
    auto segments = timeline::parse_tagged(flow);
    std::string plain;
    for (const auto& w : timeline::words_of(segments)) plain += (plain.empty() ? "" : " ") + w;
    tts::TtsConfig cfg;
    tts::TtsResult r = tts::make_tts(cfg)->synthesize(plain);
    std::vector<timeline::WordTiming> words;
    for (const auto& w : r.words) words.push_back({w.start_s, w.end_s, w.text});
    std::vector<float> pcm = to16k(r.audio).samples;
    const double dur = static_cast<double>(pcm.size()) / features::kSampleRate;
    timeline::TimelineOptions topt;
    EmotionInput emo;
    emo.tagged_text = flow;
    emo.words = words;
    std::vector<float> y = run_model(pcm, emo, true);
    const std::size_t n = y.size() / K;
    auto placement = timeline::place(segments, words, dur);
    auto widths = timeline::crossfade_widths(placement, topt.crossfade_s);
    std::vector<std::pair<double, double>> fades;
    for (std::size_t b = 0; b + 1 < placement.start.size(); ++b)
      fades.push_back({placement.end[b] - widths[b], placement.end[b] + widths[b]});
    auto inside = [&](std::size_t k) {
      const double t = k / static_cast<double>(model::kOutputFps);
      for (const auto& [a, b] : fades)
        if (t >= a && t <= b) return true;
      return false;
    };
    for (std::size_t k = 1; k < n; ++k)
      for (std::size_t c = 0; c < K; ++c) {
        const int type = static_cast<int>(arkit::ChannelSplit::standard().type_of(c));
        const double step = std::abs(y[k * K + c] - y[(k - 1) * K + c]);
        (inside(k) ? step_in : step_out)[type] = std::max((inside(k) ? step_in : step_out)[type], step);
        if (k >= 3) {
          const double j = std::abs(y[k * K + c] - 3 * y[(k - 1) * K + c] + 3 * y[(k - 2) * K + c] - y[(k - 3) * K + c]);
          (inside(k) ? jerk_in : jerk_out)[type] = std::max((inside(k) ? jerk_in : jerk_out)[type], j);
        }
      }
    flows.push_back({{"text", flow}, {"seconds", dur}, {"crossfades", fades.size()}});
    if (flow_plot.empty()) {
      plot::LineChart ch;
      ch.title = "Smoothness: a multi-emotion text through the whole pipeline (crossfades shaded)";
      ch.x_label = "seconds";
      ch.y_label = "weight";
      ch.y_min = 0, ch.y_max = 1;
      ch.shaded_x = fades;
      for (std::size_t k = 0; k < n; ++k) ch.x.push_back(k / static_cast<double>(model::kOutputFps));
      for (const char* name : {"jawOpen", "mouthSmileLeft", "browInnerUp", "browDownLeft", "eyeWideLeft", "mouthFrownLeft"}) {
        plot::Series s;
        s.label = name;
        const std::size_t c = *arkit::find(name);
        for (std::size_t k = 0; k < n; ++k) s.y.push_back(y[k * K + c]);
        ch.series.push_back(s);
      }
      flow_plot = plot::line_chart(ch);
    }
  }
  io::Json smooth = {{"flows", flows}};
  for (std::size_t t = 0; t < kTypes; ++t) {
    const std::string name = arkit::to_string(static_cast<ChannelType>(t));
    smooth[name] = {{"max_step_in_crossfades", step_in[t]},
                    {"max_step_outside", step_out[t]},
                    {"max_jerk_in_crossfades", jerk_in[t]},
                    {"max_jerk_outside", jerk_out[t]}};
  }
  // Only EXPRESSION is held to a largest step; the lips' smoothness is the jitter rule.
  const int expr_type = static_cast<int>(ChannelType::Expression);
  smooth["EXPRESSION"]["step_limit"] = kMaxStepExpression;
  rule("smoothness.step.EXPRESSION",
       "largest frame-to-frame change of an EXPRESSION channel at 30 fps, inside or outside crossfades, "
       "multi-emotion texts through TTS, timeline, model and post-processing (blinks off)",
       std::max(step_in[expr_type], step_out[expr_type]), kMaxStepExpression, true);
  rep.json["smoothness"] = smooth;

  // ------------------------------------------------------------ lipsync on real speech
  // The model as `emosync animate --no-blinks` runs it, every clip at a constant emotion.
  auto outputs_for = [&](const std::vector<Clip>& clips, const emotion::Conditioning& cond, float gain_db) {
    std::vector<std::vector<float>> out(clips.size());
    const float g = std::pow(10.0f, gain_db / 20.0f);
    for_each_index(clips.size(), [&](std::size_t i) {
      std::vector<float> pcm = clips[i].pcm;
      for (float& x : pcm) x *= g;
      out[i] = run_model(pcm, constant(cond), true);
    });
    return out;
  };
  const auto neutral = emotion::make_conditioning(emotion::parse("neutral"), 0.0f);
  const std::string which = real.empty() ? "synthetic speech" : "dev speakers + held-out LJ Speech";
  std::fprintf(stderr, "validate: lipsync on %zu clips (%s)\n", speech.size(), which.c_str());
  const auto base_out = outputs_for(speech, neutral, 0.0f);
  const auto envelope_anims = envelope_animations(speech, base_out);
  const auto teacher_anims = teacher_animations(speech);
  const CorpusScores model_scores = score(speech, as_animations(base_out));
  const CorpusScores envelope_scores = score(speech, envelope_anims);
  const CorpusScores teacher_scores = score(speech, teacher_anims);
  io::Json lipsync = lipsync_json(model_scores, envelope_scores, teacher_scores);
  lipsync["speech"] = which;
  const LipScores& pooled = model_scores.at("pooled");
  io::Json unsealed = io::Json::array();
  for (const auto& u : pooled.unsealed) {
    if (unsealed.size() == kMaxListedUnsealed) break;
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s: %s@%.2f s (smallest gap %.3f, shut <= %.3f)", u.clip.c_str(),
                  u.phone.c_str(), u.start_s, u.min_gap, u.shut);
    unsealed.push_back(buf);
  }
  lipsync["unsealed"] = unsealed;
  lipsync["unsealed_total"] = pooled.unsealed.size();

  // Above the loudness envelope on every corpus: the smallest margin decides.
  double margin = 1e9;
  std::string margin_at;
  for (const auto& [corpus, s] : model_scores) {
    if (corpus == "pooled") continue;
    const double m = s.articulation_auc() - envelope_scores.at(corpus).articulation_auc();
    if (m < margin) margin = m, margin_at = corpus;
  }
  rule("lipsync.articulation_auc",
       "AUC of open vowels (AA AE AO AW AY) against p/b/m, each read as the mean lip gap max(0, jawOpen - "
       "mouthClose) over its middle third, every corpus pooled (" + which + ")",
       pooled.articulation_auc(), kMinArticulationAuc, false);
  rule("lipsync.articulation_vs_envelope",
       "articulation AUC minus the loudness envelope's (frame RMS / its 95th percentile as jawOpen), smallest on any "
       "corpus (" + margin_at + "): the model must beat it everywhere",
       margin, 0.0, false);
  rule("lipsync.rounding_auc",
       "AUC of rounded (UW OW UH OY W) against spread (IY IH EH AE EY) phones, each read as the mean mouthFunnel + "
       "mouthPucker over its middle third, pooled",
       pooled.rounding_auc(), kMinRoundingAuc, false);
  rule("lipsync.sealed",
       "p/b/m of >= 40 ms with some frame from its start to one frame past its end at a lip gap <= 0.25 x the clip's "
       "mean gap over vowel frames, pooled",
       pooled.sealed_rate(), kMinSealed, false);
  rule("lipsync.open",
       "vowels of >= 80 ms with some frame at a lip gap >= 0.5 x the clip's mean gap over vowel frames, pooled",
       pooled.open_rate(), kMinOpen, false);
  rule("lipsync.jitter",
       "share of the lip gap's spectral energy above 8 Hz (per clip, mean removed, 30 fps), averaged over clips",
       pooled.jitter(), kMaxJitter, true);

  // Synthetic voices too, for a picture of how it generalises across speakers (no rule).
  if (!real.empty()) {
    const auto tts_out = outputs_for(tts, neutral, 0.0f);
    rep.json["lipsync_synthetic"] = lipsync_json(score(tts, as_animations(tts_out)),
                                                 score(tts, envelope_animations(tts, tts_out)),
                                                 score(tts, teacher_animations(tts)));
  }

  // Pauses: the mouth comes to rest (on the held-out LJ clips, or the synthetic ones).
  std::vector<const Clip*> rest_clips;
  std::vector<const std::vector<float>*> rest_out;
  for (std::size_t i = 0; i < speech.size(); ++i)
    if (&speech == &rest_speech || speech[i].corpus == "ljspeech")
      rest_clips.push_back(&speech[i]), rest_out.push_back(&base_out[i]);
  const Rest rest = rest_figures(rest_clips, rest_out);
  lipsync["rest"] = rest.rate();
  lipsync["pauses"] = rest.pauses;
  rep.json["lipsync"] = lipsync;
  const std::string rest_which = lj.empty() ? "synthetic" : "held-out LJ Speech";
  rule("lipsync.rest", "pauses of >= 300 ms where jawOpen < 0.05 from 150 ms after the speech stops (" + rest_which + ")",
       rest.rate(), kMinRest, false);

  // The mouth after synthetic speech followed by a second of silence.
  {
    const auto tail_out = outputs_for(tts, neutral, 0.0f);
    std::vector<const Clip*> cs;
    std::vector<const std::vector<float>*> os;
    for (std::size_t i = 0; i < tts.size(); ++i) cs.push_back(&tts[i]), os.push_back(&tail_out[i]);
    rule("lipsync.rest_after_speech", "synthetic clips + 1 s silence: mouth at rest (jawOpen < 0.05) 150 ms after "
         "speech ends, every pause", rest_figures(cs, os).rate(), 1.0, false);
  }

  // ------------------------------------------------------------ emotion must not break the lips
  io::Json under = io::Json::object();
  double worst_auc = 0, worst_sealed = 0;
  std::string worst_auc_at, worst_sealed_at;
  for (const char* name : {"joy", "anger", "sadness", "surprise"}) {
    std::fprintf(stderr, "validate: lipsync under %s at 100\n", name);
    const auto cond = emotion::make_conditioning(emotion::parse(name), 100.0f);
    const CorpusScores s = score(speech, as_animations(outputs_for(speech, cond, 0.0f)));
    under[name] = scores_json(s);
    const double d_auc = std::abs(s.at("pooled").articulation_auc() - pooled.articulation_auc());
    const double d_sealed = std::abs(s.at("pooled").sealed_rate() - pooled.sealed_rate());
    if (d_auc >= worst_auc) worst_auc = d_auc, worst_auc_at = name;
    if (d_sealed >= worst_sealed) worst_sealed = d_sealed, worst_sealed_at = name;
  }
  rep.json["lipsync_under_emotion"] = under;
  rule("emotion.articulation_auc", "pooled articulation AUC under joy, anger, sadness, surprise at 100 vs neutral, "
       "largest difference (" + worst_auc_at + ")", worst_auc, kMaxEmotionDrift, true);
  rule("emotion.sealed", "pooled sealed p/b/m under joy, anger, sadness, surprise at 100 vs neutral, largest "
       "difference (" + worst_sealed_at + ")", worst_sealed, kMaxEmotionDrift, true);

  // ------------------------------------------------------------ loudness
  std::vector<std::size_t> loud_idx;  // the clips of rest_speech within speech
  for (std::size_t i = 0; i < speech.size(); ++i)
    if (&speech == &rest_speech || speech[i].corpus == "ljspeech") loud_idx.push_back(i);
  double worst_shift = 0;
  io::Json loud = io::Json::object();
  for (float gain : {-12.0f, 12.0f}) {
    const auto out = outputs_for(rest_speech, neutral, gain);
    double sum = 0;
    std::size_t cnt = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
      const auto& base = base_out[loud_idx[i]];
      for (std::size_t k = 0; k < out[i].size() / K && k < base.size() / K; ++k)
        for (auto c : channels(ChannelType::Lipsync)) {
          sum += std::abs(out[i][k * K + c] - base[k * K + c]);
          ++cnt;
        }
    }
    const double shift = sum / std::max<std::size_t>(1, cnt);
    loud[(gain > 0 ? "+" : "") + std::to_string(static_cast<int>(gain)) + " dB"] = shift;
    worst_shift = std::max(worst_shift, shift);
  }
  rep.json["loudness"] = loud;
  rule("loudness.lip_shift", "mean abs change of LIPSYNC channels at -12 dB and +12 dB vs 0 dB (" + rest_which +
       " speech)", worst_shift, kMaxLoudnessShift, true);

  // ------------------------------------------------------------ held-out items (issue 6)
  if (!o.heldout_dir.empty()) {
    if (!o.forward) throw Error("validate: held-out items need the network's forward pass");
    rep.json["heldout"] = heldout_mae(o.forward, o.heldout_dir);
  }

  // ------------------------------------------------------------ report
  io::Json rules = io::Json::array();
  for (const auto& r : rep.rules)
    rules.push_back({{"id", r.id}, {"description", r.description}, {"value", r.value}, {"limit", r.limit},
                     {"at_most", r.at_most}, {"pass", r.pass}});
  rep.json["rules"] = rules;
  rep.json["pass"] = rep.pass();
  rep.json["model"] = o.model_label;

  if (!o.out_dir.empty()) {
    fs::create_directories(o.out_dir);
    plot::HeatMap hm;
    hm.title = "Distance between the 16 classes' model faces at L3 (EXPRESSION+SHARED; red: below the limit)";
    hm.labels = labels;
    hm.cells = dist;
    hm.threshold = kMinClassDistance;
    // One clip's lip gap: model, loudness envelope and teacher over its phones. A VCTK dev
    // clip when there is one (its prompts are rich in p/b/m), else the first.
    plot::LineChart jc;
    {
      std::size_t ci = 0;
      for (std::size_t i = 0; i < speech.size(); ++i)
        if (speech[i].corpus == "vctk") {
          ci = i;
          break;
        }
      const Clip& c = speech[ci];
      jc.title = "Lip gap max(0, jawOpen - mouthClose) on " + c.corpus + "/" + c.id +
                 ": model, loudness envelope, teacher (p/b/m shaded)";
      jc.x_label = "seconds";
      jc.y_label = "lip gap";
      const std::vector<float> gm = lip_gap(as_animation(base_out[ci])), ge = lip_gap(envelope_anims[ci]),
                               gt = lip_gap(teacher_anims[ci]);
      plot::Series sm{"model", {}, ""}, se{"loudness envelope", {}, ""}, st{"teacher (alignment)", {}, ""};
      for (std::size_t k = 0; k < gm.size(); ++k) {
        jc.x.push_back(k / static_cast<double>(model::kOutputFps));
        sm.y.push_back(gm[k]);
        se.y.push_back(k < ge.size() ? ge[k] : std::nan(""));
        st.y.push_back(k < gt.size() ? gt[k] : std::nan(""));
      }
      for (const auto& p : c.phones.phones) {
        auto v = viseme::PhonemeMap::standard(c.phones.phone_set).try_lookup(p.symbol);
        if (v && viseme::is_bilabial(*v)) jc.shaded_x.push_back({p.start_s, p.end_s});
      }
      jc.series = {sm, se, st};
    }
    const std::string heat = plot::heat_map(hm), jaw_svg = plot::line_chart(jc);
    io::write_file_atomic(o.out_dir + "/distinctness.svg", heat);
    io::write_file_atomic(o.out_dir + "/smoothness.svg", flow_plot);
    io::write_file_atomic(o.out_dir + "/lipsync.svg", jaw_svg);
    io::write_file_atomic(o.out_dir + "/report.json", rep.json.dump(1) + "\n");
    io::write_file_atomic(o.out_dir + "/report.html", report_html(rep, {heat, flow_plot, jaw_svg}));
  }
  return rep;
}

}  // namespace emosync::validate
