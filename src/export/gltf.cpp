#include "export/gltf.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "arkit/blendshapes.h"
#include "export/text.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "io/json_file.h"

namespace emosync::exporter {
namespace {

constexpr int kColumns = 11, kRows = 13;
constexpr int kVertices = kColumns * kRows;

// glTF constants (glTF 2.0 specification, accessor.componentType / bufferView.target).
constexpr int kFloat = 5126, kUnsignedShort = 5123;
constexpr int kArrayBuffer = 34962, kElementArrayBuffer = 34963;

// Where a channel acts on the face and how: a Gaussian bump of radius r around
// (x, y) moving vertices by (dx, dy, dz) at its centre. Face coordinates: x to the
// subject's left (the viewer's right), y up, z towards the viewer; the face spans
// about [-0.75, 0.75] x [-1.2, 1.2]. `both` repeats the bump mirrored on the other
// side (cheekPuff is one channel for two cheeks).
struct Bump {
  const char* name;
  float x, y, r, dx, dy, dz;
  bool both = false;
};

// Eyes at (+-0.32, 0.35), brows at y 0.62, mouth at (0, -0.5), chin at (0, -1).
const Bump kBumps[] = {
    {"eyeBlinkLeft", 0.32f, 0.38f, 0.16f, 0, -0.09f, 0},      {"eyeLookDownLeft", 0.32f, 0.35f, 0.14f, 0, -0.04f, 0},
    {"eyeLookInLeft", 0.32f, 0.35f, 0.14f, -0.04f, 0, 0},     {"eyeLookOutLeft", 0.32f, 0.35f, 0.14f, 0.04f, 0, 0},
    {"eyeLookUpLeft", 0.32f, 0.35f, 0.14f, 0, 0.04f, 0},      {"eyeSquintLeft", 0.32f, 0.28f, 0.14f, 0, 0.05f, 0},
    {"eyeWideLeft", 0.32f, 0.44f, 0.14f, 0, 0.06f, 0},        {"eyeBlinkRight", -0.32f, 0.38f, 0.16f, 0, -0.09f, 0},
    {"eyeLookDownRight", -0.32f, 0.35f, 0.14f, 0, -0.04f, 0}, {"eyeLookInRight", -0.32f, 0.35f, 0.14f, 0.04f, 0, 0},
    {"eyeLookOutRight", -0.32f, 0.35f, 0.14f, -0.04f, 0, 0},  {"eyeLookUpRight", -0.32f, 0.35f, 0.14f, 0, 0.04f, 0},
    {"eyeSquintRight", -0.32f, 0.28f, 0.14f, 0, 0.05f, 0},    {"eyeWideRight", -0.32f, 0.44f, 0.14f, 0, 0.06f, 0},
    {"jawForward", 0, -0.9f, 0.45f, 0, 0, 0.12f},             {"jawLeft", 0, -0.9f, 0.45f, 0.1f, 0, 0},
    {"jawRight", 0, -0.9f, 0.45f, -0.1f, 0, 0},               {"jawOpen", 0, -0.95f, 0.5f, 0, -0.3f, 0},
    {"mouthClose", 0, -0.55f, 0.16f, 0, 0.06f, 0},            {"mouthFunnel", 0, -0.5f, 0.2f, 0, 0, 0.09f},
    {"mouthPucker", 0, -0.5f, 0.15f, 0, 0, 0.13f},            {"mouthLeft", 0, -0.5f, 0.25f, 0.08f, 0, 0},
    {"mouthRight", 0, -0.5f, 0.25f, -0.08f, 0, 0},            {"mouthSmileLeft", 0.24f, -0.5f, 0.15f, 0.05f, 0.08f, 0},
    {"mouthSmileRight", -0.24f, -0.5f, 0.15f, -0.05f, 0.08f, 0}, {"mouthFrownLeft", 0.24f, -0.5f, 0.15f, 0.02f, -0.08f, 0},
    {"mouthFrownRight", -0.24f, -0.5f, 0.15f, -0.02f, -0.08f, 0}, {"mouthDimpleLeft", 0.26f, -0.5f, 0.13f, 0.06f, 0, -0.03f},
    {"mouthDimpleRight", -0.26f, -0.5f, 0.13f, -0.06f, 0, -0.03f}, {"mouthStretchLeft", 0.24f, -0.52f, 0.15f, 0.08f, -0.03f, 0},
    {"mouthStretchRight", -0.24f, -0.52f, 0.15f, -0.08f, -0.03f, 0}, {"mouthRollLower", 0, -0.58f, 0.13f, 0, 0.02f, -0.05f},
    {"mouthRollUpper", 0, -0.42f, 0.13f, 0, -0.02f, -0.05f}, {"mouthShrugLower", 0, -0.68f, 0.18f, 0, 0.04f, 0.03f},
    {"mouthShrugUpper", 0, -0.42f, 0.13f, 0, 0.03f, 0.02f},  {"mouthPressLeft", 0.14f, -0.5f, 0.12f, 0, 0, -0.04f},
    {"mouthPressRight", -0.14f, -0.5f, 0.12f, 0, 0, -0.04f}, {"mouthLowerDownLeft", 0.1f, -0.6f, 0.13f, 0, -0.06f, 0},
    {"mouthLowerDownRight", -0.1f, -0.6f, 0.13f, 0, -0.06f, 0}, {"mouthUpperUpLeft", 0.1f, -0.4f, 0.13f, 0, 0.06f, 0},
    {"mouthUpperUpRight", -0.1f, -0.4f, 0.13f, 0, 0.06f, 0}, {"browDownLeft", 0.32f, 0.62f, 0.18f, 0, -0.07f, 0},
    {"browDownRight", -0.32f, 0.62f, 0.18f, 0, -0.07f, 0},   {"browInnerUp", 0, 0.62f, 0.2f, 0, 0.08f, 0},
    {"browOuterUpLeft", 0.52f, 0.64f, 0.16f, 0, 0.08f, 0},   {"browOuterUpRight", -0.52f, 0.64f, 0.16f, 0, 0.08f, 0},
    {"cheekPuff", 0.45f, -0.25f, 0.25f, 0.06f, 0, 0.09f, true}, {"cheekSquintLeft", 0.4f, 0.12f, 0.16f, 0, 0.05f, 0},
    {"cheekSquintRight", -0.4f, 0.12f, 0.16f, 0, 0.05f, 0},  {"noseSneerLeft", 0.1f, 0.02f, 0.12f, 0, 0.04f, 0},
    {"noseSneerRight", -0.1f, 0.02f, 0.12f, 0, 0.04f, 0},    {"tongueOut", 0, -0.55f, 0.12f, 0, -0.05f, 0.16f},
};
static_assert(sizeof(kBumps) / sizeof(kBumps[0]) == arkit::kCount, "one bump per ARKit channel");

struct Vec3 {
  float x, y, z;
};

// An oval shield: grid columns narrow towards the forehead and chin, the middle bulges.
std::vector<Vec3> base_positions() {
  std::vector<Vec3> p;
  for (int r = 0; r < kRows; ++r) {
    float v = -1.f + 2.f * r / (kRows - 1);
    float half_width = 0.75f * std::sqrt(1.f - 0.55f * v * v);
    for (int c = 0; c < kColumns; ++c) {
      float u = -1.f + 2.f * c / (kColumns - 1);
      p.push_back({u * half_width, 1.2f * v, 0.3f * (1 - u * u) * (1 - 0.4f * v * v)});
    }
  }
  return p;
}

std::vector<Vec3> target_offsets(const std::vector<Vec3>& base, const Bump& b) {
  std::vector<Vec3> d(base.size(), Vec3{0, 0, 0});
  for (int side = 0; side < (b.both ? 2 : 1); ++side) {
    float sx = side ? -1.f : 1.f;
    for (std::size_t i = 0; i < base.size(); ++i) {
      float ex = (base[i].x - sx * b.x) / b.r, ey = (base[i].y - b.y) / b.r;
      float e2 = ex * ex + ey * ey;
      if (e2 > 6.25f) continue;  // beyond 2.5 radii: exactly still, so targets stay local
      float w = std::exp(-e2);
      d[i].x += w * sx * b.dx;
      d[i].y += w * b.dy;
      d[i].z += w * b.dz;
    }
  }
  return d;
}

// The binary buffer under construction and the JSON objects that describe it.
class Builder {
 public:
  // Appends a tightly packed bufferView (4-byte aligned) and returns its index.
  std::size_t view(const void* data, std::size_t bytes, int target) {
    std::size_t offset = bin_.size();
    bin_.append(static_cast<const char*>(data), bytes);
    bin_.append((4 - bin_.size() % 4) % 4, '\0');
    io::Json v = {{"buffer", 0}, {"byteOffset", offset}, {"byteLength", bytes}};
    if (target) v["target"] = target;
    views_.push_back(v);
    return views_.size() - 1;
  }

  std::size_t vec3_accessor(const std::vector<Vec3>& v) {
    std::size_t bv = view(v.data(), v.size() * sizeof(Vec3), kArrayBuffer);
    // POSITION accessors (morph targets included) must state min and max.
    float lo[3], hi[3];
    std::fill(lo, lo + 3, std::numeric_limits<float>::max());
    std::fill(hi, hi + 3, std::numeric_limits<float>::lowest());
    for (const auto& p : v) {
      const float c[3] = {p.x, p.y, p.z};
      for (int k = 0; k < 3; ++k) lo[k] = std::min(lo[k], c[k]), hi[k] = std::max(hi[k], c[k]);
    }
    return accessor({{"bufferView", bv}, {"componentType", kFloat}, {"count", v.size()}, {"type", "VEC3"},
                     {"min", io::Json::array({lo[0], lo[1], lo[2]})}, {"max", io::Json::array({hi[0], hi[1], hi[2]})}});
  }

  std::size_t accessor(io::Json a) {
    accessors_.push_back(std::move(a));
    return accessors_.size() - 1;
  }

  const std::string& bin() const { return bin_; }
  io::Json views() const { return views_; }
  io::Json accessors() const { return accessors_; }

 private:
  std::string bin_;
  io::Json views_ = io::Json::array();
  io::Json accessors_ = io::Json::array();
};

// The glTF document (without buffers[0].uri) and its binary buffer.
std::pair<io::Json, std::string> build(const Animation& a) {
  // glTF has no NaN or infinity (JSON cannot hold them) and morph weights of a
  // face are 0..1: the same rules as every animation file.
  check_animation(a);

  Builder b;
  std::vector<Vec3> base = base_positions();
  std::size_t position = b.vec3_accessor(base);

  std::vector<std::uint16_t> indices;
  for (int r = 0; r + 1 < kRows; ++r)
    for (int c = 0; c + 1 < kColumns; ++c) {
      auto at = [&](int rr, int cc) { return static_cast<std::uint16_t>(rr * kColumns + cc); };
      // Counter-clockwise seen from +z (the front face).
      indices.insert(indices.end(), {at(r, c), at(r, c + 1), at(r + 1, c + 1), at(r, c), at(r + 1, c + 1), at(r + 1, c)});
    }
  std::size_t index_view = b.view(indices.data(), indices.size() * 2, kElementArrayBuffer);
  std::size_t index_accessor = b.accessor({{"bufferView", index_view}, {"componentType", kUnsignedShort},
                                           {"count", indices.size()}, {"type", "SCALAR"},
                                           {"min", io::Json::array({0})}, {"max", io::Json::array({kVertices - 1})}});

  io::Json targets = io::Json::array(), names = io::Json::array(), rest = io::Json::array();
  for (std::size_t c = 0; c < arkit::kCount; ++c) {
    const Bump& bump = kBumps[c];
    if (arkit::names()[c] != bump.name) throw Error(std::string("gltf: bump table out of order at ") + bump.name);
    targets.push_back(io::Json{{"POSITION", b.vec3_accessor(target_offsets(base, bump))}});
    names.push_back(std::string(arkit::names()[c]));
    rest.push_back(0);
  }

  using J = io::Json;
  J primitive = {{"attributes", {{"POSITION", position}}}, {"indices", index_accessor}, {"material", 0},
                 {"mode", 4}, {"targets", targets}};
  J mesh = {{"name", "face"}, {"primitives", J::array({primitive})}, {"weights", rest}, {"extras", {{"targetNames", names}}}};
  J material = {{"name", "skin"},
                {"doubleSided", true},
                {"pbrMetallicRoughness",
                 {{"baseColorFactor", J::array({0.91, 0.72, 0.6, 1.0})}, {"metallicFactor", 0.0}, {"roughnessFactor", 0.8}}}};
  J doc = J::object();
  doc["asset"] = {{"version", "2.0"}, {"generator", "emosync"}};
  doc["scene"] = 0;
  doc["scenes"] = J::array({J{{"name", "emosync"}, {"nodes", J::array({0})}}});
  doc["nodes"] = J::array({J{{"name", "face"}, {"mesh", 0}}});
  doc["meshes"] = J::array({mesh});
  doc["materials"] = J::array({material});

  if (a.frames > 0) {
    std::vector<float> times(a.frames);
    for (std::size_t f = 0; f < a.frames; ++f) times[f] = static_cast<float>(f / a.fps);
    std::size_t time_view = b.view(times.data(), times.size() * 4, 0);
    // Animation inputs must state min and max.
    std::size_t input = b.accessor({{"bufferView", time_view}, {"componentType", kFloat}, {"count", a.frames},
                                    {"type", "SCALAR"}, {"min", io::Json::array({times.front()})}, {"max", io::Json::array({times.back()})}});
    // The weights output holds, per keyframe, one value per morph target: exactly
    // the animation's row-major frames x 52 layout.
    std::size_t weight_view = b.view(a.data.data(), a.data.size() * 4, 0);
    std::size_t output = b.accessor(
        {{"bufferView", weight_view}, {"componentType", kFloat}, {"count", a.data.size()}, {"type", "SCALAR"}});
    J sampler = {{"input", input}, {"output", output}, {"interpolation", "LINEAR"}};
    J channel = {{"sampler", 0}, {"target", {{"node", 0}, {"path", "weights"}}}};
    doc["animations"] =
        J::array({J{{"name", "emosync"}, {"samplers", J::array({sampler})}, {"channels", J::array({channel})}}});
  }
  doc["accessors"] = b.accessors();
  doc["bufferViews"] = b.views();
  doc["buffers"] = J::array({J{{"byteLength", b.bin().size()}}});
  return {doc, b.bin()};
}

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>(v >> (8 * i) & 0xff);
}

}  // namespace

std::string gltf_text(const Animation& a) {
  auto [doc, bin] = build(a);
  doc["buffers"][0]["uri"] = "data:application/octet-stream;base64," + text::base64(bin);
  return doc.dump(1) + "\n";
}

std::string glb_bytes(const Animation& a) {
  auto [doc, bin] = build(a);
  std::string json = doc.dump();
  json.append((4 - json.size() % 4) % 4, ' ');  // the JSON chunk is padded with spaces
  // GLB layout (glTF 2.0 §4.4): 12-byte header, then chunks of {length, type, data}.
  std::string out;
  put_u32(out, 0x46546C67);  // "glTF"
  put_u32(out, 2);
  put_u32(out, static_cast<std::uint32_t>(12 + 8 + json.size() + 8 + bin.size()));
  put_u32(out, static_cast<std::uint32_t>(json.size()));
  put_u32(out, 0x4E4F534A);  // "JSON"
  out += json;
  put_u32(out, static_cast<std::uint32_t>(bin.size()));  // already a multiple of 4
  put_u32(out, 0x004E4942);  // "BIN\0"
  out += bin;
  return out;
}

void write_gltf(const std::string& path, const Animation& a) { io::write_file_atomic(path, gltf_text(a)); }
void write_glb(const std::string& path, const Animation& a) { io::write_file_atomic(path, glb_bytes(a)); }

}  // namespace emosync::exporter
