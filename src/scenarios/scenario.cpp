#include "scenarios/scenario.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <utility>

#include "dataset/item.h"
#include "emotion/classes.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "io/json_file.h"
#include "io/printable.h"

namespace emosync::scenarios {

emotion::Vad Turn::resolved_vad(const emotion::Anchors& anchors) const {
  if (vad) return *vad;
  return anchors.at_intensity(emotion, intensity.value_or(60.f));
}

namespace {
namespace fs = std::filesystem;

std::string optional_path(const io::JsonNode& turn, const char* key, const std::string& base) {
  if (!turn.has(key)) return "";
  std::string p = turn[key].string();
  if (p.empty()) turn[key].fail("empty path");
  fs::path fp(p);
  return fp.is_absolute() || base.empty() ? p : (fs::path(base) / fp).string();
}

// A build reads every file a real turn names: each must be a readable regular file.
void check_recorded_files(const Scenario& s, const std::string& file) {
  for (std::size_t i = 0; i < s.turns.size(); ++i) {
    const Turn& t = s.turns[i];
    for (auto [key, path] : {std::pair{"audio", &t.audio}, {"alignment", &t.alignment}, {"words", &t.words},
                             {"capture", &t.capture}}) {
      if (path->empty()) continue;
      std::string where = file + ":" + std::to_string(s.line) + ": turns[" + std::to_string(i) + "]." + key + ": '" +
                          io::printable(*path, 200) + "' ";
      std::error_code ec;
      fs::file_status st = fs::status(*path, ec);
      if (!fs::exists(st)) throw Error(where + "does not exist (relative paths start at the scenario file's folder)");
      if (!fs::is_regular_file(st)) throw Error(where + "is not a regular file");
      if (!std::ifstream(*path)) throw Error(where + "cannot be read");
    }
  }
}

LoadReport parse_lines(std::string_view text, const std::string& name, bool strict, bool check_files) {
  LoadReport r;
  std::set<std::string> ids;
  for (std::size_t at = 0; at < text.size();) {
    std::size_t nl = text.find('\n', at);
    std::string line(text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at));
    at = nl == std::string_view::npos ? text.size() : nl + 1;
    ++r.lines;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::string where = name + ":" + std::to_string(r.lines);
    try {
      Scenario s = parse_scenario(line, name, r.lines);
      if (check_files) check_recorded_files(s, name);
      if (!ids.insert(s.id).second) throw Error(where + ": id: duplicate id '" + s.id + "'");
      r.scenarios.push_back(std::move(s));
    } catch (const Error& e) {
      if (strict) throw;
      r.errors.push_back(e.what());
    } catch (const std::exception& e) {  // a library's own exception: still name the line
      if (strict) throw Error(where + ": " + e.what());
      r.errors.push_back(where + ": " + e.what());
    }
  }
  return r;
}

}  // namespace

Scenario parse_scenario(const std::string& json_line, const std::string& file, std::size_t line_no) {
  std::string where = file + ":" + std::to_string(line_no);
  io::Json j = io::parse_json(json_line, file, line_no);
  io::JsonNode root(j, where);
  root.object();
  Scenario s;
  s.line = line_no;
  s.id = root["id"].string();
  if (!dataset::is_safe_id(s.id))
    root["id"].fail("'" + io::printable(s.id) + "' is not a valid id: an id names its item's folder, so it must be " +
                    dataset::kIdRule);
  std::string base = fs::path(file).parent_path().string();
  io::JsonNode turns = root["turns"];
  if (turns.array().empty()) turns.fail("needs at least one turn");
  if (turns.size() > kMaxTurns)
    turns.fail(std::to_string(turns.size()) + " turns; a scenario has at most " + std::to_string(kMaxTurns));
  for (std::size_t i = 0; i < turns.size(); ++i) {
    io::JsonNode t = turns[i];
    t.object();
    Turn turn;
    std::string sp = t["speaker"].string();
    if (sp == "SELF") turn.speaker = Speaker::Self;
    else if (sp == "OTHER") turn.speaker = Speaker::Other;
    else t["speaker"].fail("must be SELF or OTHER, got '" + io::printable(sp) + "'");
    turn.text = t["text"].string();
    if (turn.text.find_first_not_of(" \t\r\n") == std::string::npos) t["text"].fail("must not be empty");
    if (turn.text.size() > kMaxTextBytes)
      t["text"].fail(std::to_string(turn.text.size()) + " bytes; a turn's text has at most " +
                     std::to_string(kMaxTextBytes));
    std::string em = t["emotion"].string();
    auto cls = emotion::find(em);
    if (!cls) t["emotion"].fail("unknown emotion '" + io::printable(em) + "'; valid: " + emotion::valid_names_text());
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
    if (t.has("recorded_by")) turn.recorded_by = t["recorded_by"].string();
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
    if (!t.recorded_by.empty()) o["recorded_by"] = t.recorded_by;
    j["turns"].push_back(o);
  }
  return j.dump();
}

LoadReport parse_scenarios(std::string_view text, const std::string& name, bool strict) {
  return parse_lines(text, name, strict, false);
}

LoadReport load_scenarios(const std::string& path, bool strict) {
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st)) throw Error(path + ": no such scenario file");
  if (fs::is_directory(st)) throw Error(path + ": is a folder; expected a scenario file (JSONL, one scenario a line)");
  if (!fs::is_regular_file(st)) throw Error(path + ": not a regular file; expected a scenario file (JSONL)");
  LoadReport r = parse_lines(io::read_file(path), path, strict, true);
  if (r.scenarios.empty() && r.errors.empty()) throw Error(path + ": no scenarios (the file has no JSON lines)");
  return r;
}

}  // namespace emosync::scenarios
