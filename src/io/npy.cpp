#include "io/npy.h"

#include <cstdint>
#include <cstring>
#include <regex>

#include "io/atomic_file.h"
#include "io/error.h"

namespace emosync::io {

std::string npy_bytes(const float* data, const std::vector<std::size_t>& shape) {
  std::string dims;
  std::size_t count = 1;
  for (std::size_t d : shape) {
    dims += std::to_string(d) + ",";
    count *= d;
  }
  if (shape.size() > 1) dims.pop_back();  // (3,) for 1-D, (3,4) otherwise
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
  // Magic (6) + version (2) + header length (2) + header + '\n' must be a multiple of 64.
  std::size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header.push_back('\n');
  std::string out("\x93NUMPY\x01\x00", 8);
  auto hlen = static_cast<std::uint16_t>(header.size());
  out.push_back(static_cast<char>(hlen & 0xff));
  out.push_back(static_cast<char>(hlen >> 8));
  out += header;
  out.append(reinterpret_cast<const char*>(data), count * sizeof(float));
  return out;
}

void write_npy(const std::string& path, const float* data, const std::vector<std::size_t>& shape) {
  write_file_atomic(path, npy_bytes(data, shape));
}

NpyArray parse_npy(const std::string& b, const std::string& what) {
  if (b.size() < 10 || b.compare(0, 6, "\x93NUMPY") != 0) throw Error(what + ": not a .npy file");
  int major = static_cast<unsigned char>(b[6]);
  std::size_t hlen, off;
  if (major == 1) {
    hlen = static_cast<unsigned char>(b[8]) | (static_cast<unsigned char>(b[9]) << 8);
    off = 10;
  } else if (major == 2 || major == 3) {
    if (b.size() < 12) throw Error(what + ": truncated .npy header");
    std::uint32_t h;
    std::memcpy(&h, b.data() + 8, 4);
    hlen = h;
    off = 12;
  } else {
    throw Error(what + ": unsupported .npy version " + std::to_string(major));
  }
  if (b.size() < off + hlen) throw Error(what + ": truncated .npy header");
  std::string header = b.substr(off, hlen);
  std::smatch m;
  if (!std::regex_search(header, m, std::regex("'descr':\\s*'([<|=]?)(f4|f8)'")))
    throw Error(what + ": only float32/float64 .npy arrays are supported (header: " + header + ")");
  bool f8 = m[2] == "f8";
  if (std::regex_search(header, std::regex("'fortran_order':\\s*True")))
    throw Error(what + ": Fortran-ordered arrays are not supported");
  if (!std::regex_search(header, m, std::regex("'shape':\\s*\\(([^)]*)\\)")))
    throw Error(what + ": .npy header has no shape");
  NpyArray a;
  std::string dims = m[1];
  std::size_t count = 1;
  std::regex num("[0-9]+");
  for (auto it = std::sregex_iterator(dims.begin(), dims.end(), num); it != std::sregex_iterator(); ++it) {
    a.shape.push_back(std::stoull(it->str()));
    count *= a.shape.back();
  }
  std::size_t data_off = off + hlen;
  std::size_t need = count * (f8 ? 8 : 4);
  if (b.size() - data_off < need)
    throw Error(what + ": truncated data (" + std::to_string(b.size() - data_off) + " of " +
                std::to_string(need) + " bytes)");
  a.data.resize(count);
  if (f8) {
    for (std::size_t i = 0; i < count; ++i) {
      double v;
      std::memcpy(&v, b.data() + data_off + 8 * i, 8);
      a.data[i] = static_cast<float>(v);
    }
  } else if (count) {
    std::memcpy(a.data.data(), b.data() + data_off, need);
  }
  return a;
}

NpyArray read_npy(const std::string& path) { return parse_npy(read_file(path), path); }

}  // namespace emosync::io
