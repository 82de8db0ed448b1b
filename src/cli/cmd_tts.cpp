// emosync tts: text -> speech WAV plus phoneme and word events (TSV).
#include <cstdio>

#include "cli/command.h"
#include "cli/speech_job.h"
#include "io/error.h"
#include "tts/tts.h"

namespace {
using namespace emosync;

void setup(CLI::App& app) {
  auto cfg = std::make_shared<tts::TtsConfig>();
  auto text = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto events = std::make_shared<std::string>();
  app.add_option("text", *text, "text to speak, at most " + std::to_string(cli::kMaxSpeechChars) + " characters")
      ->required();
  app.add_option("-o,--output", *out, "output WAV (16-bit)")->required();
  app.add_option("--events", *events, "write phoneme and word events here (TSV)");
  app.add_option("--engine", cfg->engine, "espeak | flite | festival | external")->capture_default_str();
  app.add_option("--voice", cfg->voice, "espeak: en-us, en, en-gb-x-rp, ... with variants en-us+f3, +m2, +klatt ...; flite: slt, kal, kal16, rms, awb; festival: kal, ked, slt-hts (docs/tts.md)");
  app.add_option("--rate", cfg->rate, "speaking rate relative to the voice's default (0.3 .. 3)")->capture_default_str();
  app.add_option("--pitch", cfg->pitch, "pitch 0 .. 100 (50 = the voice's default)")->capture_default_str();
  app.add_option("--audio", cfg->external_audio, "external engine: the audio another tool wrote (e.g. edge-tts MP3)");
  app.add_option("--timings", cfg->external_timings,
                 "external engine: its word timings (.srt / .vtt with word cues, or .tsv 'start_s end_s word')");
  app.add_flag("!--no-phonemes", cfg->external_phonemes,
               "external engine: do not estimate phonemes inside words with espeak-ng");
  app.callback([=] {
    cli::check_speech_text(*text, "tts");
    auto engine = tts::make_tts(*cfg);
    tts::TtsResult r = engine->synthesize(*text);
    audio::write_wav16(*out, r.audio);
    if (!events->empty()) tts::write_events_tsv(*events, r);
    std::printf("%s: %.2f s at %d Hz, %zu phonemes, %zu words -> %s%s%s\n", engine->name().c_str(),
                r.audio.duration_s(), r.audio.sample_rate, r.phonemes.size(), r.words.size(), out->c_str(),
                events->empty() ? "" : ", ", events->c_str());
  });
}

const bool registered = cli::register_command({"tts", "Speak text with phoneme and word timings (espeak-ng, flite, festival, external)", setup});
}  // namespace
