#pragma once
// Training-data generation for one scenario (seed §5, §8 step 3):
//
//   each turn: TTS (or recorded audio + alignment / capture) → 16 kHz audio + phones
//   turns joined with pauses → lipsync teacher (52 ch) on the whole take
//   turn boundaries (mid-pause) → timeline crossfades → per-frame 19-dim conditioning
//   compiler per frame → merge per channel split (LIPSYNC teacher, EXPRESSION
//   compiler, SHARED teacher + gated delta) → targets; log-mel features of the audio.
#include <string>

#include "augment/chain.h"
#include "compiler/compiler.h"
#include "dataset/item.h"
#include "scenarios/scenario.h"
#include "teacher/teacher.h"
#include "tts/tts.h"

namespace emosync::datagen {

struct GeneratorConfig {
  tts::TtsConfig tts;
  // When not empty, each scenario speaks with one of these, picked from its id
  // (tts::pick_voice), instead of `tts` (docs/tts.md, voice rotation).
  std::vector<tts::TtsConfig> voices;
  double fps = 30;
  double pause_s = 0.4;      // silence between turns (and the lead-in / tail)
  double crossfade_s = 0.8;  // ± around each turn boundary (shrinks for short turns)
  // Waveform augmentation (docs/augment.md): `augment` variants <id>.aug1..N of every
  // scenario with real speech, and the share `augment_synthetic` of all-synthetic
  // scenarios augmented in place. Each chain is drawn from the item's id.
  int augment = 0;
  double augment_synthetic = 0;

  void validate() const;
};

// Everything a generator thread owns. The TTS engines are not shareable across
// threads (espeak-ng serialises internally), so every worker has its own.
struct GeneratorContext {
  explicit GeneratorContext(const GeneratorConfig& config);
  GeneratorConfig config;
  std::unique_ptr<tts::Tts> tts;
  std::vector<std::unique_ptr<tts::Tts>> voice_engines;  // config.voices' engines, made on first use
  tts::Tts* speaking = nullptr;                          // the engine of the scenario being generated
  std::unique_ptr<teacher::Teacher> rule_teacher;
  const compiler::Compiler& compiler;

  // Points `speaking` at scenario `id`'s voice and returns its settings.
  const tts::TtsConfig& use_voice_of(const std::string& id);
};

// `chain` (empty: none) is heard in the features only: the teacher reads the clean turns,
// sped up or slowed down with their phone times when the chain changes the speed.
dataset::Item generate_item(const scenarios::Scenario& s, GeneratorContext& ctx, const augment::Chain& chain = {});

// The items a scenario yields under `config`: itself (augmented in place if it is
// all-synthetic and drawn into the augmented share), then its augmented variants.
struct PlannedItem {
  scenarios::Scenario scenario;  // the variants' ids are <id>.augK
  augment::Chain chain;
};
std::vector<PlannedItem> plan_items(const scenarios::Scenario& s, const GeneratorConfig& config);

}  // namespace emosync::datagen
