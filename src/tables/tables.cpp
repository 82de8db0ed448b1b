#include "tables/tables.h"

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string_view>

#include "io/atomic_file.h"
#include "io/error.h"

namespace emosync::embedded {
std::optional<std::string_view> data_tables(std::string_view key);
}

namespace emosync::tables {

std::string read(const std::string& key) {
  const char* dir = std::getenv("EMOSYNC_DATA_DIR");
  if (dir && *dir && key.rfind("data/", 0) == 0) {
    std::string path = std::string(dir) + "/" + key.substr(5);
    if (std::filesystem::exists(path)) return io::read_file(path);
  }
  if (auto bytes = embedded::data_tables(key)) return std::string(*bytes);
  throw Error(key + ": no such data table (not embedded in this build)");
}

io::Json read_json(const std::string& key) { return io::parse_json(read(key), key); }

std::string read_file_or_table(const std::string& path_or_key) {
#ifndef __EMSCRIPTEN__
  if (std::filesystem::is_regular_file(path_or_key)) return io::read_file(path_or_key);
#endif
  // The WebAssembly build has no filesystem (-sFILESYSTEM=0): its stat and open stubs
  // report success with whatever was on the stack, so asking could "find" a file and
  // crash reading it. Only the embedded tables exist there.
  return read(path_or_key);
}

io::Json read_json_file_or_table(const std::string& path_or_key) {
  return io::parse_json(read_file_or_table(path_or_key), path_or_key);
}

}  // namespace emosync::tables
