#include "io/json_file.h"

#include <cmath>
#include <sstream>

#include "io/atomic_file.h"
#include "io/error.h"

namespace emosync::io {

std::string line_col(const std::string& text, std::size_t offset) {
  std::size_t line = 1, col = 1;
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

Json parse_json(const std::string& text, const std::string& what) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    // nlohmann reports the byte just past the offending token.
    std::size_t at = e.byte > 0 ? e.byte - 1 : 0;
    std::string msg = e.what();
    auto p = msg.find("parse error");
    throw Error(what + ":" + line_col(text, at) + ": invalid JSON: " + (p == std::string::npos ? msg : msg.substr(p)));
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
