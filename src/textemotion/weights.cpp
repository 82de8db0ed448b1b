#include "textemotion/weights.h"

#include <nlohmann/json.hpp>

#include "io/atomic_file.h"
#include "io/error.h"

namespace emosync::textemotion {

std::uint32_t crc32(std::string_view bytes) {
  static const auto table = [] {
    std::vector<std::uint32_t> t(256);
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : bytes) c = table[(c ^ b) & 0xff] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

WeightsFile WeightsFile::load(const std::string& path) { return from_bytes(io::read_file(path), path); }

WeightsFile WeightsFile::from_bytes(std::string_view bytes, const std::string& what) {
  std::string_view data;
  model::SafeTensors st = model::parse_safetensors(bytes, what, &data);
  auto fail = [&](const std::string& msg) { throw Error(what + ": " + msg); };
  WeightsFile w{std::move(st.metadata), std::move(st.tensors)};
  if (w.metadata["format"] != kWeightsFormat)
    fail("__metadata__.format is '" + w.metadata["format"] + "', expected '" + kWeightsFormat + "'");
  if (w.metadata["version"] != std::to_string(kWeightsVersion))
    fail("__metadata__.version is '" + w.metadata["version"] + "', this build reads version " +
         std::to_string(kWeightsVersion));
  auto crc = w.metadata.find("crc32");
  if (crc == w.metadata.end()) fail("__metadata__ has no crc32");
  if (crc->second != std::to_string(crc32(data)))
    fail("CRC-32 mismatch (file damaged): stored " + crc->second + ", computed " + std::to_string(crc32(data)));
  return w;
}

std::string WeightsFile::to_bytes() const {
  model::SafeTensors st{metadata, tensors};
  st.metadata["format"] = kWeightsFormat;
  st.metadata["version"] = std::to_string(kWeightsVersion);
  st.metadata["crc32"] = std::to_string(crc32(model::safetensors_data(st)));
  return model::safetensors_bytes(st);
}

void WeightsFile::save(const std::string& path) const { io::write_file_atomic(path, to_bytes()); }

const Tensor& WeightsFile::get(const std::string& name, const std::vector<std::int64_t>& shape, const std::string& what) const {
  auto it = tensors.find(name);
  if (it == tensors.end()) throw Error(what + ": missing tensor '" + name + "'");
  const std::vector<std::int64_t> have(it->second.shape.begin(), it->second.shape.end());
  if (have != shape) {
    auto str = [](const std::vector<std::int64_t>& s) { return nlohmann::json(s).dump(); };
    throw Error(what + ": tensor '" + name + "' has shape " + str(have) + ", expected " + str(shape));
  }
  return it->second;
}

int WeightsFile::meta_int(const std::string& key, const std::string& what) const {
  auto it = metadata.find(key);
  if (it == metadata.end()) throw Error(what + ": __metadata__ has no '" + key + "'");
  try {
    std::size_t used = 0;
    int v = std::stoi(it->second, &used);
    if (used != it->second.size() || v <= 0) throw std::invalid_argument("x");
    return v;
  } catch (const std::exception&) {
    throw Error(what + ": __metadata__." + key + " must be a positive integer, got '" + it->second + "'");
  }
}

}  // namespace emosync::textemotion
