#include "scenarios/scenario.h"

#include <filesystem>
#include <fstream>
#include <set>

#include "emotion/classes.h"
#include "io/error.h"
#include "io/json_file.h"

namespace emosync::scenarios {

emotion::Vad Turn::resolved_vad(const emotion::Anchors& anchors) const {
  if (vad) return *vad;
  return anchors.at_intensity(emotion, intensity.value_or(60.f));
}

namespace {

std::string optional_path(const io::JsonNode& turn, const char* key, const std::string& base) {
  if (!turn.has(key)) return "";
  std::string p = turn[key].string();
  if (p.empty()) turn[key].fail("empty path");
  std::filesystem::path fp(p);
  return fp.is_absolute() || base.empty() ? p : (std::filesystem::path(base) / fp).string();
}

}  // namespace

Scenario parse_scenario(const std::string& json_line, const std::string& file, std::size_t line_no) {
  std::string where = file + ":" + std::to_string(line_no);
  io::Json j;
  try {
    j = io::Json::parse(json_line);
  } catch (const io::Json::parse_error& e) {
    throw Error(where + ": invalid JSON at column " + std::to_string(e.byte) + ": " +
                std::string(e.what()).substr(std::string(e.what()).find(']') + 2));
  }
  io::JsonNode root(j, where);
  root.object();
  Scenario s;
  s.line = line_no;
  s.id = root["id"].string();
  if (s.id.empty()) root["id"].fail("must not be empty");
  std::string base = std::filesystem::path(file).parent_path().string();
  io::JsonNode turns = root["turns"];
  if (turns.array().empty()) turns.fail("needs at least one turn");
  for (std::size_t i = 0; i < turns.size(); ++i) {
    io::JsonNode t = turns[i];
    t.object();
    Turn turn;
    std::string sp = t["speaker"].string();
    if (sp == "SELF") turn.speaker = Speaker::Self;
    else if (sp == "OTHER") turn.speaker = Speaker::Other;
    else t["speaker"].fail("must be SELF or OTHER, got '" + sp + "'");
    turn.text = t["text"].string();
    if (turn.text.find_first_not_of(" \t\r\n") == std::string::npos) t["text"].fail("must not be empty");
    std::string em = t["emotion"].string();
    auto cls = emotion::find(em);
    if (!cls) t["emotion"].fail("unknown emotion '" + em + "'; valid: " + emotion::valid_names_text());
    turn.emotion = *cls;
    if (t.has("intensity")) turn.intensity = static_cast<float>(t["intensity"].number_in(0, 100));
    if (t.has("vad")) {
      io::JsonNode v = t["vad"];
      if (v.array().size() != 3) v.fail("expected [valence, arousal, dominance]");
      turn.vad = emotion::Vad{static_cast<float>(v[0].number_in(-1, 1)), static_cast<float>(v[1].number_in(-1, 1)),
                              static_cast<float>(v[2].number_in(-1, 1))};
    }
    if (!turn.intensity && !turn.vad) t.fail("needs 'intensity' (0-100) or 'vad' [v, a, d]");
    turn.audio = optional_path(t, "audio", base);
    turn.alignment = optional_path(t, "alignment", base);
    turn.words = optional_path(t, "words", base);
    turn.capture = optional_path(t, "capture", base);
    if (!turn.audio.empty() && turn.alignment.empty() && turn.capture.empty())
      t.fail("a turn with 'audio' needs an 'alignment' (phones TSV) or a 'capture' (Live Link Face CSV)");
    if (turn.audio.empty() && (!turn.alignment.empty() || !turn.capture.empty()))
      t.fail("'alignment' and 'capture' describe recorded audio: add 'audio'");
    s.turns.push_back(std::move(turn));
  }
  return s;
}

std::string to_json_line(const Scenario& s) {
  io::Json j;
  j["id"] = s.id;
  j["turns"] = io::Json::array();
  for (const Turn& t : s.turns) {
    io::Json o;
    o["speaker"] = t.speaker == Speaker::Self ? "SELF" : "OTHER";
    o["text"] = t.text;
    o["emotion"] = std::string(emotion::names()[t.emotion]);
    if (t.intensity) o["intensity"] = *t.intensity;
    if (t.vad) o["vad"] = {(*t.vad)[0], (*t.vad)[1], (*t.vad)[2]};
    if (!t.audio.empty()) o["audio"] = t.audio;
    if (!t.alignment.empty()) o["alignment"] = t.alignment;
    if (!t.words.empty()) o["words"] = t.words;
    if (!t.capture.empty()) o["capture"] = t.capture;
    j["turns"].push_back(o);
  }
  return j.dump();
}

LoadReport load_scenarios(const std::string& path, bool strict) {
  std::ifstream in(path);
  if (!in) throw Error(path + ": cannot open");
  LoadReport r;
  std::set<std::string> ids;
  std::string line;
  while (std::getline(in, line)) {
    ++r.lines;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      Scenario s = parse_scenario(line, path, r.lines);
      if (!ids.insert(s.id).second)
        throw Error(path + ":" + std::to_string(r.lines) + ": id: duplicate id '" + s.id + "'");
      r.scenarios.push_back(std::move(s));
    } catch (const Error& e) {
      if (strict) throw;
      r.errors.push_back(e.what());
    }
  }
  return r;
}

}  // namespace emosync::scenarios
