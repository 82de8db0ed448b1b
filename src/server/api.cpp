// The JSON API and the static assets, free of HTTP plumbing (see server.h).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>
#include <string_view>

#include "arkit/blendshapes.h"
#include "arkit/channel_split.h"
#include "emotion/anchors.h"
#include "emotion/classes.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "server/backend.h"
#include "server/server.h"
#include "tables/tables.h"

namespace emosync::embedded {
std::optional<std::string_view> web_assets(std::string_view key);
std::optional<std::string_view> wasm_assets(std::string_view key);  // web/wasm/, when built
}

namespace emosync::server {
namespace {

using io::Json;

// A client error: status + message naming the field.
struct BadRequest {
  int status;
  std::string message;
};
[[noreturn]] void bad(const std::string& msg, int status = 400) { throw BadRequest{status, msg}; }

Reply json_reply(const Json& j, int status = 200) { return {status, "application/json", j.dump()}; }
Reply error_reply(int status, const std::string& msg) { return json_reply(Json{{"error", msg}}, status); }

// Whether the WebAssembly runtime (scripts/build-wasm) is there to serve.
bool have_wasm(const Options& opt) {
  std::error_code ec;
  if (!opt.web_dir.empty()) return std::filesystem::is_regular_file(std::filesystem::path(opt.web_dir) / "wasm" / "emosync.wasm", ec);
  return embedded::wasm_assets("web/wasm/emosync.wasm").has_value();
}

Json parse_body(const std::string& body) {
  if (body.empty()) bad("body: expected a JSON object, got an empty body");
  Json j = Json::parse(body, nullptr, false);
  if (j.is_discarded()) bad("body: not valid JSON");
  if (!j.is_object()) bad("body: expected a JSON object");
  return j;
}

double number_in(const Json& j, const std::string& field, double lo, double hi) {
  if (!j.is_number()) bad(field + ": must be a number");
  double v = j.get<double>();
  if (!std::isfinite(v) || v < lo || v > hi)
    bad(field + ": must be in [" + Json(lo).dump() + ", " + Json(hi).dump() + "], got " + Json(v).dump());
  return v;
}

std::size_t parse_emotion(const Json& j, const std::string& field) {
  if (!j.is_string()) bad(field + ": must be a string (an emotion name)");
  auto cls = emotion::find(j.get<std::string>());
  if (!cls) bad(field + ": unknown emotion '" + j.get<std::string>() + "'; valid: " + emotion::valid_names_text());
  return *cls;
}

emotion::Vad parse_vad(const Json& j, const std::string& field) {
  emotion::Vad v{};
  if (j.is_array()) {
    if (j.size() != 3) bad(field + ": must hold 3 numbers [valence, arousal, dominance]");
    for (std::size_t i = 0; i < 3; ++i) v[i] = static_cast<float>(number_in(j[i], field + "[" + std::to_string(i) + "]", -1, 1));
  } else if (j.is_object()) {
    const char* keys[3] = {"v", "a", "d"};
    const char* longs[3] = {"valence", "arousal", "dominance"};
    for (int i = 0; i < 3; ++i) {
      const char* k = j.contains(keys[i]) ? keys[i] : longs[i];
      if (!j.contains(k)) bad(field + "." + keys[i] + ": missing");
      v[static_cast<std::size_t>(i)] = static_cast<float>(number_in(j[k], field + "." + k, -1, 1));
    }
  } else {
    bad(field + ": must be [v, a, d] or {v, a, d}");
  }
  return v;
}

detail::Weights parse_weights(const Json& j, const std::string& field) {
  detail::Weights w{};
  if (j.is_array()) {
    if (j.size() != emotion::kCount) bad(field + ": must hold " + std::to_string(emotion::kCount) + " numbers (one per emotion)");
    for (std::size_t i = 0; i < emotion::kCount; ++i)
      w[i] = static_cast<float>(number_in(j[i], field + "[" + std::to_string(i) + "]", 0, 1));
  } else if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      auto cls = emotion::find(k);
      if (!cls) bad(field + "." + k + ": unknown emotion; valid: " + emotion::valid_names_text());
      w[*cls] += static_cast<float>(number_in(v, field + "." + k, 0, 1));
    }
  } else {
    bad(field + ": must be an array of 16 numbers or an object {emotion: weight}");
  }
  float sum = 0;
  for (float x : w) sum += x;
  if (sum <= 0) bad(field + ": at least one weight must be positive");
  return w;
}

Json vec(const float* v, std::size_t n) {
  Json a = Json::array();
  for (std::size_t i = 0; i < n; ++i) a.push_back(std::round(v[i] * 1e5f) / 1e5f);
  return a;
}

Json names_json() {
  Json a = Json::array();
  for (auto n : arkit::names()) a.push_back(std::string(n));
  return a;
}

Json vocab(const Options& opt) {
  Json j;
  j["channels"] = names_json();
  const auto& split = arkit::ChannelSplit::standard();
  Json types = Json::array();
  for (std::size_t c = 0; c < arkit::kCount; ++c) types.push_back(arkit::to_string(split.type_of(c)));
  j["channel_types"] = types;
  Json groups = Json::object();
  for (auto t : {arkit::ChannelType::Lipsync, arkit::ChannelType::Shared, arkit::ChannelType::Expression}) {
    Json g = Json::array();
    for (auto c : split.channels(t)) g.push_back(std::string(arkit::names()[c]));
    groups[arkit::to_string(t)] = g;
  }
  j["split"] = groups;
  Json em = Json::array();
  for (auto n : emotion::names()) em.push_back(std::string(n));
  j["emotions"] = em;
  const auto& a = emotion::Anchors::standard();
  Json anchors;
  anchors["version"] = a.version();
  anchors["neutral"] = vec(a.neutral().data(), 3);
  Json classes = Json::object();
  for (std::size_t c = 0; c < emotion::kCount; ++c) {
    if (c == emotion::kNeutral) continue;
    Json levels = Json::object();
    for (auto l : emotion::kLevels) levels[emotion::to_string(l)] = vec(a.at(c, l).data(), 3);
    classes[std::string(emotion::names()[c])] = levels;
  }
  anchors["classes"] = classes;
  j["anchors"] = anchors;
  j["fps"] = 30;
  j["features"] = {{"compile", detail::compiler_available()}, {"expression", detail::compiler_available()},
                   {"animate", false}, {"write_presets", opt.allow_write},
                   {"wasm", have_wasm(opt)}};
  return j;
}

// Checks a presets file body; returns the first problem as "field: message".
void validate_presets(const Json& j) {
  if (!j.contains("version")) bad("version: missing");
  if (!j.contains("channel_order") || !j["channel_order"].is_array()) bad("channel_order: must be an array of 52 names");
  const Json& order = j["channel_order"];
  try {
    std::vector<std::string> names;
    for (const auto& n : order) {
      if (!n.is_string()) bad("channel_order: every entry must be a string");
      names.push_back(n.get<std::string>());
    }
    arkit::ChannelOrder check(names);
  } catch (const Error& e) {
    bad(std::string("channel_order: ") + e.what());
  }
  if (!j.contains("presets") || !j["presets"].is_array()) bad("presets: must be an array");
  const Json& ps = j["presets"];
  for (std::size_t i = 0; i < ps.size(); ++i) {
    std::string at = "presets[" + std::to_string(i) + "]";
    const Json& p = ps[i];
    if (!p.is_object()) bad(at + ": must be an object");
    if (!p.contains("emotion")) bad(at + ".emotion: missing");
    parse_emotion(p["emotion"], at + ".emotion");
    if (p.contains("vad")) parse_vad(p["vad"], at + ".vad");
    if (!p.contains("weights") || !p["weights"].is_object()) bad(at + ".weights: must be an object {channel: value}");
    for (const auto& [k, v] : p["weights"].items()) {
      if (!arkit::find(k)) bad(at + ".weights." + k + ": not an ARKit blendshape name");
      number_in(v, at + ".weights." + k, 0, 1);
    }
  }
}

Reply compile_api(const Json& req) {
  if (!detail::compiler_available()) return error_reply(501, "compile: this build has no rule-based compiler");
  for (const auto& [k, v] : req.items())
    if (k != "emotion" && k != "weights" && k != "intensity" && k != "vad") bad(k + ": unknown field (expected emotion|weights, intensity|vad)");
  if (req.contains("emotion") == req.contains("weights")) bad("emotion: give exactly one of 'emotion' or 'weights'");
  detail::Weights w{};
  if (req.contains("emotion")) w[parse_emotion(req["emotion"], "emotion")] = 1.f;
  else w = parse_weights(req["weights"], "weights");
  if (req.contains("intensity") && req.contains("vad")) bad("vad: give 'intensity' or 'vad', not both");
  emotion::Vad vad{};
  if (req.contains("vad")) {
    vad = parse_vad(req["vad"], "vad");
  } else {
    float intensity = req.contains("intensity") ? static_cast<float>(number_in(req["intensity"], "intensity", 0, 100)) : 60.f;
    float sum = 0;
    for (float x : w) sum += x;
    const auto& a = emotion::Anchors::standard();
    for (std::size_t c = 0; c < emotion::kCount; ++c) {
      if (w[c] <= 0) continue;
      auto v = a.at_intensity(c, intensity);
      for (int i = 0; i < 3; ++i) vad[static_cast<std::size_t>(i)] += w[c] / sum * v[static_cast<std::size_t>(i)];
    }
  }
  detail::Frame y = detail::compile(w, vad);
  return json_reply({{"names", names_json()}, {"values", vec(y.data(), y.size())}, {"weights", vec(w.data(), w.size())},
                     {"vad", vec(vad.data(), 3)}});
}

Reply expression_api(const Json& req) {
  if (!detail::compiler_available()) return error_reply(501, "expression: this build has no rule-based compiler");
  for (const auto& [k, v] : req.items())
    if (k != "text" && k != "duration" && k != "words" && k != "fps" && k != "crossfade")
      bad(k + ": unknown field (expected text, duration|words, fps, crossfade)");
  if (!req.contains("text") || !req["text"].is_string()) bad("text: must be a string (tagged text)");
  std::string text = req["text"].get<std::string>();
  if (text.size() > 100000) bad("text: longer than 100000 characters", 413);
  double duration = req.contains("duration") ? number_in(req["duration"], "duration", 0.01, 600) : 0;
  double fps = req.contains("fps") ? number_in(req["fps"], "fps", 1, 120) : 30;
  double crossfade = req.contains("crossfade") ? number_in(req["crossfade"], "crossfade", 0, 10) : 0.8;
  std::vector<detail::Word> words;
  if (req.contains("words")) {
    if (req.contains("duration")) bad("words: give 'duration' or 'words', not both");
    const Json& ws = req["words"];
    if (!ws.is_array() || ws.empty()) bad("words: must be a non-empty array of {word, start, end}");
    double last = 0;
    for (std::size_t i = 0; i < ws.size(); ++i) {
      std::string at = "words[" + std::to_string(i) + "]";
      if (!ws[i].is_object()) bad(at + ": must be {word, start, end}");
      if (!ws[i].contains("start")) bad(at + ".start: missing");
      if (!ws[i].contains("end")) bad(at + ".end: missing");
      detail::Word w;
      w.text = ws[i].contains("word") && ws[i]["word"].is_string() ? ws[i]["word"].get<std::string>() : "";
      w.start = number_in(ws[i]["start"], at + ".start", last, 600);
      w.end = number_in(ws[i]["end"], at + ".end", w.start, 600);
      last = w.start;
      words.push_back(w);
    }
  }
  detail::Expression e;
  try {
    e = detail::expression(text, words, duration, fps, crossfade);
  } catch (const Error& err) {
    bad(err.what());
  }
  if (e.conditioning.size() > 600 * 120) bad("duration: too many frames", 413);
  Json frames = Json::array(), cond = Json::array();
  for (const auto& c : e.conditioning) {
    detail::Weights w{};
    std::copy(c.begin(), c.begin() + emotion::kCount, w.begin());
    emotion::Vad vad{c[emotion::kCount], c[emotion::kCount + 1], c[emotion::kCount + 2]};
    detail::Frame y = detail::compile(w, vad);
    frames.push_back(vec(y.data(), y.size()));
    cond.push_back(vec(c.data(), c.size()));
  }
  Json segs = Json::array();
  for (const auto& s : e.segments)
    segs.push_back({{"emotion", std::string(emotion::names()[s.emotion])}, {"intensity", s.intensity},
                    {"start", s.start}, {"end", s.end}});
  return json_reply({{"fps", fps}, {"duration", e.duration}, {"names", names_json()}, {"frames", frames},
                     {"conditioning", cond}, {"segments", segs}});
}

Reply presets_get(const Options& opt) {
  std::string text;
  try {
    text = tables::read_file_or_table(opt.presets);
  } catch (const Error& e) {
    return error_reply(404, std::string("presets: ") + e.what());
  }
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded()) return error_reply(500, "presets: " + opt.presets + " is not valid JSON");
  return json_reply(j);
}

Reply presets_put(const Options& opt, const std::string& body) {
  if (!opt.allow_write) return error_reply(403, "presets: writing is off; start the server with --allow-write");
  Json j = parse_body(body);
  validate_presets(j);
  io::write_file_atomic(opt.presets, j.dump(2) + "\n");
  return json_reply({{"saved", opt.presets}, {"presets", j["presets"].size()}});
}

std::string content_type(const std::string& path) {
  auto ends = [&](const char* ext) {
    std::string e(ext);
    return path.size() >= e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".json")) return "application/json";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".wav")) return "audio/wav";
  if (ends(".glb")) return "model/gltf-binary";
  if (ends(".wasm")) return "application/wasm";  // browsers compile it while it streams only with this type
  return "application/octet-stream";
}

}  // namespace

bool have_compiler() { return detail::compiler_available(); }

Reply handle_api(const Options& opt, const std::string& method, const std::string& path, const std::string& body) {
  try {
    if (body.size() > opt.max_body) return error_reply(413, "body: larger than " + std::to_string(opt.max_body) + " bytes");
    auto route = [&](const char* m, const char* p) { return method == m && path == p; };
    if (route("GET", "/api/vocab")) return json_reply(vocab(opt));
    if (route("GET", "/api/presets")) return presets_get(opt);
    if (route("PUT", "/api/presets")) return presets_put(opt, body);
    if (route("POST", "/api/compile")) return compile_api(parse_body(body));
    if (route("POST", "/api/expression")) return expression_api(parse_body(body));
    for (const char* p : {"/api/vocab", "/api/presets", "/api/compile", "/api/expression"})
      if (path == p) return error_reply(405, method + " " + path + ": method not allowed");
    return error_reply(404, path + ": no such API endpoint");
  } catch (const BadRequest& b) {
    return error_reply(b.status, b.message);
  } catch (const std::exception& e) {
    return error_reply(500, std::string("internal error: ") + e.what());
  }
}

Reply serve_asset(const Options& opt, const std::string& url_path) {
  std::string path = url_path.empty() || url_path == "/" ? "/index.html" : url_path;
  if (path.back() == '/') path += "index.html";
  if (path.find("..") != std::string::npos || path.find('\\') != std::string::npos || path.find('\0') != std::string::npos)
    return error_reply(400, "path: must not contain '..'");
  std::string rel = path.substr(1);
  if (!opt.web_dir.empty()) {
    std::filesystem::path p = std::filesystem::path(opt.web_dir) / rel;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(p, ec)) return error_reply(404, path + ": not found");
    try {
      return {200, content_type(rel), io::read_file(p.string())};
    } catch (const std::exception& e) {
      return error_reply(500, e.what());
    }
  }
  if (auto bytes = embedded::web_assets("web/" + rel)) return {200, content_type(rel), std::string(*bytes)};
  if (auto bytes = embedded::wasm_assets("web/" + rel)) return {200, content_type(rel), std::string(*bytes)};
  return error_reply(404, path + ": not found");
}

}  // namespace emosync::server
