#include "datagen/generator.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "audio/audio.h"
#include "augment/effects.h"
#include "dataset/merge.h"
#include "dataset/speed_limit.h"
#include "emotion/classes.h"
#include "emotion/conditioning.h"
#include "features/log_mel.h"
#include "io/error.h"
#include "timeline/timeline.h"
#include "tts/voices.h"
#include "viseme/phone_class.h"

namespace emosync::datagen {
namespace {

// Turns are padded to whole multiples of this many 16 kHz samples (0.1 s), which is
// a whole number of both feature frames (10 ms) and model frames at 10/20/30 fps, so
// the clocks of concatenated turns never drift against each other.
constexpr std::size_t kGrain = 1600;

std::size_t round_up(std::size_t n, std::size_t g) { return (n + g - 1) / g * g; }

struct TurnTake {
  std::vector<float> audio;       // 16 kHz
  teacher::Animation animation;   // at fps, covering audio
  std::string source;             // synthetic | real
  teacher::PhoneTimeline phones;  // as the teacher read them, on this take's clock
};

// The phone class (viseme/phone_class.h) of the phone each frame's time sits in: 0
// (silence) where no phone covers it, -1 where the phone trains no class (stress marks,
// spoken noise, unknown symbols). The label of the trainer's auxiliary phone head; for
// real turns it comes from the alignment, for synthetic ones from the TTS events.
void label_phones(const teacher::PhoneTimeline& phones, double t0, double fps, std::vector<float>& labels,
                  std::size_t first, std::size_t frames) {
  const viseme::PhoneClasses& classes = viseme::PhoneClasses::standard();
  std::size_t at = 0;
  for (std::size_t f = 0; f < frames; ++f) {
    const double t = static_cast<double>(first + f) / fps - t0;  // frame k is at k/fps, as the targets'
    while (at < phones.phones.size() && phones.phones[at].end_s <= t) ++at;
    float v = 0.f;
    if (at < phones.phones.size() && phones.phones[at].start_s <= t)
      v = static_cast<float>(classes.label(phones.phone_set, phones.phones[at].symbol));
    labels[first + f] = v;
  }
}

TurnTake speak_turn(const scenarios::Turn& turn, GeneratorContext& ctx, std::size_t pad_samples, double speed) {
  TurnTake take;
  teacher::PhoneTimeline phones;
  audio::Audio a16;
  std::unique_ptr<teacher::Teacher> capture_teacher;
  if (turn.is_real()) {
    take.source = "real";
    a16 = audio::load_mono_16k(turn.audio);
    if (!turn.alignment.empty()) phones = teacher::read_alignment_tsv(turn.alignment);
    if (!turn.capture.empty()) capture_teacher = teacher::make_livelink_teacher({turn.capture, 0});
  } else {
    take.source = "synthetic";
    tts::TtsResult r = ctx.speaking->synthesize(turn.text);
    phones = teacher::timeline_from_events(r);
    a16 = audio::resample(r.audio, audio::kModelRate);
  }
  // Speed perturbation: the speech and its phone times on the new clock, before the
  // teacher reads them. Not for captures, whose recorded face keeps its own clock.
  if (speed != 1 && !capture_teacher) {
    double used = speed;
    a16.samples = augment::change_speed(a16.samples, speed, &used);
    for (auto& p : phones.phones) {
      p.start_s /= used;
      p.end_s /= used;
    }
  }
  // Lead-in / pause before the turn's speech; phones shift with it.
  const double lead = static_cast<double>(pad_samples) / audio::kModelRate;
  for (auto& p : phones.phones) {
    p.start_s += lead;
    p.end_s += lead;
  }
  std::vector<float> samples(pad_samples, 0.f);
  samples.insert(samples.end(), a16.samples.begin(), a16.samples.end());
  samples.resize(round_up(samples.size(), kGrain), 0.f);
  audio::Audio padded{samples, audio::kModelRate};
  teacher::TeacherInput in{&padded, &phones};
  take.animation = capture_teacher ? capture_teacher->animate(in, ctx.config.fps)
                                   : ctx.rule_teacher->animate(in, ctx.config.fps);
  std::size_t frames = samples.size() / kGrain * static_cast<std::size_t>(std::lround(ctx.config.fps / 10.0));
  if (take.animation.frames != frames) take.animation = teacher::resample_time(take.animation, ctx.config.fps, frames);
  take.audio = std::move(samples);
  take.phones = std::move(phones);
  return take;
}

}  // namespace

void GeneratorConfig::validate() const {
  tts.validate();
  for (const auto& v : voices) v.validate();
  double per_grain = fps / 10.0;
  if (!(fps > 0) || std::abs(per_grain - std::round(per_grain)) > 1e-9)
    throw Error("fps must be a multiple of 10 (10, 20, 30, ...) so turns join on whole frames");
  if (!(pause_s >= 0 && pause_s <= 5)) throw Error("pause_s must be in [0, 5]");
  if (!(crossfade_s >= 0)) throw Error("crossfade_s must be >= 0");
  if (augment < 0 || augment > 100) throw Error("--augment must be in 0..100 (augmented variants of each real item)");
  if (!(augment_synthetic >= 0 && augment_synthetic <= 1))
    throw Error("--augment-synthetic must be in [0, 1] (the share of synthetic items augmented in place)");
}

GeneratorContext::GeneratorContext(const GeneratorConfig& c)
    : config(c), tts(tts::make_tts(c.tts)), rule_teacher(teacher::make_rule_teacher()),
      compiler(compiler::Compiler::standard()) {
  config.validate();
  voice_engines.resize(config.voices.size());
}

const tts::TtsConfig& GeneratorContext::use_voice_of(const std::string& id) {
  if (config.voices.empty()) {
    speaking = tts.get();
    return config.tts;
  }
  const std::size_t k = tts::pick_voice(id, config.voices.size());
  if (!voice_engines[k]) voice_engines[k] = tts::make_tts(config.voices[k]);
  speaking = voice_engines[k].get();
  return config.voices[k];
}

dataset::Item generate_item(const scenarios::Scenario& s, GeneratorContext& ctx, const augment::Chain& chain) {
  const tts::TtsConfig& voice = ctx.use_voice_of(s.id);
  const double fps = ctx.config.fps;
  const std::size_t pause = round_up(static_cast<std::size_t>(ctx.config.pause_s * audio::kModelRate), kGrain);
  std::vector<float> audio16;
  std::vector<float> teacher_frames;
  std::vector<float> phone_labels;
  timeline::Placement placement;
  std::vector<emotion::Conditioning> turn_cond;
  std::vector<double> speech_start, speech_end;
  io::Json turns_meta = io::Json::array();
  bool any_real = false, any_synth = false;
  for (std::size_t k = 0; k < s.turns.size(); ++k) {
    const scenarios::Turn& turn = s.turns[k];
    TurnTake take = speak_turn(turn, ctx, pause, chain.speed);
    any_real |= take.source == "real";
    any_synth |= take.source == "synthetic";
    double t0 = static_cast<double>(audio16.size()) / audio::kModelRate;
    speech_start.push_back(t0 + static_cast<double>(pause) / audio::kModelRate);
    audio16.insert(audio16.end(), take.audio.begin(), take.audio.end());
    speech_end.push_back(static_cast<double>(audio16.size()) / audio::kModelRate);
    teacher_frames.insert(teacher_frames.end(), take.animation.data.begin(), take.animation.data.end());
    const std::size_t first = phone_labels.size();
    phone_labels.resize(teacher_frames.size() / arkit::kCount, 0.f);
    label_phones(take.phones, t0, fps, phone_labels, first, phone_labels.size() - first);
    emotion::Vad vad = turn.resolved_vad();
    turn_cond.push_back(emotion::make_conditioning(turn.emotion, vad));
    turns_meta.push_back({{"speaker", turn.speaker == scenarios::Speaker::Self ? "SELF" : "OTHER"},
                          {"text", turn.text},
                          {"emotion", std::string(emotion::names()[turn.emotion])},
                          {"intensity", turn.intensity.value_or(-1.f)},
                          {"vad", {vad[0], vad[1], vad[2]}},
                          {"start_s", speech_start.back()},
                          {"source", take.source}});
    if (!turn.recorded_by.empty()) turns_meta.back()["recorded_by"] = turn.recorded_by;
  }
  // Tail: the face returns to rest after the last word.
  std::size_t tail = pause;
  audio16.insert(audio16.end(), tail, 0.f);
  std::size_t tail_frames = tail / kGrain * static_cast<std::size_t>(std::lround(fps / 10.0));
  teacher_frames.insert(teacher_frames.end(), tail_frames * arkit::kCount, 0.f);
  const double duration = static_cast<double>(audio16.size()) / audio::kModelRate;
  const std::size_t frames = teacher_frames.size() / arkit::kCount;
  phone_labels.resize(frames, 0.f);  // the tail is silence

  // Turn boundaries sit in the middle of the pause between two turns.
  double prev = 0;
  for (std::size_t k = 0; k < s.turns.size(); ++k) {
    placement.segment.push_back(k);
    placement.start.push_back(prev);
    double b = k + 1 < s.turns.size() ? 0.5 * (speech_end[k] + speech_start[k + 1]) : duration;
    placement.end.push_back(b);
    prev = b;
  }
  placement.duration_s = duration;
  timeline::TimelineOptions topt;
  topt.fps = fps;
  topt.crossfade_s = ctx.config.crossfade_s;
  std::vector<float> cond = timeline::crossfade_frames(placement, turn_cond, topt);
  cond.resize(frames * emotion::kConditioningDim, 0.f);  // frame_count rounding: same clock, exact length

  std::vector<float> compiled(frames * arkit::kCount);
  ctx.compiler.compile_batch(cond.data(), frames, compiled.data());
  compiler::Blendshapes neutral = ctx.compiler.neutral();
  std::vector<float> targets = dataset::merge_targets(teacher_frames, compiled, neutral.data(), frames);
  dataset::SpeedLimits::standard().apply(targets, frames, fps);

  dataset::Item item;
  item.id = s.id;
  augment::apply_steps(chain, audio16);  // what the model hears; the targets came from the clean turns
  std::vector<float> feats = features::log_mel(audio16);
  item.features = {{feats.size() / features::kMelBands, features::kMelBands}, std::move(feats)};
  item.cond = {{frames, emotion::kConditioningDim}, std::move(cond)};
  item.targets = {{frames, arkit::kCount}, std::move(targets)};
  item.phones = {{frames}, std::move(phone_labels)};
  std::map<std::string, std::size_t> per_class;
  for (std::size_t f = 0; f < frames; ++f) {
    const float* c = &item.cond.data[f * emotion::kConditioningDim];
    std::size_t best = std::max_element(c, c + emotion::kCount) - c;
    ++per_class[std::string(emotion::names()[best])];
  }
  std::string dominant = per_class.empty() ? "neutral" : std::max_element(per_class.begin(), per_class.end(),
      [](const auto& a, const auto& b) { return a.second < b.second; })->first;
  item.meta = {{"id", s.id},
               {"emotion", dominant},
               {"source", any_real && any_synth ? "mixed" : any_real ? "real" : "synthetic"},
               {"duration_s", duration},
               {"fps", fps},
               {"feature_rate", features::kFrameRate},
               {"emotions", per_class},
               {"turns", turns_meta},
               {"tts", voice.to_string()},
               {"anchors_version", emotion::Anchors::standard().version()}};
  if (!chain.empty()) item.meta["augment"] = chain.to_json();
  return item;
}

std::vector<PlannedItem> plan_items(const scenarios::Scenario& s, const GeneratorConfig& config) {
  std::vector<PlannedItem> out{{s, {}}};
  const bool real = std::any_of(s.turns.begin(), s.turns.end(), [](const auto& t) { return t.is_real(); });
  if (!real) {
    if (config.augment_synthetic > 0 &&
        augment::Rng(augment::seed_of(s.id + "/augment-synthetic")).uniform() < config.augment_synthetic)
      out[0].chain = augment::draw_chain(augment::seed_of(s.id));
    return out;
  }
  for (int k = 1; k <= config.augment; ++k) {
    PlannedItem v{s, {}};
    v.scenario.id = s.id + ".aug" + std::to_string(k);
    v.chain = augment::draw_chain(augment::seed_of(v.scenario.id));
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace emosync::datagen
