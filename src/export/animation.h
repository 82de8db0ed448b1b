#pragma once
// Animation writers (ARCHITECTURE.md §6): a clip of `frames` x 52 ARKit channels in
// canonical order at `fps`, written atomically as
//   JSON  {"fps": 30, "names": [52 names], "frames": [[52 floats], ...]}
//   CSV   header = the 52 names, one row per frame
//   NPY   float32 [frames, 52] (io/npy.h)
// and read back (by name, so files in another channel order load correctly).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "io/limits.h"

namespace emosync::exporter {

// What every animation emosync reads or writes satisfies: fps in [kMinFps, kMaxFps],
// at most io::kMaxFrames frames, every value finite and in [0, 1] (a blendshape
// weight; a 5 or a 1e30 is a corrupt or foreign-scaled file, refused rather than
// clamped so it is noticed, with the file, frame and channel).
constexpr double kMinFps = 1, kMaxFps = 1000;

struct Animation {
  double fps = 30;
  std::size_t frames = 0;
  std::vector<float> data;  // frames x 52, canonical ARKit order
};

// Throws naming `what`, the frame and the channel for the first violation of the above.
void check_animation(const Animation& a, const std::string& what = "animation");

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
// the caller's `fps` is used. The parse_* forms read bytes in memory (`what` names them).
Animation parse_animation_json(std::string_view text, const std::string& what);
Animation parse_animation_csv(std::string_view text, const std::string& what, double fps = 30);
Animation parse_animation_npy(std::string_view bytes, const std::string& what, double fps = 30);
Animation read_animation_json(const std::string& path);
Animation read_animation_csv(const std::string& path, double fps = 30);
Animation read_animation_npy(const std::string& path, double fps = 30);

}  // namespace emosync::exporter
