// Word timings ("start_s end_s word" lines, --words / the API's `words`) with the tagged
// text they time, placed and turned into per-frame conditioning. The input is the text,
// a NUL byte, then the TSV (no NUL: a fixed sentence and the whole input as TSV).
#include <cstring>

#include "fuzz_input.h"
#include "timeline/timeline.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace emosync;
  return fuzz::run(data, size, [](const std::string& input) {
    const std::size_t nul = input.find('\0');
    const std::string text = nul == std::string::npos ? "[happy:80] I got the job! [sad] But" : input.substr(0, nul);
    const std::string tsv = nul == std::string::npos ? input : input.substr(nul + 1);
    const auto words = timeline::parse_words_tsv(tsv, "fuzz.tsv");
    const auto segments = timeline::parse_tagged(text);
    timeline::conditioning(segments, words, 0, timeline::TimelineOptions{});
  });
}
