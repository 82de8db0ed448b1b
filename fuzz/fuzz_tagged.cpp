// Tagged text ("[happy:80] I got the job!") through the parser and on to the per-frame
// conditioning, as `emosync timeline` and `expression` run it.
#include "emotion/classes.h"
#include "fuzz_input.h"
#include "timeline/timeline.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace emosync;
  return fuzz::run(data, size, [](const std::string& text) {
    const auto segments = timeline::parse_tagged(text);
    for (const auto& s : segments) {
      fuzz::expect(s.emotion < emotion::kCount, "a segment's emotion is a class index");
      fuzz::expect(s.intensity >= 0 && s.intensity <= 100, "a segment's intensity is in [0, 100]");
    }
    timeline::conditioning(segments, {}, 0, timeline::TimelineOptions{});
  });
}
