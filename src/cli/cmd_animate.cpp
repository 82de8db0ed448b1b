// emosync animate speech.wav [--text "<tagged text>"] [--words words.tsv] [--lips text] -o out/:
// recorded speech (any format libsndfile reads, any rate) -> the face, with the emotion
// flow of the text placed at its words (from word timings when given, else from a forced
// alignment of the text, else spread over the detected speech).
#include <cstdio>
#include <functional>
#include <memory>

#include "align/align.h"
#include "align/text_lips.h"
#include "audio/audio.h"
#include "cli/command.h"
#include "cli/speech_job.h"
#include "io/error.h"
#include "timeline/timeline.h"

namespace {
using namespace emosync;

void setup(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  auto text = std::make_shared<std::string>();
  auto words_path = std::make_shared<std::string>();
  auto emotion = std::make_shared<std::string>();
  app.add_option("audio", *path, "recorded speech (WAV, FLAC, OGG, MP3)")->required();
  app.add_option("--text", *text, "what is said, tagged ([joy:70] ...) or plain (tagged by the text model)");
  app.add_option("--words", *words_path, "word timings: 'start_s end_s word' per line (e.g. from a forced aligner)");
  app.add_option("--emotion", *emotion, "one emotion for the whole clip, e.g. joy or joy:70 (instead of --text)");
  auto max_seconds = std::make_shared<double>(audio::kMaxInputSeconds);
  app.add_option("--max-seconds", *max_seconds, "longest speech to read; longer input (or a pipe that goes on) is an error")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  auto lips = std::make_shared<std::string>("audio");
  app.add_option("--lips", *lips,
                 "audio: lips from the speech alone (the model); text: from the aligned --text (exact transcripts, "
                 "docs/align.md)")
      ->capture_default_str();
  auto no_align = std::make_shared<bool>(false);
  app.add_flag("--no-align", *no_align, "do not align --text to the speech: tags go on the spread estimate");
  auto align_config = std::make_shared<align::AlignConfig>();
  app.add_option("--align-model", align_config->model_dir, "pocketsphinx acoustic model for the alignment")
      ->capture_default_str();
  app.add_option("--align-dict", align_config->dict, "its pronouncing dictionary")->capture_default_str();
  auto job = cli::SpeechJob::add_to(app);
  app.footer(
      "Limits: at most --max-seconds of speech (default 3600 s; above 48 kHz, max-seconds x 48000\n"
      "samples); every sample finite (a NaN or Inf in a float file is an error naming its time);\n"
      "a truncated or header-only file is an error.\n"
      "With --text and no --words the text is aligned to the speech (emosync align) and every tag starts\n"
      "at its word; when the alignment fails (the text does not match, more than 600 s or 4000 words,\n"
      "silence) a warning says why and the tags go on the spread estimate (and --lips text keeps the\n"
      "audio lips).");
  app.callback([=] {
    if (!text->empty() && !emotion->empty()) throw Error("animate: give --text or --emotion, not both");
    const align::LipSource lip_source = align::lip_source_from_string(*lips, "animate: --lips");
    if (lip_source == align::LipSource::Text && text->empty()) throw Error("animate: --lips text needs --text");
    audio::Audio speech = audio::read_audio(*path, *max_seconds);
    // The engine takes 8..48 kHz; a recording at another rate is brought to the model's
    // 16 kHz first (a 96 kHz file was "sample rate 96000 Hz is outside 8000..48000").
    speech = audio::within_rates(std::move(speech), engine::kMinSampleRate, engine::kMaxSampleRate, audio::kModelRate, *path);
    std::string how = "neutral (no --text)", tagged;
    std::function<void(engine::Animator&)> set = [](engine::Animator&) {};
    std::vector<timeline::WordTiming> words;
    if (!words_path->empty()) {
      if (text->empty()) throw Error("animate: --words needs --text (the timings belong to its words)");
      words = timeline::read_words_tsv(*words_path);
    }
    if (!emotion->empty()) {
      // "joy" or "joy:70" (intensity 0..100; the name alone is L3, 60).
      const auto colon = emotion->find(':');
      const std::string name = emotion->substr(0, colon);
      float intensity = 60.0f;
      if (colon != std::string::npos) intensity = cli::parse_floats(emotion->substr(colon + 1), 1, "--emotion intensity")[0];
      set = [name, intensity](engine::Animator& a) { a.set_emotion(name, intensity); };
      how = "one emotion for the clip";
      tagged = "[" + *emotion + "]";
    }
    // The alignment: word timings for the tags (unless --words gives them) and the
    // phones --lips text needs. Any failure is a warning; the clip is still animated.
    align::TranscriptAlignment alignment;
    if (!text->empty()) {
      tagged = job->tagged_text(*text, &how);
      const bool need_words = words_path->empty() && !*no_align;
      if (need_words || lip_source == align::LipSource::Text) {
        std::unique_ptr<align::Aligner> aligner;
        alignment = align::align_transcript(aligner, *align_config, speech, tagged);
        if (alignment.matched) {
          std::printf("aligned %zu words to the speech (confidence %.2f)\n", alignment.alignment.word_index.size(),
                      alignment.alignment.confidence);
          if (need_words) words = alignment.words;
        } else {
          std::string fallback = need_words ? "the tags go on the spread estimate" : "the tags follow --words";
          if (lip_source == align::LipSource::Text) fallback += " and the lips follow the audio";
          std::fprintf(stderr, "animate: warning: %s; %s\n", alignment.failure.c_str(), fallback.c_str());
        }
      }
      set = [tagged, words](engine::Animator& a) { a.set_timeline(tagged, words); };
    }
    std::printf("%s: %s\n", tagged.empty() ? "neutral" : tagged.c_str(), how.c_str());
    std::vector<float> frames = job->animate(speech, set);
    align::apply_lips(lip_source, alignment, frames, engine::kFps, speech);
    job->write(speech, frames, tagged);
  });
}

const bool registered =
    cli::register_command({"animate", "Animate recorded speech (+ tagged text) -> animation in every format", setup});
}  // namespace
