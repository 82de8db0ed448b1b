// safetensors files: the container (header, offsets, dtypes, shapes) and the emosync
// model file on top of it (metadata, architecture, tensor shapes), as `--model` reads them.
#include "fuzz_input.h"
#include "model/model_file.h"
#include "model/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace emosync;
  return fuzz::run(data, size, [](const std::string& bytes) {
    const model::SafeTensors st = model::parse_safetensors(bytes, "fuzz.safetensors");
    for (const auto& [name, t] : st.tensors)
      fuzz::expect(t.data.size() == t.numel(), "a tensor holds the product of its shape");
    model::parse_model(bytes, "fuzz.safetensors");
  });
}
