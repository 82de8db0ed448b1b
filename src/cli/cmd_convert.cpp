// emosync convert: any animation emosync wrote (or a Live Link Face capture) into
// any format it writes, chosen by the output's file name (export/formats.h).
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "export/formats.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "io/limits.h"

namespace {
using namespace emosync;

struct Options {
  std::string input;
  std::vector<std::string> outputs;
  double fps = 30;
  std::string audio;
};

void setup(CLI::App& app) {
  auto o = std::make_shared<Options>();
  app.add_option("input", o->input, "animation.json, .csv (plain or Live Link Face) or .npy")->required();
  app.add_option("-o,--output", o->outputs, "output file(s); the format follows the name (below)")->required();
  app.add_option("--fps", o->fps,
                 "frame rate of a .csv/.npy input, 1 to 1000 (Live Link Face: the capture rate; 0 = infer)")
      ->capture_default_str();
  app.add_option("--audio", o->audio, "WAV file to embed in a .html preview (without it the preview is silent)");
  app.footer("Output formats, by how the file name ends (case-insensitive, longest rule first):\n" +
             exporter::output_format_rules() +
             "Inputs: fps 1 to 1000, values 0 to 1 (refused otherwise, naming the frame and channel), at most " +
             std::to_string(io::kMaxFrames) + " frames (4 hours at 30 fps).\n" +
             "Example: emosync convert out/animation.json -o face.glb -o face.llf.csv -o face.visemes.json\n"
             "         emosync convert out/animation.json --audio out/speech.wav -o out/preview.html");
  app.callback([o] {
    if (o->fps < 0) throw Error("--fps must be >= 0");
    // Check every output name before reading, so a typo costs nothing.
    std::vector<exporter::OutputFormat> formats;
    for (const auto& out : o->outputs) formats.push_back(exporter::output_format_of_path(out));
    exporter::Animation a = exporter::read_any_animation(o->input, o->fps);
    std::string wav = o->audio.empty() ? std::string() : io::read_file(o->audio);
    for (std::size_t i = 0; i < o->outputs.size(); ++i) {
      exporter::write_output(o->outputs[i], a, formats[i], wav);
      std::printf("%s: %s, %zu frames at %g fps\n", o->outputs[i].c_str(), exporter::to_string(formats[i]), a.frames,
                  a.fps);
    }
  });
}

const bool registered = cli::register_command(
    {"convert", "Convert an animation (.json/.csv/.npy, Live Link Face CSV) to JSON, CSV, NPY, LLF CSV, glTF, visemes or preview.html",
     setup});
}  // namespace
