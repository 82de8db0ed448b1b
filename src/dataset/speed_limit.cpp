#include "dataset/speed_limit.h"

#include <algorithm>
#include <array>

#include "arkit/blendshapes.h"
#include "io/error.h"
#include "tables/tables.h"

namespace emosync::dataset {

const SpeedLimits& SpeedLimits::standard() {
  static const SpeedLimits s = load("data/dataset/speed_limits.json");
  return s;
}

SpeedLimits SpeedLimits::load(const std::string& path_or_key) {
  io::Json j = tables::read_json_file_or_table(path_or_key);
  io::JsonNode root(j, path_or_key);
  root.object();
  SpeedLimits s;
  io::JsonNode per = root["per_second"];
  static const std::array<const char*, 3> types = {"LIPSYNC", "EXPRESSION", "SHARED"};
  for (auto it = per.object().begin(); it != per.object().end(); ++it) {
    io::JsonNode v = per.child(it.key(), it.value());
    auto t = std::find(types.begin(), types.end(), it.key());
    if (t == types.end()) v.fail("expected LIPSYNC, EXPRESSION or SHARED");
    s.per_second[t - types.begin()] = v.number_in(1e-3, 1e6);
  }
  if (root.has("troughs")) {
    io::JsonNode tr = root["troughs"];
    for (std::size_t i = 0; i < tr.size(); ++i) {
      auto c = arkit::find(tr[i].string());
      if (!c) tr[i].fail("unknown ARKit name '" + tr[i].string() + "'");
      s.troughs.push_back(*c);
    }
  }
  return s;
}

void dilate_to_speed(float* data, std::size_t n, std::size_t stride, float max_step, bool keep_troughs) {
  if (n < 2) return;
  const float sign = keep_troughs ? -1.0f : 1.0f;  // troughs: dilate the negated signal
  auto at = [&](std::size_t t) -> float& { return data[t * stride]; };
  // Two passes of the running max with slope -max_step give the exact max-plus dilation
  // with the cone of half-slope max_step.
  for (std::size_t t = 1; t < n; ++t) at(t) = sign * std::max(sign * at(t), sign * at(t - 1) - max_step);
  for (std::size_t t = n - 1; t-- > 0;) at(t) = sign * std::max(sign * at(t), sign * at(t + 1) - max_step);
}

void SpeedLimits::apply(std::vector<float>& frames, std::size_t n, double fps, const arkit::ChannelSplit& split) const {
  if (frames.size() != n * arkit::kCount) throw Error("speed limits: frames must be n x 52");
  if (fps <= 0) throw Error("speed limits: fps must be positive");
  for (std::size_t c = 0; c < arkit::kCount; ++c) {
    const auto& v = per_second[static_cast<std::size_t>(split.type_of(c))];
    if (!v) continue;
    const bool trough = std::find(troughs.begin(), troughs.end(), c) != troughs.end();
    dilate_to_speed(frames.data() + c, n, arkit::kCount, static_cast<float>(*v / fps), trough);
  }
}

}  // namespace emosync::dataset
