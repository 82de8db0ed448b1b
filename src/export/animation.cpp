#include "export/animation.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "arkit/blendshapes.h"
#include "export/text.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "io/json_file.h"
#include "io/npy.h"
#include "io/printable.h"

namespace emosync::exporter {
namespace {

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

void check_fps(double fps, const std::string& what) {
  if (!(fps >= kMinFps && fps <= kMaxFps))
    throw Error(what + ": fps " + number_text(fps) + " is outside [" + number_text(kMinFps) + ", " +
                number_text(kMaxFps) + "]");
}

void check_frames(std::size_t frames, const std::string& what) {
  if (frames > io::kMaxFrames)
    throw Error(what + ": " + std::to_string(frames) + " frames, over the limit of " + std::to_string(io::kMaxFrames) +
                " (4 hours at 30 fps)");
}

// "frame 3, jawOpen: value 5 is outside [0, 1]" or "" when v is a blendshape weight.
std::string bad_value(float v, std::size_t frame, std::string_view channel) {
  if (v >= 0 && v <= 1) return "";
  return "frame " + std::to_string(frame) + ", " + std::string(channel) + ": value " + number_text(v) +
         " is outside [0, 1]";
}

using text::put_float;

std::string lower_ext(const std::string& path) {
  std::size_t dot = path.find_last_of('.');
  std::size_t slash = path.find_last_of('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string e = path.substr(dot + 1);
  for (auto& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return e;
}

}  // namespace

void check_animation(const Animation& a, const std::string& what) {
  if (a.data.size() != a.frames * arkit::kCount)
    throw Error(what + ": " + std::to_string(a.data.size()) + " values for " + std::to_string(a.frames) +
                " frames of 52 channels");
  check_fps(a.fps, what);
  check_frames(a.frames, what);
  for (std::size_t i = 0; i < a.data.size(); ++i)
    if (std::string bad = bad_value(a.data[i], i / arkit::kCount, arkit::names()[i % arkit::kCount]); !bad.empty())
      throw Error(what + ": " + bad);
}

Format parse_format(const std::string& name) {
  std::string n = name;
  for (auto& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (n == "json") return Format::Json;
  if (n == "csv") return Format::Csv;
  if (n == "npy") return Format::Npy;
  throw Error("unknown animation format '" + name + "' (valid: json, csv, npy)");
}

Format format_of_path(const std::string& path) {
  std::string e = lower_ext(path);
  if (e == "json" || e == "csv" || e == "npy") return parse_format(e);
  throw Error(path + ": cannot tell the animation format from the extension (use .json, .csv or .npy)");
}

std::string animation_json(const Animation& a) {
  check_animation(a);
  std::string out = "{\"fps\": ";
  put_float(out, static_cast<float>(a.fps));
  out += ", \"names\": [";
  for (std::size_t c = 0; c < arkit::kCount; ++c) {
    out += c ? ", \"" : "\"";
    out += arkit::names()[c];
    out += '"';
  }
  out += "],\n \"frames\": [";
  for (std::size_t f = 0; f < a.frames; ++f) {
    out += f ? ",\n  [" : "\n  [";
    for (std::size_t c = 0; c < arkit::kCount; ++c) {
      if (c) out += ", ";
      put_float(out, a.data[f * arkit::kCount + c]);
    }
    out += ']';
  }
  out += "]}\n";
  return out;
}

std::string animation_csv(const Animation& a) {
  check_animation(a);
  std::string out;
  for (std::size_t c = 0; c < arkit::kCount; ++c) {
    if (c) out += ',';
    out += arkit::names()[c];
  }
  out += '\n';
  for (std::size_t f = 0; f < a.frames; ++f) {
    for (std::size_t c = 0; c < arkit::kCount; ++c) {
      if (c) out += ',';
      put_float(out, a.data[f * arkit::kCount + c]);
    }
    out += '\n';
  }
  return out;
}

void write_animation_json(const std::string& path, const Animation& a) { io::write_file_atomic(path, animation_json(a)); }
void write_animation_csv(const std::string& path, const Animation& a) { io::write_file_atomic(path, animation_csv(a)); }
void write_animation_npy(const std::string& path, const Animation& a) {
  check_animation(a);
  io::write_npy(path, a.data.data(), {a.frames, arkit::kCount});
}

void write_animation(const std::string& path, const Animation& a, Format f) {
  switch (f) {
    case Format::Json: return write_animation_json(path, a);
    case Format::Csv: return write_animation_csv(path, a);
    case Format::Npy: return write_animation_npy(path, a);
  }
}

void write_animation(const std::string& path, const Animation& a) { write_animation(path, a, format_of_path(path)); }

Animation parse_animation_json(std::string_view text, const std::string& what) {
  io::Json j = io::parse_json(text, what);
  io::JsonNode root(j, what);
  Animation a;
  a.fps = root["fps"].number();
  try {
    check_fps(a.fps, "value");
  } catch (const Error& e) {
    root["fps"].fail(e.what());
  }
  io::JsonNode names = root["names"];
  std::vector<std::string> order;
  for (std::size_t i = 0; i < names.size(); ++i) {
    order.push_back(names[i].string());
    if (!arkit::find_loose(order.back()))
      names[i].fail("'" + io::printable(order.back()) + "' is not an ARKit blendshape name");
  }
  arkit::ChannelOrder co = [&] {
    try {
      return arkit::ChannelOrder(order);
    } catch (const Error& e) {
      names.fail(e.what());
    }
  }();
  io::JsonNode frames = root["frames"];
  a.frames = frames.size();
  try {
    check_frames(a.frames, "value");
  } catch (const Error& e) {
    frames.fail(e.what());
  }
  a.data.resize(a.frames * arkit::kCount);
  float row[arkit::kCount];
  for (std::size_t f = 0; f < a.frames; ++f) {
    io::JsonNode fr = frames[f];
    if (fr.size() != arkit::kCount) fr.fail("expected 52 values, got " + std::to_string(fr.size()));
    for (std::size_t c = 0; c < arkit::kCount; ++c) {
      row[c] = static_cast<float>(fr[c].number());
      if (std::string bad = bad_value(row[c], f, order[c]); !bad.empty()) fr[c].fail(bad);
    }
    co.to_canonical(row, a.data.data() + f * arkit::kCount);
  }
  return a;
}

Animation parse_animation_csv(std::string_view text, const std::string& what, double fps) {
  check_fps(fps, what);
  std::size_t pos = 0, n = 0;  // n: the line number of `line`
  std::string_view line;
  auto next_line = [&] {
    if (pos >= text.size()) return false;
    std::size_t end = std::min(text.find('\n', pos), text.size());
    line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = end + 1;
    ++n;
    return true;
  };
  auto cells = [](std::string_view l) {
    std::vector<std::string_view> out;
    for (std::size_t at = 0;;) {
      std::size_t comma = l.find(',', at);
      out.push_back(l.substr(at, comma == std::string_view::npos ? std::string_view::npos : comma - at));
      if (comma == std::string_view::npos) return out;
      at = comma + 1;
    }
  };
  if (!next_line()) throw Error(what + ": empty file (expected a header of 52 names)");
  std::vector<std::string_view> header = cells(line);
  std::vector<std::size_t> col_to_canon;
  std::vector<bool> seen(arkit::kCount, false);
  for (const auto& h : header) {
    auto c = arkit::find_loose(h);
    if (!c) throw Error(what + ":1: '" + io::printable(h) + "' is not an ARKit blendshape name");
    if (seen[*c]) throw Error(what + ":1: '" + std::string(h) + "' appears twice");
    seen[*c] = true;
    col_to_canon.push_back(*c);
  }
  if (header.size() != arkit::kCount)
    throw Error(what + ":1: expected 52 columns, got " + std::to_string(header.size()));
  Animation a;
  a.fps = fps;
  while (next_line()) {
    if (line.empty()) continue;
    const std::string where = what + ":" + std::to_string(n);
    std::vector<std::string_view> row = cells(line);
    if (row.size() != arkit::kCount)
      throw Error(where + ": expected 52 values, got " + std::to_string(row.size()));
    check_frames(a.frames + 1, what);
    std::size_t base = a.data.size();
    a.data.resize(base + arkit::kCount);
    for (std::size_t i = 0; i < row.size(); ++i) {
      const std::string cell(row[i]);
      char* end = nullptr;
      float v = std::strtof(cell.c_str(), &end);
      if (cell.empty() || end != cell.c_str() + cell.size())
        throw Error(where + ": column " + std::string(header[i]) + ": '" + io::printable(cell) + "' is not a number");
      if (std::string bad = bad_value(v, a.frames, header[i]); !bad.empty()) throw Error(where + ": " + bad);
      a.data[base + col_to_canon[i]] = v;
    }
    ++a.frames;
  }
  return a;
}

Animation parse_animation_npy(std::string_view bytes, const std::string& what, double fps) {
  check_fps(fps, what);
  io::NpyArray arr = io::parse_npy(bytes, what);
  if (arr.shape.size() != 2 || arr.shape[1] != arkit::kCount) throw Error(what + ": expected a [frames, 52] array");
  Animation a;
  a.fps = fps;
  a.frames = arr.shape[0];
  a.data = std::move(arr.data);
  check_animation(a, what);
  return a;
}

Animation read_animation_json(const std::string& path) { return parse_animation_json(io::read_file(path), path); }
Animation read_animation_csv(const std::string& path, double fps) {
  return parse_animation_csv(io::read_file(path), path, fps);
}
Animation read_animation_npy(const std::string& path, double fps) {
  return parse_animation_npy(io::read_file(path), path, fps);
}

}  // namespace emosync::exporter
