#include "io/npy.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <utility>

#include "io/atomic_file.h"
#include "io/error.h"
#include "io/printable.h"

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

namespace {

// The header is a Python dict literal, as numpy writes it:
//   {'descr': '<f4', 'fortran_order': False, 'shape': (3, 52), }
// followed by spaces and a newline. This reads exactly that grammar: the three keys,
// once each, in any order, with single- or double-quoted strings.
class HeaderParser {
 public:
  HeaderParser(std::string_view h, const std::string& what) : h_(h), what_(what) {}

  struct Header {
    std::string descr;
    bool fortran_order = false;
    std::vector<std::size_t> shape;
  };

  Header parse() {
    Header out;
    bool has_descr = false, has_order = false, has_shape = false;
    expect('{');
    while (!eat('}')) {
      std::string key = string_literal();
      expect(':');
      auto once = [&](bool& seen) {
        if (seen) fail("key '" + key + "' appears twice");
        seen = true;
      };
      if (key == "descr") {
        once(has_descr);
        out.descr = string_literal();
      } else if (key == "fortran_order") {
        once(has_order);
        out.fortran_order = boolean();
      } else if (key == "shape") {
        once(has_shape);
        out.shape = shape();
      } else {
        fail("unexpected key '" + printable(key) + "'");
      }
      if (!eat(',')) {
        expect('}');
        break;
      }
    }
    skip_space();
    if (at_ != h_.size()) fail("unexpected text after the header dict");
    if (!has_descr || !has_order || !has_shape) fail("the header needs 'descr', 'fortran_order' and 'shape'");
    return out;
  }

 private:
  [[noreturn]] void fail(const std::string& msg) const {
    throw Error(what_ + ": bad .npy header at byte " + std::to_string(at_) + ": " + msg);
  }
  void skip_space() {
    while (at_ < h_.size() && (h_[at_] == ' ' || h_[at_] == '\t' || h_[at_] == '\n' || h_[at_] == '\r')) ++at_;
  }
  bool eat(char c) {
    skip_space();
    if (at_ < h_.size() && h_[at_] == c) return ++at_, true;
    return false;
  }
  void expect(char c) {
    if (!eat(c)) fail(std::string("expected '") + c + "'");
  }
  std::string string_literal() {
    skip_space();
    if (at_ >= h_.size() || (h_[at_] != '\'' && h_[at_] != '"')) fail("expected a quoted string");
    const char quote = h_[at_++];
    std::size_t end = h_.find(quote, at_);
    if (end == std::string_view::npos) fail("unterminated string");
    std::string s(h_.substr(at_, end - at_));
    at_ = end + 1;
    return s;
  }
  bool boolean() {
    skip_space();
    for (auto [word, value] : {std::pair{std::string_view("True"), true}, std::pair{std::string_view("False"), false}})
      if (h_.substr(at_, word.size()) == word) {
        at_ += word.size();
        return value;
      }
    fail("expected True or False");
  }
  // (), (n,), (n, m), (n, m,) ...: non-negative decimal integers that fit size_t.
  std::vector<std::size_t> shape() {
    std::vector<std::size_t> dims;
    expect('(');
    while (!eat(')')) {
      skip_space();
      if (at_ >= h_.size() || h_[at_] < '0' || h_[at_] > '9')
        fail(h_.substr(at_, 1) == "-" ? "negative dimension" : "expected a dimension");
      std::size_t d = 0;
      while (at_ < h_.size() && h_[at_] >= '0' && h_[at_] <= '9') {
        std::size_t digit = static_cast<std::size_t>(h_[at_++] - '0');
        if (d > (SIZE_MAX - digit) / 10) fail("dimension too large");
        d = d * 10 + digit;
      }
      if (dims.size() == kNpyMaxDims) fail("more than " + std::to_string(kNpyMaxDims) + " dimensions");
      dims.push_back(d);
      if (!eat(',')) {
        expect(')');
        break;
      }
    }
    return dims;
  }

  std::string_view h_;
  const std::string& what_;
  std::size_t at_ = 0;
};

// The row-major index of element i, e.g. "[12, 3]".
std::string index_text(std::size_t i, const std::vector<std::size_t>& shape) {
  std::string index;
  for (std::size_t k = shape.size(); k-- > 0;) {
    index = std::to_string(i % shape[k]) + (index.empty() ? "" : ", ") + index;
    i /= shape[k];
  }
  return "[" + index + "]";
}

std::size_t le_uint(std::string_view b, std::size_t at, int bytes) {
  std::size_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(b[at + static_cast<std::size_t>(i)]);
  return v;
}

}  // namespace

NpyArray parse_npy(std::string_view b, const std::string& what, NpyValues values) {
  if (b.size() < 10 || b.substr(0, 6) != "\x93NUMPY") throw Error(what + ": not a .npy file");
  const int major = static_cast<unsigned char>(b[6]);
  if (major < 1 || major > 3) throw Error(what + ": unsupported .npy version " + std::to_string(major));
  // Version 1 has a 2-byte header length, versions 2 and 3 (utf-8 header) a 4-byte one.
  const int len_bytes = major == 1 ? 2 : 4;
  const std::size_t off = 8 + static_cast<std::size_t>(len_bytes);
  if (b.size() < off) throw Error(what + ": truncated .npy header");
  const std::size_t hlen = le_uint(b, 8, len_bytes);
  if (hlen > kNpyMaxHeaderBytes)
    throw Error(what + ": .npy header of " + std::to_string(hlen) + " bytes (the limit is " +
                std::to_string(kNpyMaxHeaderBytes) + ")");
  if (b.size() - off < hlen) throw Error(what + ": truncated .npy header");
  HeaderParser::Header h = HeaderParser(b.substr(off, hlen), what).parse();

  std::string_view type = h.descr;
  if (!type.empty() && (type[0] == '<' || type[0] == '|' || type[0] == '=')) type.remove_prefix(1);
  if (type != "f4" && type != "f8")
    throw Error(what + ": only float32/float64 .npy arrays are supported (descr '" + printable(h.descr) + "')");
  const std::size_t item = type == "f8" ? 8 : 4;
  if (h.fortran_order) throw Error(what + ": Fortran-ordered arrays are not supported");

  // Element and byte counts with overflow checks. Zero dimensions count as 1 here
  // too, so an empty array cannot claim an absurd size in its other dimensions.
  std::size_t count = 1, bound = item;
  for (std::size_t d : h.shape) {
    if (d && bound > SIZE_MAX / d) throw Error(what + ": .npy shape is too large");
    bound *= d ? d : 1;
    count *= d;
  }
  const std::size_t data_off = off + hlen;
  const std::size_t need = count * item, have = b.size() - data_off;
  if (have != need)
    throw Error(what + ": the shape needs " + std::to_string(need) + " bytes of data, the file holds " +
                std::to_string(have));

  NpyArray a;
  a.shape = std::move(h.shape);
  a.data.resize(count);
  if (item == 8) {
    for (std::size_t i = 0; i < count; ++i) {
      double v;
      std::memcpy(&v, b.data() + data_off + 8 * i, 8);
      if (std::isfinite(v) && std::fabs(v) > std::numeric_limits<float>::max()) {
        char text[32];
        std::snprintf(text, sizeof text, "%g", v);
        throw Error(what + ": value " + text + " at " + index_text(i, a.shape) + " is beyond float32's range");
      }
      a.data[i] = static_cast<float>(v);
    }
  } else if (count) {
    std::memcpy(a.data.data(), b.data() + data_off, need);
  }
  if (values == NpyValues::Finite) require_finite(a, what);
  return a;
}

void require_finite(const float* data, const std::vector<std::size_t>& shape, const std::string& what) {
  std::size_t count = 1;
  for (std::size_t d : shape) count *= d;
  for (std::size_t i = 0; i < count; ++i) {
    if (!std::isfinite(data[i]))
      throw Error(what + ": non-finite value " + (std::isnan(data[i]) ? "nan" : data[i] > 0 ? "inf" : "-inf") +
                  " at " + index_text(i, shape));
  }
}

NpyArray read_npy(const std::string& path, NpyValues values) { return parse_npy(read_file(path), path, values); }

}  // namespace emosync::io
