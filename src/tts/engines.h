#pragma once
// The engines behind make_tts (internal to src/tts).
#include <sys/types.h>

#include <chrono>
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

// The engines that run a child process (espeak-ng forks, festival is spawned) read its pipe
// against a deadline and kill a child that does not answer. wait_readable: true once fd
// has data or end of file, false when the deadline passes first (or poll fails).
bool wait_readable(int fd, std::chrono::steady_clock::time_point deadline);
// Waits for the child to end, after SIGKILL when `kill`; returns its wait status.
int reap_child(pid_t pid, bool kill);

void close_phoneme_ends(std::vector<PhonemeEvent>& p, double total_s);

}  // namespace emosync::tts
