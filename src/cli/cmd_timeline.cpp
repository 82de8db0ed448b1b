// emosync timeline: tagged text -> per-frame 19-dim conditioning (NPY).
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "cli/tagged_input.h"
#include "emotion/classes.h"
#include "emotion/conditioning.h"
#include "io/error.h"
#include "io/npy.h"
#include "timeline/timeline.h"

namespace {
using namespace emosync;

void setup(CLI::App& app) {
  auto in = cli::TaggedTextInput::add_to(app);
  auto out = std::make_shared<std::string>();
  app.add_option("-o,--output", *out, "conditioning .npy [frames, 19]")->required();
  app.callback([=] {
    cli::TaggedTimeline t = in->build();
    io::write_npy(*out, t.conditioning.data(), {t.frames, emotion::kConditioningDim});
    const timeline::Placement& p = t.placement;
    std::printf("%s: %zu frames x 19 at %g fps (%.2f s)\n", out->c_str(), t.frames, in->options.fps, p.duration_s);
    for (std::size_t i = 0; i < p.segment.size(); ++i) {
      const auto& s = t.segments[p.segment[i]];
      std::printf("  %6.2f-%6.2f s  %-13s %3.0f  %s\n", p.start[i], p.end[i],
                  std::string(emotion::names()[s.emotion]).c_str(), s.intensity, s.text.c_str());
    }
  });
}

const bool registered =
    cli::register_command({"timeline", "Tagged text -> per-frame 19-dim conditioning with crossfades (.npy)", setup});
}  // namespace
