#pragma once
// NumPy .npy (format 1.0): float32, little-endian, C order. Used for features,
// conditioning, targets and animations so Python tools open them directly.
#include <cstddef>
#include <string>
#include <vector>

namespace emosync::io {

struct NpyArray {
  std::vector<std::size_t> shape;
  std::vector<float> data;  // row-major
  std::size_t rows() const { return shape.empty() ? 0 : shape[0]; }
  std::size_t cols() const { return shape.size() < 2 ? 1 : shape[1]; }
};

std::string npy_bytes(const float* data, const std::vector<std::size_t>& shape);
void write_npy(const std::string& path, const float* data, const std::vector<std::size_t>& shape);
inline void write_npy(const std::string& path, const NpyArray& a) { write_npy(path, a.data.data(), a.shape); }

// Reads float32 (<f4) or float64 (<f8, converted) arrays; `what` names the source in errors.
NpyArray parse_npy(const std::string& bytes, const std::string& what);
NpyArray read_npy(const std::string& path);

}  // namespace emosync::io
