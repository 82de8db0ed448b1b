// Scenario files (JSONL, docs/scenarios.md) through parse_scenarios, what load_scenarios
// runs on a file's text (it also checks the recorded files a turn names, which a fuzzer
// cannot create usefully).
#include "emotion/classes.h"
#include "fuzz_input.h"
#include "scenarios/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace emosync;
  return fuzz::run(data, size, [](const std::string& bytes) {
    const scenarios::LoadReport r = scenarios::parse_scenarios(bytes, "fuzz.jsonl", false);
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
