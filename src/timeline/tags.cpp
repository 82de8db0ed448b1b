#include <cctype>
#include <cmath>
#include <cstdlib>

#include "emotion/classes.h"
#include "io/error.h"
#include "io/printable.h"
#include "timeline/timeline.h"

namespace emosync::timeline {
namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string trim(const std::string& s) {
  std::size_t a = 0, b = s.size();
  while (a < b && is_space(s[a])) ++a;
  while (b > a && is_space(s[b - 1])) --b;
  return s.substr(a, b - a);
}

std::vector<std::string> split_words(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (is_space(c)) {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

[[noreturn]] void fail(std::size_t line, std::size_t col, const std::string& msg) {
  throw Error("line " + std::to_string(line) + ", column " + std::to_string(col) + ": " + msg);
}

// "80", "80.5", " 60 " -> value in [0, 100]; nothing else.
bool parse_intensity(const std::string& raw, float* out) {
  std::string s = trim(raw);
  if (s.empty() || s.size() > 12) return false;
  int dots = 0;
  for (char c : s) {
    if (c == '.') {
      ++dots;
    } else if (!std::isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  if (dots > 1 || s == ".") return false;
  double v = std::strtod(s.c_str(), nullptr);
  if (!(v >= 0 && v <= 100)) return false;
  *out = static_cast<float>(v);
  return true;
}

}  // namespace

std::vector<Segment> parse_tagged(const std::string& text) {
  std::vector<Segment> segs;
  Segment cur;  // leading neutral text
  cur.emotion = emotion::kNeutral;
  cur.intensity = 0;
  std::string raw;
  bool tagged = false;
  std::size_t line = 1, col = 1;
  auto advance = [&](char c) {
    if (c == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  };
  auto close_segment = [&] {
    cur.text = trim(raw);
    segs.push_back(cur);
    raw.clear();
  };
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == ']') fail(line, col, "']' without a matching '['");
    if (c != '[') {
      raw += c;
      advance(c);
      ++i;
      continue;
    }
    const std::size_t tag_line = line, tag_col = col;
    std::size_t j = i + 1;
    while (j < text.size() && text[j] != ']' && text[j] != '[' && text[j] != '\n') ++j;
    if (j >= text.size() || text[j] != ']')
      fail(tag_line, tag_col, "unclosed '[': a tag is [name] or [name:0-100] on one line");
    std::string body = text.substr(i + 1, j - i - 1);
    std::size_t colon = body.find(':');
    std::string name = trim(body.substr(0, colon));
    if (name.empty()) fail(tag_line, tag_col + 1, "empty emotion name; valid: " + emotion::valid_names_text());
    auto cls = emotion::find(name);
    if (!cls) fail(tag_line, tag_col + 1, "unknown emotion '" + io::printable(name) + "'; valid: " + emotion::valid_names_text());
    float intensity = kDefaultIntensity;
    if (colon != std::string::npos) {
      std::string num = body.substr(colon + 1);
      if (!parse_intensity(num, &intensity))
        fail(tag_line, tag_col + 1 + colon + 1,
             "bad intensity '" + io::printable(trim(num)) + "' for " + name + ": expected a number from 0 to 100");
    }
    if (tagged || !trim(raw).empty()) close_segment();
    raw.clear();
    tagged = true;
    cur = Segment{};
    cur.emotion = *cls;
    cur.intensity = intensity;
    cur.line = tag_line;
    cur.column = tag_col;
    for (std::size_t k = i; k <= j; ++k) advance(text[k]);
    i = j + 1;
  }
  close_segment();
  std::size_t word = 0;
  for (auto& s : segs) {
    s.first_word = word;
    s.word_count = split_words(s.text).size();
    word += s.word_count;
  }
  return segs;
}

std::vector<std::string> words_of(const std::vector<Segment>& segments) {
  std::vector<std::string> out;
  for (const auto& s : segments)
    for (auto& w : split_words(s.text)) out.push_back(std::move(w));
  return out;
}

}  // namespace emosync::timeline
