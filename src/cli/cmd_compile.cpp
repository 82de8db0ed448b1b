// emosync compile: one emotion (class, intensity or explicit VAD) -> 52 ARKit channels.
#include <cstdio>
#include <memory>

#include "arkit/blendshapes.h"
#include "cli/command.h"
#include "compiler/compiler.h"
#include "emotion/classes.h"
#include "emotion/conditioning.h"
#include "io/error.h"

namespace {
using namespace emosync;

void setup(CLI::App& app) {
  auto emo = std::make_shared<std::string>("neutral");
  auto intensity = std::make_shared<float>(60.f);
  auto vad = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("json");
  auto presets_file = std::make_shared<std::string>(presets::PresetTable::kDefaultKey);
  auto sens_file = std::make_shared<std::string>(compiler::Sensitivities::kDefaultKey);
  app.add_option("--emotion", *emo, "emotion class or alias")->capture_default_str();
  app.add_option("--intensity", *intensity, "0..100 along neutral -> L1 (20) -> L3 (60) -> L5 (100)")
      ->check(CLI::Range(0.f, 100.f))
      ->capture_default_str();
  app.add_option("--vad", *vad, "explicit valence,arousal,dominance in [-1,1] (overrides the anchor)");
  app.add_option("--format", *format, "json or csv")->check(CLI::IsMember({"json", "csv"}))->capture_default_str();
  app.add_option("--presets", *presets_file, "preset file (default: the embedded one)");
  app.add_option("--sensitivities", *sens_file, "sensitivity table (default: the embedded one)");
  app.callback([=] {
    std::size_t cls = emotion::parse(*emo);
    emotion::Conditioning c = emotion::make_conditioning(cls, *intensity);
    if (!vad->empty()) {
      std::vector<float> v = cli::parse_floats(*vad, 3, "--vad");
      for (int i = 0; i < 3; ++i) {
        if (!(v[i] >= -1.f && v[i] <= 1.f)) throw Error("--vad: values must be in [-1, 1]");
        c[emotion::kCount + i] = v[i];
      }
    }
    const bool standard = *presets_file == presets::PresetTable::kDefaultKey &&
                          *sens_file == compiler::Sensitivities::kDefaultKey;
    compiler::Compiler owned = standard ? compiler::Compiler{} : compiler::Compiler::load(*presets_file, *sens_file);
    const compiler::Compiler& comp = standard ? compiler::Compiler::standard() : owned;
    compiler::Blendshapes y = comp.compile(c);
    if (*format == "csv") {
      for (std::size_t i = 0; i < arkit::kCount; ++i) std::printf("%s%s", i ? "," : "", std::string(arkit::names()[i]).c_str());
      std::printf("\n");
      for (std::size_t i = 0; i < arkit::kCount; ++i) std::printf("%s%.6g", i ? "," : "", y[i]);
      std::printf("\n");
    } else {
      std::printf("{\"emotion\": \"%s\", \"intensity\": %g, \"vad\": [%g, %g, %g],\n \"weights\": {",
                  std::string(emotion::names()[cls]).c_str(), *intensity, c[16], c[17], c[18]);
      for (std::size_t i = 0; i < arkit::kCount; ++i)
        std::printf("%s\n  \"%s\": %.6g", i ? "," : "", std::string(arkit::names()[i]).c_str(), y[i]);
      std::printf("}}\n");
    }
  });
}

const bool registered =
    cli::register_command({"compile", "Rule-based compiler: an emotion (and VAD) -> 52 ARKit blendshapes", setup});
}  // namespace
