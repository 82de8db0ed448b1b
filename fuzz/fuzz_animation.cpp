// Animation files as `emosync convert` reads them: JSON {fps, names, frames}, CSV (52
// named columns, or a Live Link Face export) and NPY, chosen by the file name. The first
// input byte picks the name, the rest is the file's bytes, parsed in memory by
// parse_any_animation (what read_any_animation runs on the file).
#include <cmath>

#include "arkit/blendshapes.h"
#include "export/formats.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace emosync;
  if (size == 0) return 0;
  static const std::string kNames[] = {"input.json", "input.csv", "input.llf.csv", "input.npy"};
  const std::string& name = kNames[data[0] % 4];
  return fuzz::run(data + 1, size - 1, [&](const std::string& bytes) {
    const exporter::Animation a = exporter::parse_any_animation(bytes, name, 30);
    fuzz::expect(a.data.size() == a.frames * arkit::kCount, "an animation holds frames x 52 values");
    fuzz::expect(std::isfinite(a.fps) && a.fps > 0, "an animation's fps is a positive number");
  });
}
