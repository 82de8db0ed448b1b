#include "model/safetensors.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

#include "io/atomic_file.h"
#include "io/error.h"
#include "io/json_file.h"

namespace emosync::model {

std::size_t Tensor::numel() const {
  std::size_t n = 1;
  for (auto s : shape) n *= s;
  return n;
}

const Tensor& SafeTensors::at(const std::string& name, const std::string& what) const {
  auto it = tensors.find(name);
  if (it == tensors.end()) throw Error(what + ": missing tensor '" + name + "'");
  return it->second;
}

namespace {
// Limits of one tensor: 2^28 floats (1 GiB) and 8 dimensions; emosync's largest is far below.
constexpr std::uint64_t kMaxElements = std::uint64_t{1} << 28;
constexpr std::size_t kMaxRank = 8;

void put_le32(std::string& out, float v) {
  std::uint32_t u;
  std::memcpy(&u, &v, 4);
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
}
float get_le32(const unsigned char* p) {
  std::uint32_t u = static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
                    static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
  float v;
  std::memcpy(&v, &u, 4);
  return v;
}
}  // namespace

std::string safetensors_data(const SafeTensors& st) {
  std::string out;
  for (const auto& [name, t] : st.tensors) {
    if (t.data.size() != t.numel()) throw Error("safetensors: tensor '" + name + "' has data not matching its shape");
    for (float v : t.data) put_le32(out, v);
  }
  return out;
}

std::string safetensors_bytes(const SafeTensors& st) {
  const std::string data = safetensors_data(st);  // checks every tensor's size first
  io::Json header = io::Json::object();
  std::size_t offset = 0;
  for (const auto& [name, t] : st.tensors) {
    header[name] = {{"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {offset, offset + 4 * t.numel()}}};
    offset += 4 * t.numel();
  }
  io::Json meta = io::Json::object();
  for (const auto& [k, v] : st.metadata) meta[k] = v;
  header["__metadata__"] = meta;
  std::string h = header.dump();
  while ((h.size() + 8) % 8) h.push_back(' ');  // align the data to 8 bytes
  std::string out;
  out.reserve(8 + h.size() + data.size());
  std::uint64_t n = h.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  out += h;
  out += data;
  return out;
}

void write_safetensors(const std::string& path, const SafeTensors& st) {
  io::write_file_atomic(path, safetensors_bytes(st));
}

SafeTensors parse_safetensors(std::string_view bytes, const std::string& what, std::string_view* data_section) {
  auto fail = [&](const std::string& msg) -> void { throw Error(what + ": not a valid safetensors file: " + msg); };
  if (bytes.size() < 8) fail("truncated: shorter than the 8-byte header length (" + std::to_string(bytes.size()) + " bytes)");
  const auto* u = reinterpret_cast<const unsigned char*>(bytes.data());
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | u[i];
  if (n > bytes.size() - 8 || n > (100u << 20))
    fail("header length " + std::to_string(n) + " exceeds the file (" + std::to_string(bytes.size()) + " bytes)");
  io::Json header;
  try {
    header = io::parse_json(bytes.substr(8, n), "header");
  } catch (const Error& e) {
    fail(e.what());
  }
  if (!header.is_object()) fail("header is not a JSON object");
  const std::size_t data_size = bytes.size() - 8 - n;
  const unsigned char* data = u + 8 + n;
  SafeTensors st;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  for (auto it = header.begin(); it != header.end(); ++it) {
    const std::string& name = it.key();
    const io::Json& v = it.value();
    if (name == "__metadata__") {
      if (!v.is_object()) fail("__metadata__ is not an object");
      for (auto m = v.begin(); m != v.end(); ++m) {
        if (!m.value().is_string()) fail("__metadata__." + m.key() + " is not a string");
        st.metadata[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    std::string where = "tensor '" + name + "'";
    if (!v.is_object() || !v.contains("dtype") || !v.contains("shape") || !v.contains("data_offsets"))
      fail(where + " lacks dtype, shape or data_offsets");
    if (!v["dtype"].is_string() || v["dtype"].get<std::string>() != "F32")
      fail(where + ": dtype must be F32, got " + v["dtype"].dump());
    Tensor t;
    if (!v["shape"].is_array()) fail(where + ": shape is not an array");
    if (v["shape"].size() > kMaxRank) fail(where + ": shape has more than " + std::to_string(kMaxRank) + " dimensions");
    // In 64 bits and checked before each product: size_t is 32 bits in WebAssembly, where
    // [65536, 65536, 2] would otherwise wrap to 0 elements.
    std::uint64_t numel = 1;
    for (const auto& s : v["shape"]) {
      if (!s.is_number_unsigned() || s.get<std::uint64_t>() > kMaxElements) fail(where + ": bad shape " + v["shape"].dump());
      const std::uint64_t dim = s.get<std::uint64_t>();
      if (dim != 0 && numel > kMaxElements / dim)
        fail(where + ": shape " + v["shape"].dump() + " holds more than " + std::to_string(kMaxElements) + " elements");
      numel *= dim;
      t.shape.push_back(static_cast<std::size_t>(dim));
    }
    const auto& off = v["data_offsets"];
    if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
      fail(where + ": data_offsets must be two unsigned integers");
    std::uint64_t b = off[0].get<std::uint64_t>(), e = off[1].get<std::uint64_t>();
    if (b > e || e > data_size)
      fail(where + ": data_offsets [" + std::to_string(b) + ", " + std::to_string(e) + "] outside the " +
           std::to_string(data_size) + " data bytes (truncated file?)");
    if (e - b != 4 * numel)
      fail(where + ": data_offsets span " + std::to_string(e - b) + " bytes, its shape needs " + std::to_string(4 * numel));
    t.data.resize(static_cast<std::size_t>(numel));
    for (std::size_t i = 0; i < t.data.size(); ++i) t.data[i] = get_le32(data + b + 4 * i);
    ranges.emplace_back(b, e);
    st.tensors.emplace(name, std::move(t));
  }
  std::sort(ranges.begin(), ranges.end());
  std::uint64_t pos = 0;
  for (const auto& [b, e] : ranges) {
    if (b != pos) fail("tensor data has a gap or overlap at byte " + std::to_string(pos));
    pos = e;
  }
  if (pos != data_size) fail("tensors cover " + std::to_string(pos) + " of " + std::to_string(data_size) + " data bytes");
  if (data_section) *data_section = bytes.substr(8 + n);
  return st;
}

SafeTensors read_safetensors(const std::string& path) { return parse_safetensors(io::read_file(path), path); }

}  // namespace emosync::model
