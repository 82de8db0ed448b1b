#pragma once
// The text-emotion weights file: a safetensors file (model/safetensors.h, the same reader
// and writer as the face model) whose "__metadata__" carries {format, version, config...,
// crc32}. On top of the safetensors checks (header length, JSON, dtypes, shapes, offsets
// in bounds without gap or overlap) loading checks the format, the version and the CRC-32
// of the data, so a truncated or damaged file fails with a message naming the file and
// what is wrong.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "model/safetensors.h"

namespace emosync::textemotion {

using Tensor = model::Tensor;

struct WeightsFile {
  std::map<std::string, std::string> metadata;
  std::map<std::string, Tensor> tensors;

  static WeightsFile from_bytes(std::string_view bytes, const std::string& what);
  static WeightsFile load(const std::string& path);
  std::string to_bytes() const;  // sets crc32 and format metadata itself
  void save(const std::string& path) const;  // atomic

  // Required tensor with the given shape; throws naming `what`, the tensor and the shapes.
  const Tensor& get(const std::string& name, const std::vector<std::int64_t>& shape, const std::string& what) const;
  // Required integer metadata value.
  int meta_int(const std::string& key, const std::string& what) const;
};

std::uint32_t crc32(std::string_view bytes);

constexpr const char* kWeightsFormat = "emosync-textemotion";
constexpr int kWeightsVersion = 1;

}  // namespace emosync::textemotion
