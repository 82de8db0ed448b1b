#pragma once
// Training-data generation for one scenario (seed §5, §8 step 3):
//
//   each turn: TTS (or recorded audio + alignment / capture) → 16 kHz audio + phones
//   turns joined with pauses → lipsync teacher (52 ch) on the whole take
//   turn boundaries (mid-pause) → timeline crossfades → per-frame 19-dim conditioning
//   compiler per frame → merge per channel split (LIPSYNC teacher, EXPRESSION
//   compiler, SHARED teacher + gated delta) → targets; log-mel features of the audio.
#include <string>

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

dataset::Item generate_item(const scenarios::Scenario& s, GeneratorContext& ctx);

}  // namespace emosync::datagen
