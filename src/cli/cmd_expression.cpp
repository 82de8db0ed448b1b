// emosync expression: tagged text -> timeline -> rule-based compiler -> 52-channel
// animation (JSON, CSV or NPY by the output's extension).
#include <algorithm>
#include <cstdio>
#include <memory>

#include "arkit/blendshapes.h"
#include "cli/command.h"
#include "cli/tagged_input.h"
#include "compiler/compiler.h"
#include "emotion/classes.h"
#include "emotion/conditioning.h"
#include "export/animation.h"
#include "io/error.h"
#include "timeline/timeline.h"

namespace {
using namespace emosync;

void setup(CLI::App& app) {
  auto in = cli::TaggedTextInput::add_to(app);
  auto out = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>();
  app.add_option("-o,--output", *out, "animation file: .json {fps, names, frames}, .csv or .npy")->required();
  app.add_option("--format", *format, "json, csv or npy (default: from the output's extension)");
  app.callback([=] {
    exporter::Format f = format->empty() ? exporter::format_of_path(*out) : exporter::parse_format(*format);
    cli::TaggedTimeline t = in->build();
    exporter::Animation a;
    a.fps = in->options.fps;
    a.frames = t.frames;
    a.data.resize(a.frames * arkit::kCount);
    compiler::Compiler::standard().compile_batch(t.conditioning.data(), a.frames, a.data.data());
    exporter::write_animation(*out, a, f);

    // A short human summary: where each emotion sits and what it does to the face.
    const timeline::Placement& p = t.placement;
    std::printf("%s: %zu frames x 52 ARKit channels at %g fps (%.2f s)\n", out->c_str(), a.frames, a.fps,
                p.duration_s);
    for (std::size_t i = 0; i < p.segment.size(); ++i) {
      const auto& s = t.segments[p.segment[i]];
      std::size_t mid = std::min(a.frames - 1, static_cast<std::size_t>(0.5 * (p.start[i] + p.end[i]) * a.fps));
      const float* y = a.data.data() + mid * arkit::kCount;
      std::vector<std::size_t> idx(arkit::kCount);
      for (std::size_t k = 0; k < idx.size(); ++k) idx[k] = k;
      std::partial_sort(idx.begin(), idx.begin() + 3, idx.end(), [&](std::size_t x, std::size_t z) { return y[x] > y[z]; });
      std::printf("  %6.2f-%6.2f s  %-13s %3.0f ", p.start[i], p.end[i], std::string(emotion::names()[s.emotion]).c_str(),
                  s.intensity);
      for (int k = 0; k < 3; ++k)
        if (y[idx[k]] >= 0.05f) std::printf(" %s %.2f", std::string(arkit::names()[idx[k]]).c_str(), y[idx[k]]);
      std::printf("\n");
    }
  });
}

const bool registered = cli::register_command(
    {"expression", "Tagged text -> timeline -> rule-based compiler -> 52-channel animation (.json/.csv/.npy)", setup});
}  // namespace
