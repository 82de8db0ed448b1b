#include "textemotion/weights.h"

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

#include "io/atomic_file.h"
#include "io/error.h"

namespace emosync::textemotion {

std::int64_t Tensor::numel() const {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

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
  auto fail = [&](const std::string& msg) -> void { throw Error(what + ": " + msg); };
  if (bytes.size() < 8) fail("truncated: " + std::to_string(bytes.size()) + " bytes, no safetensors header");
  std::uint64_t hlen = 0;
  for (int i = 0; i < 8; ++i) hlen |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
  if (hlen > bytes.size() - 8)
    fail("truncated or not a safetensors file: header length " + std::to_string(hlen) + " exceeds file size " +
         std::to_string(bytes.size()));
  nlohmann::json h;
  try {
    h = nlohmann::json::parse(bytes.substr(8, hlen));
  } catch (const std::exception& e) {
    fail(std::string("header is not valid JSON: ") + e.what());
  }
  if (!h.is_object()) fail("header is not a JSON object");
  WeightsFile w;
  std::string_view data = bytes.substr(8 + hlen);
  if (!h.contains("__metadata__") || !h["__metadata__"].is_object()) fail("header has no __metadata__ object");
  for (auto it = h["__metadata__"].begin(); it != h["__metadata__"].end(); ++it) {
    if (!it.value().is_string()) fail("__metadata__." + it.key() + ": must be a string");
    w.metadata[it.key()] = it.value().get<std::string>();
  }
  if (w.metadata["format"] != kWeightsFormat)
    fail("__metadata__.format is '" + w.metadata["format"] + "', expected '" + kWeightsFormat + "'");
  if (w.metadata["version"] != std::to_string(kWeightsVersion))
    fail("__metadata__.version is '" + w.metadata["version"] + "', this build reads version " +
         std::to_string(kWeightsVersion));
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  for (auto it = h.begin(); it != h.end(); ++it) {
    if (it.key() == "__metadata__") continue;
    const std::string f = "tensor '" + it.key() + "': ";
    const auto& v = it.value();
    if (!v.is_object() || !v.contains("dtype") || !v.contains("shape") || !v.contains("data_offsets"))
      fail(f + "needs dtype, shape and data_offsets");
    if (v["dtype"] != "F32") fail(f + "dtype " + v["dtype"].dump() + " is not supported (F32 only)");
    Tensor t;
    std::uint64_t n = 1;
    for (const auto& d : v["shape"]) {
      if (!d.is_number_integer() || d.get<std::int64_t>() < 0) fail(f + "bad shape " + v["shape"].dump());
      t.shape.push_back(d.get<std::int64_t>());
      n *= static_cast<std::uint64_t>(t.shape.back());
    }
    const auto& off = v["data_offsets"];
    if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
      fail(f + "data_offsets must be two non-negative integers");
    std::uint64_t b = off[0], e = off[1];
    if (b > e || e > data.size())
      fail(f + "data_offsets [" + std::to_string(b) + ", " + std::to_string(e) + "] outside the data (" +
           std::to_string(data.size()) + " bytes; file truncated?)");
    if (e - b != n * 4) fail(f + "shape " + v["shape"].dump() + " needs " + std::to_string(n * 4) + " bytes, offsets give " + std::to_string(e - b));
    t.data.resize(n);
    if (n) std::memcpy(t.data.data(), data.data() + b, n * 4);
    ranges.emplace_back(b, e);
    w.tensors.emplace(it.key(), std::move(t));
  }
  std::sort(ranges.begin(), ranges.end());
  std::uint64_t pos = 0;
  for (auto& r : ranges) {
    if (r.first != pos) fail("tensor data has a gap or overlap at byte " + std::to_string(pos));
    pos = r.second;
  }
  if (pos != data.size()) fail("data section is " + std::to_string(data.size()) + " bytes, tensors cover " + std::to_string(pos));
  auto crc = w.metadata.find("crc32");
  if (crc == w.metadata.end()) fail("__metadata__ has no crc32");
  if (crc->second != std::to_string(crc32(data)))
    fail("CRC-32 mismatch (file damaged): stored " + crc->second + ", computed " + std::to_string(crc32(data)));
  return w;
}

std::string WeightsFile::to_bytes() const {
  std::string data;
  nlohmann::json h = nlohmann::json::object();
  for (const auto& [name, t] : tensors) {
    if (static_cast<std::int64_t>(t.data.size()) != t.numel()) throw Error("tensor '" + name + "': data size does not match shape");
    std::uint64_t b = data.size();
    data.append(reinterpret_cast<const char*>(t.data.data()), t.data.size() * 4);
    h[name] = {{"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {b, static_cast<std::uint64_t>(data.size())}}};
  }
  nlohmann::json meta = nlohmann::json::object();
  for (const auto& [k, v] : metadata) meta[k] = v;
  meta["format"] = kWeightsFormat;
  meta["version"] = std::to_string(kWeightsVersion);
  meta["crc32"] = std::to_string(crc32(data));
  h["__metadata__"] = meta;
  std::string header = h.dump();
  while ((header.size() + 8) % 8) header += ' ';  // align the data for mmap-friendly readers
  std::string out(8, '\0');
  std::uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  return out + header + data;
}

void WeightsFile::save(const std::string& path) const { io::write_file_atomic(path, to_bytes()); }

const Tensor& WeightsFile::get(const std::string& name, const std::vector<std::int64_t>& shape, const std::string& what) const {
  auto it = tensors.find(name);
  if (it == tensors.end()) throw Error(what + ": missing tensor '" + name + "'");
  if (it->second.shape != shape) {
    auto str = [](const std::vector<std::int64_t>& s) { return nlohmann::json(s).dump(); };
    throw Error(what + ": tensor '" + name + "' has shape " + str(it->second.shape) + ", expected " + str(shape));
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
