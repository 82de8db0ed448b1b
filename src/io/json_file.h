#pragma once
// JSON data tables with errors a person can act on: a syntax error names
// file:line:column, a content error names the file and the field path
// (e.g. "data/presets/presets.json: presets[3].weights.jawOpen: must be in [0, 1]").
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace emosync::io {

using Json = nlohmann::json;

// Deeper nesting than this is refused (no emosync file comes near it).
constexpr std::size_t kJsonMaxDepth = 512;

// Parses `text`; `what` (a path or key) prefixes every error, and a syntax error, a
// number beyond double's range (1e309) or nesting beyond kJsonMaxDepth adds
// "line:column". Lines count from first_line: a caller parsing line 7 of a JSONL
// file passes (line, path, 7) and gets "path:7:column".
Json parse_json(std::string_view text, const std::string& what, std::size_t first_line = 1);
Json load_json_file(const std::string& path);

// Converts a byte offset of `text` into "line:column" (1-based; lines from first_line).
std::string line_col(std::string_view text, std::size_t offset, std::size_t first_line = 1);

// A JSON value together with where it came from, for precise errors.
class JsonNode {
 public:
  JsonNode(const Json& j, std::string file, std::string path = "")
      : j_(&j), file_(std::move(file)), path_(std::move(path)) {}

  const Json& json() const { return *j_; }
  const std::string& path() const { return path_; }
  std::string where() const { return file_ + ": " + (path_.empty() ? "(top level)" : path_); }
  [[noreturn]] void fail(const std::string& msg) const;

  bool has(const std::string& key) const { return j_->is_object() && j_->contains(key); }
  JsonNode operator[](const std::string& key) const;  // required member
  JsonNode operator[](std::size_t i) const;            // array element
  std::size_t size() const;                            // array or object size; fails otherwise

  double number() const;
  double number_in(double lo, double hi) const;
  std::string string() const;
  int integer() const;
  const Json& object() const;
  const Json& array() const;
  JsonNode child(const std::string& key, const Json& value) const;  // for object iteration

 private:
  const Json* j_;
  std::string file_;
  std::string path_;
};

}  // namespace emosync::io
