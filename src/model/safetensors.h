#pragma once
// safetensors: 8-byte little-endian header length, a JSON header mapping tensor names to
// {dtype, shape, data_offsets} plus "__metadata__" (string -> string), then the raw
// little-endian data. emosync writes and reads F32 only.
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace emosync::model {

struct Tensor {
  std::vector<std::size_t> shape;
  std::vector<float> data;
  std::size_t numel() const;
};

struct SafeTensors {
  std::map<std::string, std::string> metadata;
  std::map<std::string, Tensor> tensors;

  const Tensor& at(const std::string& name, const std::string& what) const;  // throws naming `what`
};

std::string safetensors_bytes(const SafeTensors& st);
// The data section safetensors_bytes writes for `st` (it does not depend on the metadata),
// for a checksum stored in the metadata.
std::string safetensors_data(const SafeTensors& st);
void write_safetensors(const std::string& path, const SafeTensors& st);  // atomic
// Validates sizes, offsets (in bounds, no gap or overlap), dtypes and shapes; every problem
// is an emosync::Error naming `what`. `data_section`, when given, is set to the raw tensor
// bytes inside `bytes` (for a checksum over them).
SafeTensors parse_safetensors(std::string_view bytes, const std::string& what,
                              std::string_view* data_section = nullptr);
SafeTensors read_safetensors(const std::string& path);

}  // namespace emosync::model
