#pragma once
// Live Link Face CSV (Epic's iOS capture app; Unreal imports it): the one place in
// emosync that knows its columns. The teacher's recorded-capture reader and
// `emosync convert` both read through here.
//
// Layout, as the app writes it:
//   Timecode,BlendShapeCount,<52 blendshapes>,<9 head/eye rotations>
//   00:00:01:07.000,61,<52 values>,<9 values>
// Timecode is HH:MM:SS:FF.mmm (FF = frame within the second at the capture rate,
// .mmm a sub-frame fraction); BlendShapeCount is 61 (52 shapes + 9 rotations).
// The blendshape labels are Apple's order in PascalCase except that the app swaps
// the labels of two pairs (JawRight,JawLeft and MouthRight,MouthLeft). Columns are
// therefore matched by name, never by position: a value belongs to the label it was
// written under.
#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "export/animation.h"

namespace emosync::exporter {

constexpr std::size_t kLiveLinkRotations = 9;
constexpr std::size_t kLiveLinkValueColumns = 52 + kLiveLinkRotations;  // the BlendShapeCount value

// The 61 value columns after Timecode,BlendShapeCount, in the app's order and spelling.
const std::array<std::string_view, kLiveLinkValueColumns>& live_link_columns();
// The full header line (63 names, no newline).
std::string live_link_header();
// True for HeadYaw ... RightEyeRoll (any case).
bool is_live_link_rotation(std::string_view column);

// Writes the app's layout with timecodes counted at a.fps (which must be a whole
// number of frames per second, 30 for emosync's clips) from 00:00:00:00; rotations
// are written as 0 (emosync animates no head or eye-bone rotation).
std::string live_link_csv(const Animation& a);
void write_live_link_csv(const std::string& path, const Animation& a);

// Reads a capture: blendshape columns by name, case-insensitively ("BlendshapeCount"
// is accepted too), rotations ignored, values clamped to [0, 1]. Rows sit at their
// timecode's time and are resampled linearly onto a uniform grid at capture_fps from
// the first row. capture_fps = 0 infers the rate from the largest FF seen once the
// capture crosses a second boundary (60, the app's default, for shorter ones).
// Errors name path:line and the column.
Animation read_live_link_csv(const std::string& path, double capture_fps = 0);
// The same from memory (a file's bytes); `what` names it in errors.
Animation parse_live_link_csv(std::string_view text, const std::string& what, double capture_fps = 0);

// True when the file (or the text) starts like a Live Link Face CSV (first header cell
// "Timecode").
bool looks_like_live_link_csv(const std::string& path);
bool starts_like_live_link_csv(std::string_view text);

}  // namespace emosync::exporter
