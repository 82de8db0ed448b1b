// Animation files as `emosync convert` reads them: JSON {fps, names, frames}, CSV (52
// named columns, or a Live Link Face export) and NPY, chosen by the file name. The first
// input byte picks the format, the rest is the file. read_any_animation takes a path only,
// so the bytes go through a temp file for now.
#include <cmath>

#include "arkit/blendshapes.h"
#include "export/formats.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace emosync;
  if (size == 0) return 0;
  static const char* const kSuffix[] = {".json", ".csv", ".llf.csv", ".npy"};
  static fuzz::InputFile files[] = {fuzz::InputFile(kSuffix[0]), fuzz::InputFile(kSuffix[1]),
                                    fuzz::InputFile(kSuffix[2]), fuzz::InputFile(kSuffix[3])};
  fuzz::InputFile& file = files[data[0] % 4];
  return fuzz::run(data + 1, size - 1, [&](const std::string& bytes) {
    const exporter::Animation a = exporter::read_any_animation(file.write(bytes), 30);
    fuzz::expect(a.data.size() == a.frames * arkit::kCount, "an animation holds frames x 52 values");
    fuzz::expect(std::isfinite(a.fps) && a.fps > 0, "an animation's fps is a positive number");
  });
}
