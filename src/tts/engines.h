#pragma once
// The engines behind make_tts (internal to src/tts).
#include <memory>
#include <mutex>

#include "tts/tts.h"

namespace emosync::tts {

std::unique_ptr<Tts> make_espeak(const TtsConfig& c);
std::unique_ptr<Tts> make_flite(const TtsConfig& c);
std::unique_ptr<Tts> make_festival(const TtsConfig& c);
std::unique_ptr<Tts> make_external(const TtsConfig& c);

// Sets each phoneme's end_s to the next one's start (the last one's to `total_s`).
// The C library's rand() keeps its state behind a lock that fork() copies as it stands:
// a child forked while another thread is inside rand() finds that lock held forever,
// and espeak-ng draws from rand() in its child (seen: a data set build hung on its last
// item, the child waiting in random()). Flite's clustergen voices draw from rand(), so
// flite synthesises under this mutex (it is also flite's own lock: flite is not
// thread-safe) and espeak-ng forks under it.
std::mutex& c_rand_mutex();

void close_phoneme_ends(std::vector<PhonemeEvent>& p, double total_s);

}  // namespace emosync::tts
