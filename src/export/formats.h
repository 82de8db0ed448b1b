#pragma once
// Every animation file emosync reads or writes, chosen by file name. One table for
// `emosync convert` and anything else that takes "-o <file>":
//
//   name ends with        written as
//   llf.csv               Live Link Face CSV (a.llf.csv, a_llf.csv)   export/live_link_face.h
//   visemes.json          15-viseme track, JSON (visemes.json, a.visemes.json) export/visemes.h
//   visemes.csv           15-viseme track, CSV                         export/visemes.h
//   .json                 {fps, names, frames}                          export/animation.h
//   .csv                  52 named columns                              export/animation.h
//   .npy                  float32 [frames, 52]                          export/animation.h
//   .gltf                 glTF 2.0, buffer embedded as base64           export/gltf.h
//   .glb                  glTF 2.0 binary                               export/gltf.h
//   .html                 self-contained preview player (+ the audio)   export/preview.h
// Matching is case-insensitive and the longer rules win (a.llf.csv is Live Link
// Face, not plain CSV).
//
// Readable inputs: .json (animation JSON), .csv (a Live Link Face export when its
// first column is Timecode, else 52 named columns) and .npy. CSV and NPY carry no
// frame rate: the caller's fps is used (and for Live Link Face files it is the
// capture rate behind the timecodes).
#include <string>
#include <string_view>

#include "export/animation.h"

namespace emosync::exporter {

enum class OutputFormat { Json, Csv, Npy, LiveLinkCsv, Gltf, Glb, VisemeJson, VisemeCsv, PreviewHtml };

// Throws naming the path and listing the rules when no rule matches.
OutputFormat output_format_of_path(const std::string& path);
const char* to_string(OutputFormat f);
// The table above as a few lines of text (for --help).
std::string output_format_rules();

// wav_bytes is used by PreviewHtml only (empty: a silent preview).
void write_output(const std::string& path, const Animation& a, OutputFormat f, std::string_view wav_bytes = {});
void write_output(const std::string& path, const Animation& a);  // format from the name

// Reads .json / .csv (plain or Live Link Face) / .npy; throws naming the path otherwise.
// fps: the rate of a CSV/NPY input (> 0); for Live Link Face 0 infers it.
Animation read_any_animation(const std::string& path, double fps = 30);
// The same from memory: `bytes` are the file's, `path` picks the reader and names errors.
Animation parse_any_animation(std::string_view bytes, const std::string& path, double fps = 30);

}  // namespace emosync::exporter
