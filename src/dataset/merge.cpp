#include "dataset/merge.h"

#include <algorithm>

#include "io/error.h"
#include "tables/tables.h"

namespace emosync::dataset {

const MergeGate& MergeGate::standard() {
  static const MergeGate g = load("data/dataset/merge_gate.json");
  return g;
}

MergeGate MergeGate::load(const std::string& path_or_key) {
  io::Json j = tables::read_json_file_or_table(path_or_key);
  io::JsonNode root(j, path_or_key);
  MergeGate g;
  g.strength = static_cast<float>(root["strength"].number_in(0, 1));
  io::JsonNode art = root["articulation"];
  for (auto it = art.object().begin(); it != art.object().end(); ++it) {
    io::JsonNode w = art.child(it.key(), it.value());
    auto c = arkit::find(it.key());
    if (!c) w.fail("unknown ARKit name");
    g.articulation.emplace_back(*c, static_cast<float>(w.number_in(0, 10)));
  }
  if (g.articulation.empty()) art.fail("needs at least one channel");
  return g;
}

float MergeGate::gate(const float* teacher_frame) const {
  float a = 0;
  for (const auto& [c, w] : articulation) a += w * teacher_frame[c];
  return 1.f - strength * std::clamp(a, 0.f, 1.f);
}

std::vector<float> merge_targets(const std::vector<float>& teacher, const std::vector<float>& compiler,
                                 const float* compiler_neutral, std::size_t frames, const MergeGate& gate,
                                 const arkit::ChannelSplit& split) {
  if (teacher.size() != frames * arkit::kCount || compiler.size() != frames * arkit::kCount)
    throw Error("merge_targets: teacher and compiler must both be frames x 52");
  std::vector<float> out(frames * arkit::kCount);
  for (std::size_t t = 0; t < frames; ++t) {
    const float* te = &teacher[t * arkit::kCount];
    const float* co = &compiler[t * arkit::kCount];
    float* o = &out[t * arkit::kCount];
    float g = gate.gate(te);
    for (std::size_t c = 0; c < arkit::kCount; ++c) {
      switch (split.type_of(c)) {
        case arkit::ChannelType::Lipsync: o[c] = te[c]; break;
        case arkit::ChannelType::Expression: o[c] = co[c]; break;
        case arkit::ChannelType::Shared: o[c] = std::clamp(te[c] + g * (co[c] - compiler_neutral[c]), 0.f, 1.f); break;
      }
    }
  }
  return out;
}

}  // namespace emosync::dataset
