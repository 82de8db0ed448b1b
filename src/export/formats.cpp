#include "export/formats.h"

#include "export/gltf.h"
#include "export/live_link_face.h"
#include "export/preview.h"
#include "export/text.h"
#include "export/visemes.h"
#include "io/atomic_file.h"
#include "io/error.h"

namespace emosync::exporter {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

struct Rule {
  const char* suffix;
  OutputFormat format;
  const char* what;
};

// Longer suffixes first: the first match wins.
const Rule kRules[] = {
    {"llf.csv", OutputFormat::LiveLinkCsv, "Live Link Face CSV (Unreal)"},
    {"visemes.json", OutputFormat::VisemeJson, "15-viseme track, JSON"},
    {"visemes.csv", OutputFormat::VisemeCsv, "15-viseme track, CSV"},
    {".json", OutputFormat::Json, "animation JSON {fps, names, frames}"},
    {".csv", OutputFormat::Csv, "CSV, 52 named columns"},
    {".npy", OutputFormat::Npy, "NPY float32 [frames, 52]"},
    {".gltf", OutputFormat::Gltf, "glTF 2.0 (morph-weight animation, embedded buffer)"},
    {".glb", OutputFormat::Glb, "glTF 2.0 binary"},
    {".html", OutputFormat::PreviewHtml, "self-contained preview player"},
};

}  // namespace

OutputFormat output_format_of_path(const std::string& path) {
  std::string name = text::lower_file_name(path);
  for (const Rule& r : kRules)
    if (ends_with(name, r.suffix)) return r.format;
  throw Error(path + ": unknown output format; the file name must end with one of:\n" + output_format_rules());
}

const char* to_string(OutputFormat f) {
  for (const Rule& r : kRules)
    if (r.format == f) return r.what;
  return "?";
}

std::string output_format_rules() {
  std::string out;
  for (const Rule& r : kRules) out += std::string("  ") + r.suffix + std::string(14 - std::string(r.suffix).size(), ' ') + r.what + "\n";
  return out;
}

void write_output(const std::string& path, const Animation& a, OutputFormat f, std::string_view wav_bytes) {
  switch (f) {
    case OutputFormat::Json: return write_animation_json(path, a);
    case OutputFormat::Csv: return write_animation_csv(path, a);
    case OutputFormat::Npy: return write_animation_npy(path, a);
    case OutputFormat::LiveLinkCsv: return write_live_link_csv(path, a);
    case OutputFormat::Gltf: return write_gltf(path, a);
    case OutputFormat::Glb: return write_glb(path, a);
    case OutputFormat::VisemeJson: return write_viseme_json(path, viseme_track(a));
    case OutputFormat::VisemeCsv: return write_viseme_csv(path, viseme_track(a));
    case OutputFormat::PreviewHtml: return write_preview_html(path, a, wav_bytes);
  }
}

void write_output(const std::string& path, const Animation& a) { write_output(path, a, output_format_of_path(path)); }

namespace {

enum class AnimationReader { Json, Csv, Npy };

// The reader a file name selects; Error for a name none takes.
AnimationReader reader_for(const std::string& path) {
  std::string name = text::lower_file_name(path);
  if (ends_with(name, "visemes.json") || ends_with(name, "visemes.csv"))
    throw Error(path + ": a viseme track cannot be turned back into 52 blendshapes");
  if (ends_with(name, ".json")) return AnimationReader::Json;
  if (ends_with(name, ".csv")) return AnimationReader::Csv;
  if (ends_with(name, ".npy")) return AnimationReader::Npy;
  throw Error(path + ": cannot read this animation format (inputs: .json, .csv, Live Link Face .csv, .npy)");
}

}  // namespace

Animation parse_any_animation(std::string_view bytes, const std::string& path, double fps) {
  const AnimationReader r = reader_for(path);
  if (r == AnimationReader::Json) return parse_animation_json(bytes, path);
  if (r == AnimationReader::Csv && starts_like_live_link_csv(bytes)) return parse_live_link_csv(bytes, path, fps);
  if (!(fps > 0)) throw Error(path + ": fps must be positive (only a Live Link Face input can infer its rate)");
  if (r == AnimationReader::Csv) return parse_animation_csv(bytes, path, fps);
  return parse_animation_npy(bytes, path, fps);
}

Animation read_any_animation(const std::string& path, double fps) {
  reader_for(path);  // a name no reader takes is refused before the file is read
  return parse_any_animation(io::read_file(path), path, fps);
}

}  // namespace emosync::exporter
