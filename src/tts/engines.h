#pragma once
// The engines behind make_tts (internal to src/tts).
#include <memory>

#include "tts/tts.h"

namespace emosync::tts {

std::unique_ptr<Tts> make_espeak(const TtsConfig& c);
std::unique_ptr<Tts> make_flite(const TtsConfig& c);
std::unique_ptr<Tts> make_festival(const TtsConfig& c);
std::unique_ptr<Tts> make_external(const TtsConfig& c);

// Sets each phoneme's end_s to the next one's start (the last one's to `total_s`).
void close_phoneme_ends(std::vector<PhonemeEvent>& p, double total_s);

}  // namespace emosync::tts
