// emosync teacher: lipsync targets (frames x 52, canonical ARKit order) from TTS events,
// a forced alignment, a TorchScript model or a Live Link Face capture;
// emosync teacher check-ljspeech: the rule-based teacher on real speech.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "cli/command.h"
#include "io/error.h"
#include "io/npy.h"
#include "teacher/speech_check.h"
#include "teacher/teacher.h"
#include "tts/tts.h"

namespace emosync::cli {
// Set by cmd_torch_teacher.cpp when libtorch is built in (constant-initialised to null,
// so it is set before main whatever the order of static initialisation).
using TorchTeacherFactory = std::unique_ptr<teacher::Teacher> (*)(const std::string& path, double model_fps,
                                                                  const std::string& model_order);
TorchTeacherFactory torchscript_teacher_factory = nullptr;
}  // namespace emosync::cli

namespace {
using namespace emosync;

struct Options {
  std::string events, alignment, torchscript, livelink, audio, out;
  double fps = 30;
  double model_fps = 0;
  std::string model_order;
  double capture_fps = 0;
  bool no_energy = false;
  std::string data = "../shared/data/speech/ljspeech";
  std::string report = "report";
};

void run(const Options& o) {
  int sources = !o.events.empty() + !o.alignment.empty() + !o.torchscript.empty() + !o.livelink.empty();
  if (sources != 1) throw Error("give exactly one of --events, --alignment, --torchscript, --livelink");
  if (!(o.fps > 0)) throw Error("--fps must be positive");
  audio::Audio audio;
  bool have_audio = !o.audio.empty();
  if (have_audio) audio = audio::read_audio(o.audio);
  teacher::PhoneTimeline timeline;
  std::unique_ptr<teacher::Teacher> t;
  if (!o.events.empty() || !o.alignment.empty()) {
    timeline = o.events.empty() ? teacher::read_alignment_tsv(o.alignment)
                                : teacher::timeline_from_events(tts::read_events_tsv(o.events));
    teacher::RuleTeacherConfig c;
    c.energy_shaping = !o.no_energy;
    t = teacher::make_rule_teacher(c);
  } else if (!o.livelink.empty()) {
    teacher::LiveLinkConfig c;
    c.path = o.livelink;
    c.capture_fps = o.capture_fps;
    t = teacher::make_livelink_teacher(c);
  } else {
    if (!cli::torchscript_teacher_factory)
      throw Error("--torchscript: this emosync was built without libtorch (EMOSYNC_WITH_TORCH)");
    if (!have_audio) throw Error("--torchscript needs --audio");
    t = cli::torchscript_teacher_factory(o.torchscript, o.model_fps, o.model_order);
  }
  teacher::TeacherInput in;
  if (have_audio) in.audio = &audio;
  if (!timeline.phones.empty()) in.phones = &timeline;
  teacher::Animation a = t->animate(in, o.fps);
  io::write_npy(o.out, a.data.data(), {a.frames, arkit::kCount});
  std::printf("%s teacher: %zu frames at %g fps (%.2f s) -> %s\n", t->name().c_str(), a.frames, a.fps, a.duration_s(),
              o.out.c_str());
  if (in.phones) {
    auto s = teacher::bilabial_closure(a, timeline);
    std::printf("bilabial closure: %zu/%zu\n", s.closed, s.bilabials);
  }
}

void setup(CLI::App& app) {
  auto o = std::make_shared<Options>();
  app.add_option("--events", o->events, "TTS events TSV (emosync tts --events)");
  app.add_option("--alignment", o->alignment, "forced alignment TSV: start_s end_s ARPAbet-label");
  app.add_option("--torchscript", o->torchscript, "TorchScript module: 16 kHz audio [1, N] -> [T, 52]");
  app.add_option("--livelink", o->livelink, "Live Link Face CSV capture");
  app.add_option("--audio", o->audio, "the speech (energy shaping, TorchScript input, output length)");
  app.add_option("--fps", o->fps, "output frame rate")->capture_default_str();
  app.add_option("-o,--output", o->out, "output .npy [frames, 52], canonical ARKit order");
  app.add_option("--model-fps", o->model_fps, "TorchScript: the model's output fps (default: its 'fps' attribute)");
  app.add_option("--model-order", o->model_order,
                 "TorchScript: its channel order: canonical, alphabetical or a file of 52 names "
                 "(default: its 'channel_names' attribute)");
  app.add_option("--capture-fps", o->capture_fps, "Live Link: the app's frame rate (default: inferred)");
  app.add_flag("--no-energy", o->no_energy, "rule-based: do not shape the jaw by audio energy");

  CLI::App* check = app.add_subcommand("check-ljspeech", "Run the rule-based teacher on the LJ Speech clips and report");
  check->add_option("--data", o->data, "the LJ Speech folder (wav/, phones/)")->capture_default_str();
  check->add_option("-o,--output", o->report, "report folder (report.md, report.tsv, an SVG)")->capture_default_str();
  check->add_option("--fps", o->fps, "frame rate")->capture_default_str();
  check->callback([o] {
    auto rep = teacher::check_speech_alignments(o->data, o->report, o->fps);
    std::printf("%s\nwritten to %s/\n", rep.markdown().c_str(), o->report.c_str());
  });
  app.require_subcommand(0, 1);
  app.callback([o, check] {
    if (check->parsed()) return;
    if (o->out.empty()) throw CLI::RequiredError("--output");
    run(*o);
  });
}

const bool registered = cli::register_command(
    {"teacher", "Lipsync targets from TTS events, an alignment, a TorchScript model or a Live Link capture", setup});
}  // namespace
