// Scenario files (JSONL, docs/scenarios.md) through load_scenarios, which takes a path
// only: the bytes go through a temp file for now.
#include "emotion/classes.h"
#include "fuzz_input.h"
#include "scenarios/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace emosync;
  static fuzz::InputFile file(".jsonl");
  return fuzz::run(data, size, [](const std::string& bytes) {
    const scenarios::LoadReport r = scenarios::load_scenarios(file.write(bytes), false);
    for (const auto& s : r.scenarios) {
      fuzz::expect(!s.turns.empty(), "a scenario has at least one turn");
      for (const auto& t : s.turns) {
        fuzz::expect(t.emotion < emotion::kCount, "a turn's emotion is a class index");
        fuzz::expect(!t.intensity || (*t.intensity >= 0 && *t.intensity <= 100), "intensity is in [0, 100]");
        t.resolved_vad();
      }
      scenarios::to_json_line(s);
    }
  });
}
