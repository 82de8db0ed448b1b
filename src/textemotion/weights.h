#pragma once
// The text-emotion weights file: safetensors (ARCHITECTURE.md §6) — an 8-byte
// little-endian header length, a JSON header {name: {dtype, shape, data_offsets}} with
// "__metadata__" {format, version, config..., crc32}, then the raw little-endian F32
// tensors. Loading checks the header length, JSON, dtypes, shapes, offsets (in bounds,
// non-overlapping, covering the data) and the CRC-32 of the data, so a truncated or
// damaged file fails with a message naming the file and what is wrong.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace emosync::textemotion {

struct Tensor {
  std::vector<std::int64_t> shape;
  std::vector<float> data;
  std::int64_t numel() const;
};

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
