#pragma once
// The parametric layer's table (ARCHITECTURE.md §3): per ARKit channel
// y = sigmoid(v*V + a*A + d*D + b), from data/compiler/sensitivities.json. Every
// channel must be present once, each with a "why".
#include <array>
#include <string>

#include "arkit/blendshapes.h"

namespace emosync::compiler {

struct Sensitivity {
  float v = 0, a = 0, d = 0, b = 0;
  std::string why;
};

struct Sensitivities {
  static constexpr const char* kDefaultKey = "data/compiler/sensitivities.json";
  static Sensitivities load(const std::string& path_or_key);
  std::string version;
  std::array<Sensitivity, arkit::kCount> channels;
};

}  // namespace emosync::compiler
