#include "export/text.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>

namespace emosync::exporter::text {

void put_float(std::string& out, float v) {
  // Six significant digits are enough for most values; climb only when needed.
  for (int prec = 6; prec <= 9; ++prec) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*g", prec, static_cast<double>(v));
    if (prec == 9 || std::strtof(buf, nullptr) == v) {
      out += buf;
      return;
    }
  }
}

std::string base64(std::string_view bytes) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8 |
                 static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += kAlphabet[v >> 6 & 63];
    out += kAlphabet[v & 63];
  }
  std::size_t rest = bytes.size() - i;
  if (rest) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += rest == 2 ? kAlphabet[v >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string lower_file_name(const std::string& path) {
  std::size_t slash = path.find_last_of('/');
  return lower(slash == std::string::npos ? path : path.substr(slash + 1));
}

}  // namespace emosync::exporter::text
