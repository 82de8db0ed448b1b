#pragma once
// Lists of voices: a data set spoken by many voices, each scenario by one of them,
// picked from its id (the same id always gets the same voice, on any machine, in
// any shard, whatever the number of worker threads).
#include <cstddef>
#include <string>
#include <vector>

#include "tts/tts.h"

namespace emosync::tts {

// A JSON list of voice specs (docs/tts.md):
//   [{"engine": "espeak", "voice": "en-us", "variant": "f3", "rate": 1.1, "pitch": 55}, ...]
// engine is required; voice, variant (espeak-ng only: spoken as "voice+variant"), rate and
// pitch are optional. Errors name the file and the field ("voices.json: [2].rate: ...").
std::vector<TtsConfig> read_voices(const std::string& path);

// Built-in lists: "all" (every flite voice, espeak-ng en-us/en-gb variants at 130-220 wpm,
// the three Debian festival voices), or one engine's part of it: "espeak", "flite", "festival".
std::vector<TtsConfig> builtin_voices(const std::string& name);

// What `--voices` takes: a built-in name or a file.
std::vector<TtsConfig> voices_from(const std::string& spec);

// The voice of item `id` among `n` (n > 0): FNV-1a of the id under a salt of its own, so
// the choice does not line up with the data set's shard assignment (also FNV-1a of the id).
std::size_t pick_voice(const std::string& id, std::size_t n);

}  // namespace emosync::tts
