#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

#include "arkit/blendshapes.h"
#include "export/gltf.h"
#include "io/atomic_file.h"
#include "io/json_file.h"
#include "support/test_support.h"

using namespace emosync;
using namespace emosync::exporter;

namespace {
Animation wave(std::size_t frames) {
  Animation a;
  a.fps = 30;
  a.frames = frames;
  for (std::size_t f = 0; f < frames; ++f)
    for (std::size_t c = 0; c < 52; ++c) a.data.push_back(static_cast<float>((f + c) % 10) / 9.f);
  return a;
}

std::uint32_t u32(const std::string& s, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(s[at + i]);
  return v;
}

std::string unbase64(const std::string& s) {
  std::string out;
  unsigned buf = 0;
  int bits = 0;
  for (char ch : s) {
    const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char* p = std::strchr(alphabet, ch);
    if (ch == '=' || !p) break;
    buf = buf << 6 | static_cast<unsigned>(p - alphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>(buf >> bits & 0xff);
    }
  }
  return out;
}

// The floats an accessor points at (tightly packed FLOAT data).
std::vector<float> floats(const io::Json& doc, const std::string& bin, std::size_t accessor) {
  const auto& acc = doc["accessors"][accessor];
  const auto& view = doc["bufferViews"][acc["bufferView"].get<std::size_t>()];
  std::size_t n = acc["count"].get<std::size_t>() * (acc["type"] == "VEC3" ? 3 : 1);
  std::vector<float> v(n);
  std::memcpy(v.data(), bin.data() + view["byteOffset"].get<std::size_t>(), n * 4);
  return v;
}

void check_document(const io::Json& doc, const std::string& bin, const Animation& a) {
  EXPECT_EQ(doc["asset"]["version"], "2.0");
  const auto& mesh = doc["meshes"][0];
  ASSERT_EQ(mesh["extras"]["targetNames"].size(), 52u);
  for (std::size_t c = 0; c < 52; ++c) EXPECT_EQ(mesh["extras"]["targetNames"][c], std::string(arkit::names()[c]));
  ASSERT_EQ(mesh["primitives"][0]["targets"].size(), 52u);
  EXPECT_EQ(mesh["weights"].size(), 52u);
  EXPECT_EQ(doc["buffers"][0]["byteLength"].get<std::size_t>(), bin.size());
  // Every target moves some vertex, and only some (targets stay local).
  for (std::size_t c = 0; c < 52; ++c) {
    auto d = floats(doc, bin, mesh["primitives"][0]["targets"][c]["POSITION"].get<std::size_t>());
    std::size_t moved = 0;
    for (std::size_t v = 0; v < d.size(); v += 3) moved += (d[v] != 0 || d[v + 1] != 0 || d[v + 2] != 0);
    EXPECT_GT(moved, 0u) << arkit::names()[c];
    EXPECT_LT(moved, d.size() / 3) << arkit::names()[c];
  }
  const auto& anim = doc["animations"][0];
  EXPECT_EQ(anim["channels"][0]["target"]["path"], "weights");
  EXPECT_EQ(anim["channels"][0]["target"]["node"], 0);
  EXPECT_EQ(anim["samplers"][0]["interpolation"], "LINEAR");
  auto times = floats(doc, bin, anim["samplers"][0]["input"].get<std::size_t>());
  ASSERT_EQ(times.size(), a.frames);
  EXPECT_FLOAT_EQ(times[30], 1.0f);  // 30 fps
  auto weights = floats(doc, bin, anim["samplers"][0]["output"].get<std::size_t>());
  EXPECT_EQ(weights, a.data);  // the clip's values, bit for bit
}
}  // namespace

TEST(Gltf, GlbContainerAndContentRoundTrip) {
  Animation a = wave(40);
  std::string glb = glb_bytes(a);
  ASSERT_GT(glb.size(), 28u);
  EXPECT_EQ(glb.substr(0, 4), "glTF");
  EXPECT_EQ(u32(glb, 4), 2u);
  EXPECT_EQ(u32(glb, 8), glb.size());
  std::uint32_t json_len = u32(glb, 12);
  EXPECT_EQ(glb.substr(16, 4), "JSON");
  EXPECT_EQ(json_len % 4, 0u);
  std::uint32_t bin_len = u32(glb, 20 + json_len);
  EXPECT_EQ(glb.substr(24 + json_len, 4), std::string("BIN\0", 4));
  EXPECT_EQ(28 + json_len + bin_len, glb.size());
  io::Json doc = io::parse_json(glb.substr(20, json_len), "glb");
  EXPECT_FALSE(doc["buffers"][0].contains("uri"));
  check_document(doc, glb.substr(28 + json_len), a);
}

TEST(Gltf, EmbeddedBufferRoundTrip) {
  Animation a = wave(40);
  std::string path = test_support::temp_path("export_gltf", "a.gltf");
  write_gltf(path, a);
  io::Json doc = io::load_json_file(path);
  std::string uri = doc["buffers"][0]["uri"];
  const std::string prefix = "data:application/octet-stream;base64,";
  ASSERT_EQ(uri.substr(0, prefix.size()), prefix);
  check_document(doc, unbase64(uri.substr(prefix.size())), a);
}

TEST(Gltf, EmptyClipHasNoAnimationAndBadClipsAreRefused) {
  io::Json doc = io::parse_json(gltf_text(wave(0)), "empty");
  EXPECT_FALSE(doc.contains("animations"));
  EXPECT_EQ(doc["meshes"][0]["extras"]["targetNames"].size(), 52u);
  Animation bad = wave(3);
  bad.data[60] = std::numeric_limits<float>::infinity();
  EXPECT_NE(test_support::error_of([&] { glb_bytes(bad); }).find("frame 1"), std::string::npos);
}
