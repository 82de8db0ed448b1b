#include "io/json_file.h"

#include <climits>
#include <cmath>
#include <cstdint>
#include <sstream>

#include "io/atomic_file.h"
#include "io/error.h"
#include "io/printable.h"

namespace emosync::io {

std::string line_col(std::string_view text, std::size_t offset, std::size_t first_line) {
  std::size_t line = first_line, col = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return std::to_string(line) + ":" + std::to_string(col);
}

namespace {

// Json::parse reports a number beyond double's range (1e309: out_of_range 406)
// without a position. On that rare error a second pass through the SAX interface,
// which is told the position, finds it.
class ErrorPosition : public Json::json_sax_t {
 public:
  std::size_t offset = 0;  // where the offending token starts

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t position, const std::string& token, const Json::exception&) override {
    offset = position >= token.size() ? position - token.size() : 0;
    return false;
  }
};

// nlohmann parses iteratively, but copying or printing a value recurses once per
// level: a file of a million '[' would overflow the stack there. Returns the offset
// of the first bracket deeper than kJsonMaxDepth, or npos.
std::size_t too_deep(std::string_view text) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kJsonMaxDepth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

}  // namespace

Json parse_json(std::string_view text, const std::string& what, std::size_t first_line) {
  if (std::size_t at = too_deep(text); at != std::string_view::npos)
    throw Error(what + ":" + line_col(text, at, first_line) + ": invalid JSON: nested deeper than " +
                std::to_string(kJsonMaxDepth) + " levels");
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    // nlohmann reports the byte just past the offending token.
    std::size_t at = e.byte > 0 ? e.byte - 1 : 0;
    std::string msg = e.what();
    auto p = msg.find("parse error");
    throw Error(what + ":" + line_col(text, at, first_line) + ": invalid JSON: " + (p == std::string::npos ? msg : msg.substr(p)));
  } catch (const Json::out_of_range&) {
    ErrorPosition where;
    Json::sax_parse(text, &where);
    std::size_t end = where.offset;
    while (end < text.size() && std::string_view("+-.0123456789eE").find(text[end]) != std::string_view::npos) ++end;
    throw Error(what + ":" + line_col(text, where.offset, first_line) + ": number " +
                printable(text.substr(where.offset, end - where.offset)) +
                " is out of range (JSON numbers here must fit a double, |x| < 1.8e308)");
  }
}

Json load_json_file(const std::string& path) { return parse_json(read_file(path), path); }

void JsonNode::fail(const std::string& msg) const { throw Error(where() + ": " + msg); }

JsonNode JsonNode::operator[](const std::string& key) const {
  if (!j_->is_object()) fail("expected an object");
  auto it = j_->find(key);
  std::string p = path_.empty() ? key : path_ + "." + key;
  if (it == j_->end()) throw Error(file_ + ": " + p + ": missing");
  return JsonNode(*it, file_, p);
}

JsonNode JsonNode::operator[](std::size_t i) const {
  if (!j_->is_array()) fail("expected an array");
  if (i >= j_->size()) fail("index " + std::to_string(i) + " out of range");
  return JsonNode((*j_)[i], file_, path_ + "[" + std::to_string(i) + "]");
}

JsonNode JsonNode::child(const std::string& key, const Json& value) const {
  return JsonNode(value, file_, path_.empty() ? key : path_ + "." + key);
}

std::size_t JsonNode::size() const {
  if (!j_->is_array() && !j_->is_object()) fail("expected an array or object");
  return j_->size();
}

double JsonNode::number() const {
  if (!j_->is_number()) fail("expected a number, got " + std::string(j_->type_name()));
  double v = j_->get<double>();
  if (!std::isfinite(v)) fail("not a finite number");
  return v;
}

double JsonNode::number_in(double lo, double hi) const {
  double v = number();
  if (v < lo || v > hi) {
    std::ostringstream s;
    s << "value " << v << " out of range [" << lo << ", " << hi << "]";
    fail(s.str());
  }
  return v;
}

int JsonNode::integer() const {
  if (!j_->is_number_integer()) fail("expected an integer, got " + std::string(j_->type_name()));
  // get<int>() would wrap 3000000000 silently.
  if (j_->is_number_unsigned() ? j_->get<std::uint64_t>() > INT_MAX
                               : j_->get<std::int64_t>() < INT_MIN || j_->get<std::int64_t>() > INT_MAX)
    fail("integer " + j_->dump() + " out of range");
  return j_->get<int>();
}

std::string JsonNode::string() const {
  if (!j_->is_string()) fail("expected a string, got " + std::string(j_->type_name()));
  return j_->get<std::string>();
}

const Json& JsonNode::object() const {
  if (!j_->is_object()) fail("expected an object, got " + std::string(j_->type_name()));
  return *j_;
}

const Json& JsonNode::array() const {
  if (!j_->is_array()) fail("expected an array, got " + std::string(j_->type_name()));
  return *j_;
}

}  // namespace emosync::io
