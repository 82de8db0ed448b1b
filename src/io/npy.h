#pragma once
// NumPy .npy (format 1.0): float32, little-endian, C order. Used for features,
// conditioning, targets and animations so Python tools open them directly.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace emosync::io {

struct NpyArray {
  std::vector<std::size_t> shape;
  std::vector<float> data;  // row-major
  std::size_t rows() const { return shape.empty() ? 0 : shape[0]; }
  std::size_t cols() const { return shape.size() < 2 ? 1 : shape[1]; }
};

// Limits of the reader. numpy itself refuses headers over 10000 bytes unless told
// otherwise (np.load's max_header_size); emosync writes ~120.
constexpr std::size_t kNpyMaxHeaderBytes = 10000;
constexpr std::size_t kNpyMaxDims = 32;

std::string npy_bytes(const float* data, const std::vector<std::size_t>& shape);
void write_npy(const std::string& path, const float* data, const std::vector<std::size_t>& shape);
inline void write_npy(const std::string& path, const NpyArray& a) { write_npy(path, a.data.data(), a.shape); }

// Every array emosync reads (features, conditioning, targets, animations) feeds
// arithmetic, where one NaN spreads silently: by default the readers refuse it.
enum class NpyValues { Finite, Any };

// Reads float32 (<f4) or float64 (<f8, converted; a value beyond float32's range is
// an error) arrays. The header is parsed by hand (no regex, checked arithmetic); the
// data must be exactly as long as the shape says. `what` names the source in errors.
NpyArray parse_npy(std::string_view bytes, const std::string& what, NpyValues values = NpyValues::Finite);
NpyArray read_npy(const std::string& path, NpyValues values = NpyValues::Finite);

// Throws "<what>: non-finite value nan at [r, c]" for the first NaN/Inf of `data`
// (`shape` gives the index; row-major).
void require_finite(const float* data, const std::vector<std::size_t>& shape, const std::string& what);
inline void require_finite(const NpyArray& a, const std::string& what) { require_finite(a.data.data(), a.shape, what); }

}  // namespace emosync::io
