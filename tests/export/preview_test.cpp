#include <gtest/gtest.h>

#include "arkit/blendshapes.h"
#include "export/bundle.h"
#include "export/formats.h"
#include "export/preview.h"
#include "io/atomic_file.h"
#include "io/json_file.h"
#include "support/test_support.h"

using namespace emosync;
using namespace emosync::exporter;
using test_support::error_of;

namespace {
Animation talk(std::size_t frames) {
  Animation a;
  a.fps = 30;
  a.frames = frames;
  a.data.assign(frames * 52, 0.f);
  for (std::size_t f = 0; f < frames; ++f) a.data[f * 52 + arkit::index_of("jawOpen")] = (f % 10) / 10.f;
  return a;
}

// A minimal valid 16-bit mono WAV of n silent samples.
std::string wav(std::size_t n) {
  auto u32 = [](std::uint32_t v) { return std::string{char(v), char(v >> 8), char(v >> 16), char(v >> 24)}; };
  auto u16 = [](std::uint16_t v) { return std::string{char(v), char(v >> 8)}; };
  std::string data(n * 2, '\0');
  return "RIFF" + u32(36 + data.size()) + "WAVEfmt " + u32(16) + u16(1) + u16(1) + u32(16000) + u32(32000) + u16(2) +
         u16(16) + "data" + u32(data.size()) + data;
}

std::string between(const std::string& s, const std::string& a, const std::string& b) {
  std::size_t p = s.find(a);
  if (p == std::string::npos) return "";
  p += a.size();
  return s.substr(p, s.find(b, p) - p);
}
}  // namespace

TEST(Preview, EmbedsAudioFramesAndTheWebFace) {
  Animation a = talk(12);
  std::string html = preview_html(a, wav(800), "Hello <world>");
  EXPECT_NE(html.find("<title>Hello &lt;world&gt;</title>"), std::string::npos);
  // Audio: a data: URI whose base64 starts with "RIFF" ("UklGR").
  EXPECT_NE(html.find("src=\"data:audio/wav;base64,UklGR"), std::string::npos);
  // Frames: the animation JSON, parseable and equal to the clip.
  io::Json j = io::parse_json(between(html, "id=\"emosync-animation\">", "</script>"), "preview");
  ASSERT_EQ(j["frames"].size(), 12u);
  EXPECT_FLOAT_EQ(j["frames"][3][arkit::index_of("jawOpen")].get<float>(), 0.3f);
  // The face is web/js/face.js itself, with its one import inlined.
  std::string face = io::read_file(std::string(EMOSYNC_SOURCE_DIR) + "/web/js/face.js");
  std::string cls = face.substr(face.find("export class Face"));
  EXPECT_NE(html.find(cls), std::string::npos);
  EXPECT_EQ(html.find("import "), std::string::npos);
  EXPECT_NE(html.find("const CHANNELS = ['eyeBlinkLeft'"), std::string::npos);
  // Nothing is fetched: no http(s) URLs but the SVG namespace name, and a CSP that forbids fetching.
  for (std::size_t p = html.find("http://"); p != std::string::npos; p = html.find("http://", p + 1))
    EXPECT_EQ(html.substr(p, 26), "http://www.w3.org/2000/svg");
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(html.find("requestAnimationFrame"), std::string::npos);
  EXPECT_NE(html.find("audio.currentTime"), std::string::npos);
}

TEST(Preview, SilentPreviewAndBadAudio) {
  std::string html = preview_html(talk(3), "");
  EXPECT_EQ(html.find("<audio"), std::string::npos);
  EXPECT_NE(html.find("no audio"), std::string::npos);
  EXPECT_NE(error_of([] { preview_html(talk(3), "ID3\x03 not a wav"); }).find("not a WAV"), std::string::npos);
}

TEST(Bundle, WriteAllWritesEveryFormatUnderItsDocumentedName) {
  std::string dir = test_support::temp_path("export_bundle", "out");
  Animation a = talk(45);
  auto written = write_all(dir, a, wav(16000));
  std::vector<std::string> names;
  for (const auto& p : written) names.push_back(p.substr(p.find_last_of('/') + 1));
  EXPECT_EQ(names, (std::vector<std::string>{"animation.json", "animation.csv", "animation.npy", "animation_llf.csv",
                                             "animation.glb", "visemes.json", "preview.html"}));
  // Every written animation reads back to the same frames.
  for (const char* name : {"animation.json", "animation.csv", "animation.npy", "animation_llf.csv"}) {
    Animation b = read_any_animation(dir + "/" + name, 30);
    ASSERT_EQ(b.frames, a.frames) << name;
    for (std::size_t i = 0; i < a.data.size(); ++i) ASSERT_NEAR(b.data[i], a.data[i], 1e-6) << name;
  }
  EXPECT_EQ(io::read_file(dir + "/animation.glb").substr(0, 4), "glTF");
  EXPECT_EQ(io::load_json_file(dir + "/visemes.json")["frames"].size(), 45u);
}

TEST(Formats, OutputRulesByName) {
  EXPECT_EQ(output_format_of_path("a/b.llf.csv"), OutputFormat::LiveLinkCsv);
  EXPECT_EQ(output_format_of_path("animation_LLF.CSV"), OutputFormat::LiveLinkCsv);
  EXPECT_EQ(output_format_of_path("x.csv"), OutputFormat::Csv);
  EXPECT_EQ(output_format_of_path("visemes.json"), OutputFormat::VisemeJson);
  EXPECT_EQ(output_format_of_path("take.visemes.csv"), OutputFormat::VisemeCsv);
  EXPECT_EQ(output_format_of_path("x.json"), OutputFormat::Json);
  EXPECT_EQ(output_format_of_path("x.npy"), OutputFormat::Npy);
  EXPECT_EQ(output_format_of_path("x.gltf"), OutputFormat::Gltf);
  EXPECT_EQ(output_format_of_path("d.gltf/x.glb"), OutputFormat::Glb);
  std::string e = error_of([] { output_format_of_path("out/face.fbx"); });
  EXPECT_EQ(e.rfind("out/face.fbx: unknown output format", 0), 0u) << e;
  EXPECT_NE(e.find("llf.csv"), std::string::npos);
  EXPECT_NE(error_of([] { read_any_animation("x.visemes.json"); }).find("cannot be turned back"), std::string::npos);
  EXPECT_NE(error_of([] { read_any_animation("x.gltf"); }).find("x.gltf: cannot read"), std::string::npos);
}
