#pragma once
// The emosync model file: safetensors whose metadata carries the architecture, feature
// config, channel order, emotion list, anchors version and format version.
#include <string>
#include <string_view>

#include "model/architecture.h"
#include "model/safetensors.h"

namespace emosync::model {

struct ModelFile {
  Architecture arch;
  SafeTensors weights;  // names and shapes match arch.parameter_shapes()
  std::string anchors_version;
  std::string stage;  // "base" or "v3"
};

// Fills the metadata; `weights.tensors` must already hold the parameters.
SafeTensors with_metadata(const ModelFile& m);
void write_model(const std::string& path, const ModelFile& m);
// From memory (a file's bytes, the embedded model, the C API's model_data); `what` names
// the source in every error. Checks format version, feature config, output fps, channel
// order, emotion list, every tensor's shape and that every weight is finite.
ModelFile parse_model(std::string_view bytes, const std::string& what);
ModelFile read_model(const std::string& path);

// Weights drawn uniformly from ±1/sqrt(fan_in) (tests and benchmarks).
ModelFile random_model(const Architecture& arch, unsigned seed);

}  // namespace emosync::model
