// NPY: features, conditioning and animations come in as .npy files.
#include "fuzz_input.h"
#include "io/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace emosync;
  return fuzz::run(data, size, [](const std::string& bytes) {
    const io::NpyArray a = io::parse_npy(bytes, "fuzz.npy");
    std::size_t n = 1;
    for (std::size_t d : a.shape) n *= d;
    fuzz::expect(a.data.size() == n, "NPY data holds the product of its shape");
  });
}
