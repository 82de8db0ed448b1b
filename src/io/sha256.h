#pragma once
// SHA-256 (FIPS 180-4), for manifest checksums and pinned data files.
#include <string>
#include <string_view>

namespace emosync::io {

std::string sha256_hex(std::string_view bytes);

}  // namespace emosync::io
