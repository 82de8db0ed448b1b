#include "tts/voices.h"

#include <cctype>
#include <filesystem>

#include "io/error.h"
#include "io/fnv1a.h"
#include "io/json_file.h"

namespace emosync::tts {
namespace {

TtsConfig voice(const std::string& engine, const std::string& name, double rate = 1.0, int pitch = 50) {
  TtsConfig c;
  c.engine = engine;
  c.voice = name;
  c.rate = rate;
  c.pitch = pitch;
  return c;
}

// espeak-ng's speaking rate is 175 wpm at rate 1: 0.75 .. 1.25 spans ~130 .. 220 wpm.
const std::vector<TtsConfig>& all_voices() {
  static const std::vector<TtsConfig> v = {
      voice("flite", "kal"),
      voice("flite", "kal16"),
      voice("flite", "awb"),
      voice("flite", "rms"),
      voice("flite", "slt"),
      voice("espeak", "en-us", 1.0),
      voice("espeak", "en-us+m1", 0.8),
      voice("espeak", "en-us+m3", 1.1),
      voice("espeak", "en-us+m7", 0.95),
      voice("espeak", "en-us+f2", 0.9),
      voice("espeak", "en-us+f3", 1.05),
      voice("espeak", "en-us+f4", 1.25, 60),
      voice("espeak", "en-us+klatt", 1.0),
      voice("espeak", "en-us+klatt4", 0.85, 40),
      voice("espeak", "en-gb-x-rp+m2", 0.75),
      voice("espeak", "en-gb-x-rp+f5", 1.2),
      voice("festival", "kal"),
      voice("festival", "ked"),
      voice("festival", "slt-hts"),
  };
  return v;
}

}  // namespace

std::vector<TtsConfig> builtin_voices(const std::string& name) {
  if (name == "all") return all_voices();
  if (name != "espeak" && name != "flite" && name != "festival")
    throw Error("voices: '" + name + "' is neither a built-in list (all, espeak, flite, festival) nor a file");
  std::vector<TtsConfig> out;
  for (const auto& c : all_voices())
    if (c.engine == name) out.push_back(c);
  return out;
}

std::vector<TtsConfig> read_voices(const std::string& path) {
  const io::Json j = io::load_json_file(path);
  const io::JsonNode root(j, path);
  if (!j.is_array()) root.fail("expected a list of voices [{\"engine\": ..., \"voice\": ...}, ...]");
  if (j.empty()) root.fail("the list of voices is empty");
  std::vector<TtsConfig> out;
  for (std::size_t i = 0; i < root.size(); ++i) {
    const io::JsonNode v = root[i];
    for (auto it = v.object().begin(); it != v.object().end(); ++it)
      if (it.key() != "engine" && it.key() != "voice" && it.key() != "variant" && it.key() != "rate" &&
          it.key() != "pitch")
        v.child(it.key(), it.value()).fail("unknown field (expected engine, voice, variant, rate, pitch)");
    TtsConfig c;
    c.engine = v["engine"].string();
    if (c.engine == "external") v["engine"].fail("the external engine reads recorded files, it is not a voice");
    if (v.has("voice")) c.voice = v["voice"].string();
    if (v.has("variant")) {
      const io::JsonNode n = v["variant"];
      const std::string variant = n.string();
      if (c.engine != "espeak") n.fail("only espeak-ng voices have variants (engine is " + c.engine + ")");
      if (variant.empty()) n.fail("empty variant");
      for (char ch : variant)
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_')
          n.fail("'" + variant + "' is not a variant name (letters, digits, _; e.g. f3, m2, klatt)");
      c.voice = (c.voice.empty() ? "en-us" : c.voice) + "+" + variant;
    }
    if (v.has("rate")) c.rate = v["rate"].number_in(0.3, 3.0);
    if (v.has("pitch")) {
      c.pitch = v["pitch"].integer();
      if (c.pitch < 0 || c.pitch > 100) v["pitch"].fail("must be in [0, 100]");
    }
    try {
      c.validate();
    } catch (const Error& e) {
      v.fail(e.what());
    }
    out.push_back(c);
  }
  return out;
}

std::vector<TtsConfig> voices_from(const std::string& spec) {
  if (spec == "all" || spec == "espeak" || spec == "flite" || spec == "festival") return builtin_voices(spec);
  if (!std::filesystem::exists(spec))
    throw Error("voices: '" + spec + "' is neither a built-in list (all, espeak, flite, festival) nor a file");
  return read_voices(spec);
}

std::size_t pick_voice(const std::string& id, std::size_t n) {
  if (n == 0) throw Error("voices: no voice to pick from");
  return static_cast<std::size_t>(io::Fnv1a64().add("emosync voice ").add(id).h % n);
}

}  // namespace emosync::tts
