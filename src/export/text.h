#pragma once
// Small text helpers shared by the writers of this module (not a public API).
#include <string>
#include <string_view>

namespace emosync::exporter::text {

// Appends the shortest decimal text that reads back to the same float.
void put_float(std::string& out, float v);
// RFC 4648 base64 (with padding), for data: URIs.
std::string base64(std::string_view bytes);
std::string lower(std::string s);
// The file name of a path (after the last '/'), lower-cased.
std::string lower_file_name(const std::string& path);

}  // namespace emosync::exporter::text
