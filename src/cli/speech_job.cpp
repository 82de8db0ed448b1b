#include "cli/speech_job.h"

#include <cstdio>
#include <filesystem>

#include "arkit/blendshapes.h"
#include "export/animation.h"
#include "export/bundle.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "runtime/model.h"
#include "textemotion/tagger.h"

namespace emosync::cli {

void check_speech_text(const std::string& text, const std::string& command) {
  std::size_t chars = 0;
  for (unsigned char c : text) chars += (c & 0xC0) != 0x80;  // continuation bytes are not characters
  if (chars > kMaxSpeechChars)
    throw Error(command + ": the text is " + std::to_string(chars) + " characters, over the limit of " +
                std::to_string(kMaxSpeechChars) + " (split it into several runs)");
}

std::shared_ptr<SpeechJob> SpeechJob::add_to(CLI::App& app) {
  auto j = std::make_shared<SpeechJob>();
  app.add_option("-o,--output", j->out_dir, "output folder (speech.wav, animation in every format, preview.html)");
  app.add_option("--model", j->model_path, "safetensors model (default: the embedded default model)");
  app.add_flag("--no-blinks", j->no_blinks, "no natural blinks");
  app.add_flag("--no-fades", j->no_fades, "no lip fades at speech onset and offset");
  app.add_flag("--smoothing", j->smoothing, "smooth all channels (adds about 35 ms of lag)");
  app.add_flag("--no-loudness", j->no_loudness, "no loudness normalisation of the input");
  app.add_flag("--no-autotag", j->no_autotag, "plain text stays neutral instead of being tagged by the text model");
  app.add_option("--seed", j->seed, "blink randomness (same seed, same blinks)");
  return j;
}

std::string SpeechJob::tagged_text(const std::string& text, std::string* how) const {
  if (no_autotag && text.find('[') == std::string::npos) {
    if (how) *how = "plain text, neutral (--no-autotag)";
    return text;
  }
  textemotion::TimelineText t = textemotion::timeline_text(text, textemotion::Tagger::embedded());
  if (how) *how = t.how;
  return t.text;
}

std::vector<float> SpeechJob::animate(const audio::Audio& speech,
                                      const std::function<void(engine::Animator&)>& set_emotion) const {
  engine::Options o;
  o.post.blinks = !no_blinks;
  o.post.fades = !no_fades;
  o.post.smoothing = smoothing;
  o.post.seed = seed;
  o.normalize_loudness = !no_loudness;
  std::shared_ptr<const runtime::Model> m;
  if (model_path.empty())
    m = std::shared_ptr<const runtime::Model>(&runtime::Model::embedded_default(), [](const runtime::Model*) {});
  else
    m = std::make_shared<const runtime::Model>(runtime::Model::load(model_path));
  engine::Animator a(m, o);
  set_emotion(a);
  return a.process(speech.samples.data(), speech.samples.size(), speech.sample_rate);
}

void SpeechJob::write(const audio::Audio& speech, const std::vector<float>& frames, const std::string& tagged) const {
  exporter::Animation anim;
  anim.fps = engine::kFps;
  anim.frames = frames.size() / arkit::kCount;
  anim.data = frames;
  std::filesystem::create_directories(out_dir);
  std::string wav;
  try {
    wav = audio::wav16_bytes(speech);
  } catch (const Error& e) {
    throw Error(out_dir + "/speech.wav: " + e.what());
  }
  io::write_file_atomic(out_dir + "/speech.wav", wav);
  io::write_file_atomic(out_dir + "/tagged.txt", tagged + "\n");
  const std::string title = tagged.empty() ? "emosync" : tagged;
  std::vector<std::string> written = exporter::write_all(out_dir, anim, wav, title);
  std::printf("%s: %zu frames at 30 fps (%.2f s of speech)\n  speech.wav, tagged.txt", out_dir.c_str(), anim.frames,
              speech.duration_s());
  for (const auto& w : written) std::printf(", %s", std::filesystem::path(w).filename().string().c_str());
  std::printf("\n  open %s/preview.html in a browser to watch it\n", out_dir.c_str());
}

}  // namespace emosync::cli
