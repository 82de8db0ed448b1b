#include "export/animation.h"

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

namespace emosync::exporter {
namespace {

void check_shape(const Animation& a) {
  if (a.data.size() != a.frames * arkit::kCount)
    throw Error("animation: " + std::to_string(a.data.size()) + " values for " + std::to_string(a.frames) +
                " frames of 52 channels");
  if (!(a.fps > 0) || !std::isfinite(a.fps)) throw Error("animation: fps must be positive");
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
  check_shape(a);
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
      float v = a.data[f * arkit::kCount + c];
      if (!std::isfinite(v)) throw Error("animation: frame " + std::to_string(f) + " holds a non-finite value");
      put_float(out, v);
    }
    out += ']';
  }
  out += "]}\n";
  return out;
}

std::string animation_csv(const Animation& a) {
  check_shape(a);
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
  check_shape(a);
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

Animation read_animation_json(const std::string& path) {
  io::Json j = io::load_json_file(path);
  io::JsonNode root(j, path);
  Animation a;
  a.fps = root["fps"].number();
  if (!(a.fps > 0)) root["fps"].fail("must be positive");
  io::JsonNode names = root["names"];
  std::vector<std::string> order;
  for (std::size_t i = 0; i < names.size(); ++i) order.push_back(names[i].string());
  arkit::ChannelOrder co = [&] {
    try {
      return arkit::ChannelOrder(order);
    } catch (const Error& e) {
      names.fail(e.what());
    }
  }();
  io::JsonNode frames = root["frames"];
  a.frames = frames.size();
  a.data.resize(a.frames * arkit::kCount);
  float row[arkit::kCount];
  for (std::size_t f = 0; f < a.frames; ++f) {
    io::JsonNode fr = frames[f];
    if (fr.size() != arkit::kCount) fr.fail("expected 52 values, got " + std::to_string(fr.size()));
    for (std::size_t c = 0; c < arkit::kCount; ++c) row[c] = static_cast<float>(fr[c].number());
    co.to_canonical(row, a.data.data() + f * arkit::kCount);
  }
  return a;
}

Animation read_animation_csv(const std::string& path, double fps) {
  std::istringstream in(io::read_file(path));
  std::string line;
  auto cells = [](const std::string& l) {
    std::vector<std::string> out;
    std::stringstream ss(l);
    std::string cell;
    while (std::getline(ss, cell, ',')) out.push_back(cell);
    return out;
  };
  if (!std::getline(in, line)) throw Error(path + ": empty file (expected a header of 52 names)");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::vector<std::string> header = cells(line);
  std::vector<std::size_t> col_to_canon;
  std::vector<bool> seen(arkit::kCount, false);
  for (const auto& h : header) {
    auto c = arkit::find_loose(h);
    if (!c) throw Error(path + ":1: '" + h + "' is not an ARKit blendshape name");
    if (seen[*c]) throw Error(path + ":1: '" + h + "' appears twice");
    seen[*c] = true;
    col_to_canon.push_back(*c);
  }
  if (header.size() != arkit::kCount)
    throw Error(path + ":1: expected 52 columns, got " + std::to_string(header.size()));
  Animation a;
  a.fps = fps;
  std::size_t n = 1;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> row = cells(line);
    if (row.size() != arkit::kCount)
      throw Error(path + ":" + std::to_string(n) + ": expected 52 values, got " + std::to_string(row.size()));
    std::size_t base = a.data.size();
    a.data.resize(base + arkit::kCount);
    for (std::size_t i = 0; i < row.size(); ++i) {
      char* end = nullptr;
      float v = std::strtof(row[i].c_str(), &end);
      if (row[i].empty() || end != row[i].c_str() + row[i].size())
        throw Error(path + ":" + std::to_string(n) + ": column " + header[i] + ": '" + row[i] + "' is not a number");
      a.data[base + col_to_canon[i]] = v;
    }
    ++a.frames;
  }
  return a;
}

Animation read_animation_npy(const std::string& path, double fps) {
  io::NpyArray arr = io::read_npy(path);
  if (arr.shape.size() != 2 || arr.shape[1] != arkit::kCount)
    throw Error(path + ": expected a [frames, 52] array");
  Animation a;
  a.fps = fps;
  a.frames = arr.shape[0];
  a.data = std::move(arr.data);
  return a;
}

}  // namespace emosync::exporter
