// emosync align speech.wav --text "transcript" -o out/: forced alignment of recorded
// speech to its transcript -> out/phones.tsv and out/words.tsv.
#include <chrono>
#include <cstdio>
#include <memory>

#include "align/align.h"
#include "audio/audio.h"
#include "cli/command.h"
#include "io/atomic_file.h"
#include "io/error.h"

namespace {
using namespace emosync;

struct Options {
  std::string input, text, text_file, out_dir;
  align::AlignConfig config;
};

void setup(CLI::App& app) {
  auto o = std::make_shared<Options>();
  app.add_option("input", o->input, "speech (WAV, FLAC, OGG, MP3; any rate and channel count)")->required();
  auto* text = app.add_option("--text", o->text, "the transcript; emotion tags [name:NN] are ignored");
  app.add_option("--text-file", o->text_file, "read the transcript from a file")->excludes(text);
  app.add_option("-o,--output", o->out_dir, "folder for phones.tsv and words.tsv")->required();
  app.add_option("--model", o->config.model_dir, "pocketsphinx acoustic model folder")->capture_default_str();
  app.add_option("--dict", o->config.dict, "pronouncing dictionary (CMUdict format) of that model")->capture_default_str();
  app.add_option("--offset", o->config.offset_s, "seconds added to every boundary (pocketsphinx -> MFA convention)")
      ->capture_default_str();
  app.add_option("--min-confidence", o->config.min_confidence, "below this the transcript is taken not to match")
      ->capture_default_str();
  app.add_flag("!--no-espeak", o->config.espeak_fallback,
               "words missing from the dictionary are an error instead of being pronounced by espeak-ng");
  app.footer(
      "Writes phones.tsv and words.tsv: `start_s<TAB>end_s<TAB>label` with a header, contiguous over\n"
      "the clip, ARPAbet without stress digits, `sil` for silence (the layout of ../shared/data/speech).\n"
      "Prints the alignment's confidence; a transcript that does not match the speech (another\n"
      "clip's, or silence) is an error and a non-zero exit.\n"
      "Limits: at most 600 s of audio and 4000 words per call; the audio must hold at least 30 ms\n"
      "per phone of the transcript and some sound above -54 dBFS.");
  app.callback([o] {
    if (o->text.empty() && o->text_file.empty()) throw Error("align: give the transcript with --text or --text-file");
    std::string transcript = o->text;
    if (!o->text_file.empty()) transcript = io::read_file(o->text_file);
    auto t0 = std::chrono::steady_clock::now();
    audio::Audio a = audio::read_audio(o->input, align::kMaxAudioS);
    align::Aligner aligner(o->config);
    align::Alignment r = aligner.align(a, transcript);
    align::require_match(r, o->input, o->config.min_confidence);
    io::write_file_atomic(o->out_dir + "/phones.tsv", r.phones_tsv());
    io::write_file_atomic(o->out_dir + "/words.tsv", r.words_tsv());
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("%s: %.2f s, %zu words, %zu phone spans, confidence %.2f (path %.2f nats/frame below the best senone) -> %s/{phones,words}.tsv (%.0f x real time)\n",
                o->input.c_str(), r.duration_s, r.word_index.size(), r.phones.size(), r.confidence, r.score_gap,
                o->out_dir.c_str(), s > 0 ? r.duration_s / s : 0.0);
    for (const auto& w : r.espeak_words) std::printf("  '%s' is not in the dictionary: pronounced by espeak-ng\n", w.c_str());
  });
}

const bool registered = cli::register_command(
    {"align", "Speech + transcript -> phone and word timings (phones.tsv, words.tsv) by forced alignment", setup});
}  // namespace
