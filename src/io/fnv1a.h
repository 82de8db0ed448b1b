#pragma once
// 64-bit FNV-1a: a fast, stable, non-cryptographic hash for bucketing (data set shards,
// hashed n-gram features). Stable across platforms and releases: shard assignment and
// shipped feature buckets depend on it. Fed byte by byte, so callers can hash pieces
// (a prefix, then a substring) without building a string.
#include <cstdint>
#include <string_view>

namespace emosync::io {

struct Fnv1a64 {
  std::uint64_t h = 0xcbf29ce484222325ull;
  Fnv1a64& add(unsigned char b) {
    h = (h ^ b) * 0x100000001b3ull;
    return *this;
  }
  Fnv1a64& add(std::string_view s) {
    for (char c : s) add(static_cast<unsigned char>(c));
    return *this;
  }
};

inline std::uint64_t fnv1a64(std::string_view s) { return Fnv1a64().add(s).h; }

}  // namespace emosync::io
