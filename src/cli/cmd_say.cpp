// emosync say "<tagged or plain text>" -o out/: the main job. TTS speaks the words, the
// tags (or the text-emotion model's tags for plain text) become an emotion timeline at
// the spoken words, the model animates the face, and every output lands in one folder.
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "cli/speech_job.h"
#include "io/error.h"
#include "timeline/timeline.h"
#include "tts/tts.h"

namespace {
using namespace emosync;

void setup(CLI::App& app) {
  auto text = std::make_shared<std::string>();
  auto tts_cfg = std::make_shared<tts::TtsConfig>();
  app.add_option("text", *text,
                 "what to say: tagged text ([happy:80] I got the job! [sad:40] ...) or plain text; at most " +
                     std::to_string(cli::kMaxSpeechChars) + " characters")
      ->required();
  auto job = cli::SpeechJob::add_to(app);
  app.add_option("--engine", tts_cfg->engine, "TTS engine: espeak | flite | external");
  app.add_option("--voice", tts_cfg->voice, "espeak: en-us, en-gb-x-rp, en-us+f3, ...; flite: slt, kal, rms, awb");
  app.add_option("--rate", tts_cfg->rate, "speaking rate relative to the voice's default (0.3 .. 3)");
  app.add_option("--pitch", tts_cfg->pitch, "pitch 0 .. 100 (50 = the voice's default)");
  app.add_option("--audio", tts_cfg->external_audio, "external engine: the audio another TTS wrote");
  app.add_option("--timings", tts_cfg->external_timings, "external engine: its word timings (.srt/.vtt/.tsv)");
  app.callback([=] {
    cli::check_speech_text(*text, "say");
    std::string how;
    const std::string tagged = job->tagged_text(*text, &how);
    // The engine speaks the words only; the tags stay with the timeline.
    std::string plain;
    for (const auto& w : timeline::words_of(timeline::parse_tagged(tagged))) plain += (plain.empty() ? "" : " ") + w;
    if (plain.empty()) throw Error("say: the text has no words to speak");
    tts_cfg->validate();
    tts::TtsResult r = tts::make_tts(*tts_cfg)->synthesize(plain);
    std::vector<timeline::WordTiming> words;
    for (const auto& w : r.words) words.push_back({w.start_s, w.end_s, w.text});
    std::printf("%s: %s\n", tagged.c_str(), how.c_str());
    job->write(r.audio, job->animate(r.audio, [&](engine::Animator& a) { a.set_timeline(tagged, words); }), tagged);
  });
}

const bool registered =
    cli::register_command({"say", "Speak (tagged) text and animate the face: WAV + animation in every format", setup});
}  // namespace
