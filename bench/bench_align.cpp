// Forced alignment speed on one core: the LJ Speech clips of ../shared/data aligned to
// their transcripts by one Aligner (model and dictionary loaded once, not timed), reported
// as x real time. build/bench/bench_align [ljspeech folder] [runs]
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "align/align.h"
#include "audio/audio.h"
#include "io/error.h"

int main(int argc, char** argv) {
  using namespace emosync;
  const std::string dir = argc > 1 ? argv[1] : "../shared/data/speech/ljspeech";
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 1;
  try {
    std::ifstream in(dir + "/metadata.csv");
    if (!in) throw Error(dir + "/metadata.csv: cannot read (give the LJ Speech folder of ../shared/data)");
    std::vector<std::pair<audio::Audio, std::string>> clips;
    for (std::string line; std::getline(in, line);) {
      auto a = line.find('|'), b = line.rfind('|');
      if (a == std::string::npos || b <= a) continue;
      clips.push_back({audio::read_audio(dir + "/wav/" + line.substr(0, a) + ".wav"), line.substr(b + 1)});
    }
    auto t0 = std::chrono::steady_clock::now();
    align::Aligner aligner;
    double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double audio_s = 0, busy_s = 0;
    std::size_t matched = 0;
    for (int r = 0; r < runs; ++r)
      for (const auto& [a, text] : clips) {
        auto t = std::chrono::steady_clock::now();
        matched += aligner.align(a, text).matched;
        busy_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
        audio_s += a.duration_s();
      }
    std::printf("align: %zu clips x %d runs, %.1f s of speech in %.2f s: %.1f x real time on one core "
                "(%zu/%zu matched; model + dictionary load %.2f s, once)\n",
                clips.size(), runs, audio_s, busy_s, audio_s / busy_s, matched, clips.size() * runs, load_s);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_align: %s\n", e.what());
    return 1;
  }
  return 0;
}
