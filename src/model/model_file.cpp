#include "model/model_file.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "arkit/blendshapes.h"
#include "emotion/classes.h"
#include "io/atomic_file.h"
#include "io/error.h"

namespace emosync::model {

namespace {
std::string channel_order_json() {
  io::Json j = io::Json::array();
  for (auto n : arkit::names()) j.push_back(std::string(n));
  return j.dump();
}
std::string emotion_list_json() {
  io::Json j = io::Json::array();
  for (auto n : emotion::names()) j.push_back(std::string(n));
  return j.dump();
}
std::string feature_config_json(int n_mels) {
  return io::Json{{"sample_rate", 16000}, {"hop_ms", 10}, {"fps", kFeatureFps}, {"n_mels", n_mels}, {"kind", "log_mel"}}
      .dump();
}
}  // namespace

SafeTensors with_metadata(const ModelFile& m) {
  SafeTensors st = m.weights;
  st.metadata["format"] = "emosync-model";
  st.metadata["format_version"] = std::to_string(kFormatVersion);
  st.metadata["architecture"] = m.arch.to_json().dump();
  st.metadata["feature_config"] = feature_config_json(m.arch.n_mels);
  st.metadata["output_fps"] = std::to_string(kOutputFps);
  st.metadata["channel_order"] = channel_order_json();
  st.metadata["emotions"] = emotion_list_json();
  st.metadata["anchors_version"] = m.anchors_version;
  st.metadata["stage"] = m.stage;
  return st;
}

void write_model(const std::string& path, const ModelFile& m) { write_safetensors(path, with_metadata(m)); }

ModelFile parse_model(std::string_view bytes, const std::string& what) {
  ModelFile m;
  m.weights = parse_safetensors(bytes, what);
  const auto& md = m.weights.metadata;
  auto get = [&](const std::string& key) -> const std::string& {
    auto it = md.find(key);
    if (it == md.end()) throw Error(what + ": __metadata__." + key + " is missing (not an emosync model?)");
    return it->second;
  };
  if (get("format") != "emosync-model") throw Error(what + ": __metadata__.format is not emosync-model");
  if (get("format_version") != std::to_string(kFormatVersion))
    throw Error(what + ": __metadata__.format_version is " + get("format_version") + ", this build reads " +
                std::to_string(kFormatVersion));
  io::Json arch = io::parse_json(get("architecture"), what + ": __metadata__.architecture");
  m.arch = Architecture::from_json(arch, what);
  if (get("channel_order") != channel_order_json())
    throw Error(what + ": __metadata__.channel_order differs from the canonical ARKit order");
  if (get("emotions") != emotion_list_json())
    throw Error(what + ": __metadata__.emotions differs from this build's emotion list");
  if (get("feature_config") != feature_config_json(m.arch.n_mels))
    throw Error(what + ": __metadata__.feature_config differs from " + feature_config_json(m.arch.n_mels));
  // The runtime resamples the encoder to exactly kOutputFps; a file trained for another
  // rate would play at the wrong speed.
  if (get("output_fps") != std::to_string(kOutputFps))
    throw Error(what + ": __metadata__.output_fps is '" + get("output_fps") + "', this runtime produces " +
                std::to_string(kOutputFps) + " fps only");
  m.anchors_version = get("anchors_version");
  m.stage = get("stage");
  auto shapes = m.arch.parameter_shapes();
  for (const auto& [name, shape] : shapes) {
    const Tensor& t = m.weights.at(name, what);
    if (t.shape != shape) throw Error(what + ": tensor '" + name + "' has the wrong shape for the architecture");
    for (float v : t.data)
      if (!std::isfinite(v)) throw Error(what + ": tensor '" + name + "' holds a non-finite value");
  }
  if (m.weights.tensors.size() != shapes.size()) {
    // Name a tensor the architecture does not have (e.g. a feature_norm.prior in a file whose
    // architecture says feature_norm none).
    std::string stray;
    for (const auto& [name, t] : m.weights.tensors)
      if (std::none_of(shapes.begin(), shapes.end(), [&n = name](const auto& s) { return s.first == n; })) stray = name;
    throw Error(what + ": " + std::to_string(m.weights.tensors.size()) + " tensors, the architecture has " +
                std::to_string(shapes.size()) + (stray.empty() ? "" : " (it has no '" + stray + "')"));
  }
  return m;
}

ModelFile read_model(const std::string& path) { return parse_model(io::read_file(path), path); }

ModelFile random_model(const Architecture& arch, unsigned seed) {
  ModelFile m;
  m.arch = arch;
  m.anchors_version = "test";
  m.stage = arch.cond_input == ConditioningInput::Base5 ? "base" : "v3";
  std::mt19937 rng(seed);
  for (const auto& [name, shape] : arch.parameter_shapes()) {
    Tensor t;
    t.shape = shape;
    const std::size_t fan_in = shape.size() > 1 ? t.numel() / shape[0] : shape[0];
    std::uniform_real_distribution<float> u(-1.0f / std::sqrt(float(fan_in)), 1.0f / std::sqrt(float(fan_in)));
    t.data.resize(t.numel());
    for (float& v : t.data) v = u(rng);
    m.weights.tensors[name] = std::move(t);
  }
  return m;
}

}  // namespace emosync::model
