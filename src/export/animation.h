#pragma once
// Animation writers (ARCHITECTURE.md §6): a clip of `frames` x 52 ARKit channels in
// canonical order at `fps`, written atomically as
//   JSON  {"fps": 30, "names": [52 names], "frames": [[52 floats], ...]}
//   CSV   header = the 52 names, one row per frame
//   NPY   float32 [frames, 52] (io/npy.h)
// and read back (by name, so files in another channel order load correctly).
#include <cstddef>
#include <string>
#include <vector>

namespace emosync::exporter {

struct Animation {
  double fps = 30;
  std::size_t frames = 0;
  std::vector<float> data;  // frames x 52, canonical ARKit order
};

enum class Format { Json, Csv, Npy };
// From a file name's extension (.json, .csv, .npy); throws naming the path otherwise.
Format format_of_path(const std::string& path);
// "json", "csv", "npy"; throws listing the valid names.
Format parse_format(const std::string& name);

std::string animation_json(const Animation& a);
std::string animation_csv(const Animation& a);
void write_animation_json(const std::string& path, const Animation& a);
void write_animation_csv(const std::string& path, const Animation& a);
void write_animation_npy(const std::string& path, const Animation& a);
void write_animation(const std::string& path, const Animation& a, Format f);
void write_animation(const std::string& path, const Animation& a);  // format from the extension

// Readers; errors name the path and the field, row or column. CSV and NPY carry no fps:
// the caller's `fps` is used.
Animation read_animation_json(const std::string& path);
Animation read_animation_csv(const std::string& path, double fps = 30);
Animation read_animation_npy(const std::string& path, double fps = 30);

}  // namespace emosync::exporter
