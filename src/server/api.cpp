// The JSON API and the static assets, free of HTTP plumbing (see server.h).
#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <optional>
#include <string_view>

#include "arkit/blendshapes.h"
#include "arkit/channel_split.h"
#include "compiler/compiler.h"
#include "emotion/anchors.h"
#include "emotion/classes.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "server/api_common.h"
#include "server/server.h"
#include "tables/tables.h"
#include "timeline/timeline.h"

namespace emosync::embedded {
std::optional<std::string_view> web_assets(std::string_view key);
std::optional<std::string_view> wasm_assets(std::string_view key);  // web/wasm/, when built
}

namespace emosync::server {

namespace detail {

io::Json vec(const float* v, std::size_t n) {
  io::Json a = io::Json::array();
  for (std::size_t i = 0; i < n; ++i) a.push_back(std::round(v[i] * 1e5f) / 1e5f);
  return a;
}

std::size_t utf8_error_at(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    unsigned lo = 0x80, hi = 0xBF;  // the range of the second byte (RFC 3629's table)
    if (b < 0x80) len = 1;
    else if (b >= 0xC2 && b <= 0xDF) len = 2;
    else if (b >= 0xE0 && b <= 0xEF) len = 3, lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
    else if (b >= 0xF0 && b <= 0xF4) len = 4, lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
    else return i;
    if (i + len > s.size()) return i;
    for (std::size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF)) return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

void require_utf8(const std::string& field, std::string_view value) {
  const std::size_t at = utf8_error_at(value);
  if (at != std::string_view::npos) bad(field + ": not valid UTF-8 (byte " + std::to_string(at) + ")");
}

io::Json names_json() {
  io::Json a = io::Json::array();
  for (auto n : arkit::names()) a.push_back(std::string(n));
  return a;
}

}  // namespace detail

namespace {

using io::Json;
using detail::bad;
using detail::BadRequest;
using detail::error_reply;
using detail::json_reply;
using detail::names_json;
using detail::require_utf8;
using detail::vec;
using Weights = std::array<float, emotion::kCount>;

// Whether the WebAssembly runtime (scripts/build-wasm) is there to serve.
bool have_wasm(const Options& opt) {
  std::error_code ec;
  if (!opt.web_dir.empty()) return std::filesystem::is_regular_file(std::filesystem::path(opt.web_dir) / "wasm" / "emosync.wasm", ec);
  return embedded::wasm_assets("web/wasm/emosync.wasm").has_value();
}

Json parse_body(const std::string& body) {
  if (body.empty()) bad("body: expected a JSON object, got an empty body");
  Json j;
  try {
    j = io::parse_json(body, "body");  // "body:line:column: invalid JSON: ..." (ill-formed UTF-8 included)
  } catch (const Error& e) {
    bad(e.what());
  }
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

Weights parse_weights(const Json& j, const std::string& field) {
  Weights w{};
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
  j["features"] = {{"compile", true}, {"expression", true}, {"animate", true}, {"write_presets", opt.allow_write},
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
  for (const auto& [k, v] : req.items())
    if (k != "emotion" && k != "weights" && k != "intensity" && k != "vad") bad(k + ": unknown field (expected emotion|weights, intensity|vad)");
  if (req.contains("emotion") == req.contains("weights")) bad("emotion: give exactly one of 'emotion' or 'weights'");
  Weights w{};
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
  auto y = compiler::Compiler::standard().compile(w, vad);
  return json_reply({{"names", names_json()}, {"values", vec(y.data(), y.size())}, {"weights", vec(w.data(), w.size())},
                     {"vad", vec(vad.data(), 3)}});
}

Reply expression_api(const Json& req) {
  for (const auto& [k, v] : req.items())
    if (k != "text" && k != "duration" && k != "words" && k != "fps" && k != "crossfade")
      bad(k + ": unknown field (expected text, duration|words, fps, crossfade)");
  if (!req.contains("text") || !req["text"].is_string()) bad("text: must be a string (tagged text)");
  std::string text = req["text"].get<std::string>();
  if (text.size() > 100000) bad("text: longer than 100000 characters", 413);
  double duration = req.contains("duration") ? number_in(req["duration"], "duration", 0.01, 600) : 0;
  double fps = req.contains("fps") ? number_in(req["fps"], "fps", 1, 120) : 30;
  double crossfade = req.contains("crossfade") ? number_in(req["crossfade"], "crossfade", 0, 10) : 0.8;
  std::vector<timeline::WordTiming> words;
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
      timeline::WordTiming w;
      w.word = ws[i].contains("word") && ws[i]["word"].is_string() ? ws[i]["word"].get<std::string>() : "";
      w.start_s = number_in(ws[i]["start"], at + ".start", last, 600);
      w.end_s = number_in(ws[i]["end"], at + ".end", w.start_s, 600);
      last = w.start_s;
      words.push_back(w);
    }
  }
  std::vector<timeline::Segment> segments;
  try {
    segments = timeline::parse_tagged(text);
  } catch (const Error& err) {
    bad(std::string("text: ") + err.what());
  }
  if (timeline::words_of(segments).empty()) bad("text: no words to animate");
  timeline::Placement placed = timeline::place(segments, words, duration);
  if (timeline::frame_count(placed.duration_s, fps) > 600 * 120) bad("duration: too many frames", 413);
  timeline::TimelineOptions topt;
  topt.fps = fps;
  topt.crossfade_s = crossfade;
  const std::vector<float> rows = timeline::conditioning(segments, words, duration, topt);
  const std::size_t dim = emotion::kConditioningDim;
  Json frames = Json::array(), cond = Json::array();
  for (std::size_t f = 0; f + dim <= rows.size(); f += dim) {
    emotion::Conditioning c{};
    std::copy(rows.begin() + static_cast<std::ptrdiff_t>(f), rows.begin() + static_cast<std::ptrdiff_t>(f + dim), c.begin());
    auto y = compiler::Compiler::standard().compile(c);
    frames.push_back(vec(y.data(), y.size()));
    cond.push_back(vec(c.data(), dim));
  }
  Json segs = Json::array();
  for (std::size_t i = 0; i < placed.segment.size(); ++i) {
    const auto& s = segments[placed.segment[i]];
    segs.push_back({{"emotion", std::string(emotion::names()[s.emotion])}, {"intensity", s.intensity},
                    {"start", placed.start[i]}, {"end", placed.end[i]}});
  }
  return json_reply({{"fps", fps}, {"duration", placed.duration_s}, {"names", names_json()}, {"frames", frames},
                     {"conditioning", cond}, {"segments", segs}});
}

Reply presets_get(const Options& opt) {
  std::string text;
  try {
    text = tables::read_file_or_table(opt.presets);
  } catch (const Error& e) {
    return error_reply(404, std::string("presets: ") + e.what());
  }
  try {
    return json_reply(io::parse_json(text, opt.presets));  // "<file>:line:column: invalid JSON: ..."
  } catch (const Error& e) {
    return error_reply(500, std::string("presets: ") + e.what());
  }
}

Reply presets_put(const Options& opt, const std::string& body) {
  if (!opt.allow_write) return error_reply(403, "presets: writing is off; start the server with --allow-write");
  Json j = parse_body(body);
  validate_presets(j);
  try {
    io::write_file_atomic(opt.presets, j.dump(2) + "\n");
  } catch (const std::exception& e) {
    return error_reply(500, std::string("presets: cannot save: ") + e.what());
  }
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

Reply handle_api(const Options& opt, const Request& req) {
  try {
    std::size_t size = req.body.size();
    for (const auto& p : req.parts) size += p.content.size();
    if (size > opt.max_body) return error_reply(413, "body: larger than " + std::to_string(opt.max_body) + " bytes");
    require_utf8("path", req.path);
    auto route = [&](const char* m, const char* p) { return req.method == m && req.path == p; };
    if (route("GET", "/api/vocab")) return json_reply(vocab(opt));
    if (route("GET", "/api/presets")) return presets_get(opt);
    if (route("PUT", "/api/presets")) return presets_put(opt, req.body);
    if (route("POST", "/api/compile")) return compile_api(parse_body(req.body));
    if (route("POST", "/api/expression")) return expression_api(parse_body(req.body));
    if (route("POST", "/api/animate")) return detail::animate_api(opt, req);
    for (const char* p : {"/api/vocab", "/api/presets", "/api/compile", "/api/expression", "/api/animate"})
      if (req.path == p) return error_reply(405, req.method + " " + req.path + ": method not allowed");
    return error_reply(404, req.path + ": no such API endpoint");
  } catch (const BadRequest& b) {
    return error_reply(b.status, b.message);
  } catch (const std::exception& e) {
    return error_reply(500, std::string("internal error: ") + e.what());
  }
}

Reply handle_api(const Options& opt, const std::string& method, const std::string& path, const std::string& body) {
  Request req;
  req.method = method;
  req.path = path;
  req.body = body;
  req.content_type = "application/json";
  return handle_api(opt, req);
}

namespace {

// The URL path's file, relative to the web app's root: "/" is index.html, and so is a
// trailing "/". Only plain names separated by single slashes pass: no empty segment (an
// absolute path hides behind "//", also when it arrived as "/%2f"), no "." or "..", no
// backslash, NUL or '%' (left over from a second round of encoding).
std::string asset_relative_path(const std::string& url_path) {
  std::string path = url_path.empty() || url_path == "/" ? "/index.html" : url_path;
  if (path.back() == '/') path += "index.html";
  require_utf8("path", path);
  if (path[0] != '/') bad("path: must start with '/'");
  std::string rel = path.substr(1);
  std::size_t start = 0;
  while (start <= rel.size()) {
    const std::size_t end = std::min(rel.find('/', start), rel.size());
    const std::string_view seg(rel.data() + start, end - start);
    if (seg.empty()) bad("path: " + path + ": empty segment (absolute paths are not served)");
    if (seg == "." || seg == "..") bad("path: " + path + ": must not contain '.' or '..' segments");
    if (seg.find_first_of(std::string_view("\\%\0", 3)) != std::string_view::npos)
      bad("path: " + path + ": must not contain '\\', '%' or NUL");
    start = end + 1;
  }
  return rel;
}

// `rel` under the web folder, or a 4xx: the canonical result (symlinks resolved) must lie
// inside the canonical web folder, so a link that leads out is refused too.
std::filesystem::path on_disk(const std::string& web_dir, const std::string& rel, const std::string& url_path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path root = fs::canonical(web_dir, ec);
  if (ec) bad("web dir: " + web_dir + ": " + ec.message(), 500);
  const fs::path file = fs::weakly_canonical(root / rel, ec);
  if (ec) bad(url_path + ": not found", 404);
  auto [r, f] = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
  if (r != root.end()) bad("path: " + url_path + ": leads outside the web folder", 403);
  if (!fs::is_regular_file(file, ec)) bad(url_path + ": not found", 404);
  return file;
}

}  // namespace

Reply serve_asset(const Options& opt, const std::string& url_path) {
  try {
    const std::string rel = asset_relative_path(url_path);
    const std::string shown = "/" + rel;
    if (!opt.web_dir.empty()) {
      const std::filesystem::path file = on_disk(opt.web_dir, rel, shown);
      try {
        return {200, content_type(rel), io::read_file(file.string())};
      } catch (const std::exception&) {
        return error_reply(500, shown + ": cannot be read");  // e.what() would show where the web dir is
      }
    }
    if (auto bytes = embedded::web_assets("web/" + rel)) return {200, content_type(rel), std::string(*bytes)};
    if (auto bytes = embedded::wasm_assets("web/" + rel)) return {200, content_type(rel), std::string(*bytes)};
    return error_reply(404, shown + ": not found");
  } catch (const BadRequest& b) {
    return error_reply(b.status, b.message);
  }
}

}  // namespace emosync::server
