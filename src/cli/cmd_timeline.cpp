// emosync timeline: tagged text -> per-frame 19-dim conditioning (NPY).
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "emotion/classes.h"
#include "emotion/conditioning.h"
#include "io/error.h"
#include "io/npy.h"
#include "timeline/timeline.h"

namespace {
using namespace emosync;

void setup(CLI::App& app) {
  auto text = std::make_shared<std::string>();
  auto words = std::make_shared<std::string>();
  auto duration = std::make_shared<double>(0.0);
  auto out = std::make_shared<std::string>();
  auto opt = std::make_shared<timeline::TimelineOptions>();
  app.add_option("text", *text, "tagged text, e.g. \"[happy:80] I got the job! [sad:40] But I have to move.\"")
      ->required();
  app.add_option("--words", *words, "word timings, lines 'start_s end_s word' (TTS events or an alignment)");
  app.add_option("--duration", *duration,
                 "clip length in seconds (default: the last word's end, or a speaking-rate estimate)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--fps", opt->fps, "frames per second")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--crossfade", opt->crossfade_s, "crossfade half-width in seconds at each boundary")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("-o,--output", *out, "conditioning .npy [frames, 19]")->required();
  app.callback([=] {
    auto segs = timeline::parse_tagged(*text);
    std::vector<timeline::WordTiming> w;
    if (!words->empty()) w = timeline::read_words_tsv(*words);
    std::vector<float> cond = timeline::conditioning(segs, w, *duration, *opt);
    const std::size_t frames = cond.size() / emotion::kConditioningDim;
    io::write_npy(*out, cond.data(), {frames, emotion::kConditioningDim});
    timeline::Placement p = timeline::place(segs, w, *duration);
    std::printf("%s: %zu frames x 19 at %g fps (%.2f s)\n", out->c_str(), frames, opt->fps, p.duration_s);
    for (std::size_t i = 0; i < p.segment.size(); ++i) {
      const auto& s = segs[p.segment[i]];
      std::printf("  %6.2f-%6.2f s  %-13s %3.0f  %s\n", p.start[i], p.end[i],
                  std::string(emotion::names()[s.emotion]).c_str(), s.intensity, s.text.c_str());
    }
  });
}

const bool registered =
    cli::register_command({"timeline", "Tagged text -> per-frame 19-dim conditioning with crossfades (.npy)", setup});
}  // namespace
