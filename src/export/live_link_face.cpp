#include "export/live_link_face.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <vector>

#include "arkit/blendshapes.h"
#include "export/text.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "io/printable.h"

namespace emosync::exporter {
namespace {

// The header of a Live Link Face export after Timecode,BlendShapeCount, spelled and
// ordered as the app writes it. Source: nmfisher/blender_livelinkface,
// bpylivelinkface.py (LIVE_LINK_FACE_HEADER, taken from the app's CSV exports); the
// same order and the Jaw/Mouth label swap are recorded in
// shared/research/expression-reference.md §1.1 and §1.3. The rotation names are also
// the tail of Unreal's EARFaceBlendShape enum (HeadYaw ... RightEyeRoll).
constexpr std::array<std::string_view, kLiveLinkValueColumns> kColumns = {
    "EyeBlinkLeft",    "EyeLookDownLeft",    "EyeLookInLeft",      "EyeLookOutLeft",    "EyeLookUpLeft",
    "EyeSquintLeft",   "EyeWideLeft",        "EyeBlinkRight",      "EyeLookDownRight",  "EyeLookInRight",
    "EyeLookOutRight", "EyeLookUpRight",     "EyeSquintRight",     "EyeWideRight",      "JawForward",
    "JawRight",        "JawLeft",            "JawOpen",            "MouthClose",        "MouthFunnel",
    "MouthPucker",     "MouthRight",         "MouthLeft",          "MouthSmileLeft",    "MouthSmileRight",
    "MouthFrownLeft",  "MouthFrownRight",    "MouthDimpleLeft",    "MouthDimpleRight",  "MouthStretchLeft",
    "MouthStretchRight", "MouthRollLower",   "MouthRollUpper",     "MouthShrugLower",   "MouthShrugUpper",
    "MouthPressLeft",  "MouthPressRight",    "MouthLowerDownLeft", "MouthLowerDownRight", "MouthUpperUpLeft",
    "MouthUpperUpRight", "BrowDownLeft",     "BrowDownRight",      "BrowInnerUp",       "BrowOuterUpLeft",
    "BrowOuterUpRight", "CheekPuff",         "CheekSquintLeft",    "CheekSquintRight",  "NoseSneerLeft",
    "NoseSneerRight",  "TongueOut",          "HeadYaw",            "HeadPitch",         "HeadRoll",
    "LeftEyeYaw",      "LeftEyePitch",       "LeftEyeRoll",        "RightEyeYaw",       "RightEyePitch",
    "RightEyeRoll"};

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n\"");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n\"") - b + 1);
}

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(trim(item));
  if (!line.empty() && line.back() == ',') out.push_back("");
  return out;
}

struct Timecode {
  double seconds;  // HH:MM:SS
  double frame;    // FF.mmm
};

Timecode parse_timecode(const std::string& s, const std::string& where) {
  int h = 0, m = 0, sec = 0;
  double ff = 0;
  char c1 = 0, c2 = 0, c3 = 0;
  std::istringstream in(s);
  in >> h >> c1 >> m >> c2 >> sec >> c3 >> ff;
  if (!in || c1 != ':' || c2 != ':' || c3 != ':' || h < 0 || m < 0 || m > 59 || sec < 0 || sec > 59 || !(ff >= 0))
    throw Error(where + ": timecode '" + io::printable(s) + "' is not HH:MM:SS:FF.mmm");
  return {h * 3600.0 + m * 60.0 + sec, ff};
}

}  // namespace

const std::array<std::string_view, kLiveLinkValueColumns>& live_link_columns() { return kColumns; }

std::string live_link_header() {
  std::string h = "Timecode,BlendShapeCount";
  for (auto c : kColumns) {
    h += ',';
    h += c;
  }
  return h;
}

bool is_live_link_rotation(std::string_view column) {
  std::string l = text::lower(std::string(column));
  for (std::size_t i = 52; i < kColumns.size(); ++i)
    if (l == text::lower(std::string(kColumns[i]))) return true;
  return false;
}

std::string live_link_csv(const Animation& a) {
  check_animation(a);
  // The timecode's FF field counts whole frames, so the rate must be a whole number.
  if (a.fps != std::floor(a.fps))
    throw Error("Live Link Face CSV: fps " + std::to_string(a.fps) + " is not a whole number of frames per second");
  const auto fps = static_cast<std::size_t>(a.fps);
  std::array<std::size_t, 52> channel{};
  for (std::size_t i = 0; i < 52; ++i) channel[i] = *arkit::find_loose(kColumns[i]);

  std::string out = live_link_header() + "\n";
  for (std::size_t f = 0; f < a.frames; ++f) {
    std::size_t s = f / fps;
    char tc[128];
    std::snprintf(tc, sizeof tc, "%02zu:%02zu:%02zu:%02zu.000,%zu", s / 3600, s / 60 % 60, s % 60, f % fps,
                  kLiveLinkValueColumns);
    out += tc;
    for (std::size_t i = 0; i < 52; ++i) {
      out += ',';
      text::put_float(out, a.data[f * arkit::kCount + channel[i]]);
    }
    for (std::size_t r = 0; r < kLiveLinkRotations; ++r) out += ",0";
    out += '\n';
  }
  return out;
}

void write_live_link_csv(const std::string& path, const Animation& a) { io::write_file_atomic(path, live_link_csv(a)); }

bool starts_like_live_link_csv(std::string_view text) {
  std::string head(text.substr(0, 64));
  return text::lower(trim(head.substr(0, head.find(',')))) == "timecode";
}

bool looks_like_live_link_csv(const std::string& path) { return starts_like_live_link_csv(io::read_file(path)); }

Animation read_live_link_csv(const std::string& path, double capture_fps) {
  return parse_live_link_csv(io::read_file(path), path, capture_fps);
}

Animation parse_live_link_csv(std::string_view text, const std::string& path, double capture_fps) {
  if (capture_fps != 0 && !(capture_fps >= kMinFps && capture_fps <= kMaxFps))
    throw Error(path + ": capture fps must be 0 (infer) or in [1, 1000]");
  std::istringstream in{std::string(text)};
  std::string line;
  if (!std::getline(in, line)) throw Error(path + ": empty file");
  auto header = split_csv(line);
  if (header.size() < 2 || text::lower(header[0]) != "timecode" || text::lower(header[1]) != "blendshapecount")
    throw Error(path + ":1: header must start with Timecode,BlendShapeCount");
  std::vector<int> to_channel(header.size(), -1);
  std::vector<bool> seen(arkit::kCount, false);
  for (std::size_t i = 2; i < header.size(); ++i) {
    if (header[i].empty() || is_live_link_rotation(header[i])) continue;
    auto c = arkit::find_loose(header[i]);
    if (!c)
      throw Error(path + ":1: column " + std::to_string(i + 1) + " '" + io::printable(header[i]) +
                  "' is not an ARKit blendshape");
    if (seen[*c]) throw Error(path + ":1: column '" + header[i] + "' appears twice");
    seen[*c] = true;
    to_channel[i] = static_cast<int>(*c);
  }
  for (std::size_t c = 0; c < arkit::kCount; ++c)
    if (!seen[c]) throw Error(path + ":1: no column for blendshape '" + std::string(arkit::names()[c]) + "'");

  std::vector<Timecode> times;
  std::vector<float> values;
  int n = 1;
  while (std::getline(in, line)) {
    ++n;
    if (trim(line).empty()) continue;
    std::string where = path + ":" + std::to_string(n);
    auto f = split_csv(line);
    if (f.size() < header.size())
      throw Error(where + ": " + std::to_string(f.size()) + " fields, the header has " + std::to_string(header.size()));
    times.push_back(parse_timecode(f[0], where));
    std::size_t base = values.size();
    values.resize(base + arkit::kCount, 0.f);
    for (std::size_t i = 2; i < header.size(); ++i) {
      if (to_channel[i] < 0) continue;
      try {
        std::size_t used = 0;
        float v = std::stof(f[i], &used);
        if (used != f[i].size() || !std::isfinite(v)) throw std::invalid_argument(f[i]);
        values[base + static_cast<std::size_t>(to_channel[i])] = std::clamp(v, 0.f, 1.f);
      } catch (const std::exception&) {
        throw Error(where + ": " + header[i] + ": '" + io::printable(f[i]) + "' is not a number");
      }
    }
  }
  if (times.empty()) throw Error(path + ": no frames");

  if (capture_fps <= 0) {
    // FF counts frames within a second at the app's rate: the largest one seen tells
    // the rate once the capture spans a second boundary; shorter ones assume the
    // app's default of 60 fps.
    double max_ff = 0;
    for (const auto& t : times) max_ff = std::max(max_ff, std::floor(t.frame));
    bool wraps = times.back().seconds > times.front().seconds;
    capture_fps = 60;
    if (wraps)
      for (double r : {24.0, 25.0, 30.0, 48.0, 50.0, 60.0, 120.0})
        if (max_ff < r) {
          capture_fps = r;
          break;
        }
  }
  // Rows sit at their timecode's time; build a uniform grid at capture_fps from the first row.
  std::vector<double> t(times.size());
  for (std::size_t i = 0; i < times.size(); ++i) t[i] = times[i].seconds + times[i].frame / capture_fps;
  double t0 = t[0];
  for (std::size_t i = 1; i < t.size(); ++i)
    if (t[i] < t[i - 1] - 1e-9) throw Error(path + ":" + std::to_string(i + 2) + ": timecode goes backwards");
  Animation a;
  a.fps = capture_fps;
  const double frames = std::floor((t.back() - t0) * capture_fps + 1e-6) + 1;
  if (frames > static_cast<double>(io::kMaxFrames))
    throw Error(path + ": the timecodes span " + std::to_string(t.back() - t0) + " s, over the limit of " +
                std::to_string(io::kMaxFrames) + " frames");
  a.frames = static_cast<std::size_t>(frames);
  a.data.assign(a.frames * arkit::kCount, 0.f);
  std::size_t j = 0;
  for (std::size_t f = 0; f < a.frames; ++f) {
    double tf = t0 + f / capture_fps;
    while (j + 1 < t.size() && t[j + 1] <= tf) ++j;
    std::size_t k = std::min(j + 1, t.size() - 1);
    double span = t[k] - t[j];
    float w = span > 1e-9 ? static_cast<float>(std::clamp((tf - t[j]) / span, 0.0, 1.0)) : 0.f;
    for (std::size_t c = 0; c < arkit::kCount; ++c)
      a.data[f * arkit::kCount + c] = (1 - w) * values[j * arkit::kCount + c] + w * values[k * arkit::kCount + c];
  }
  return a;
}

}  // namespace emosync::exporter
