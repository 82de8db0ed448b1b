#include "textemotion/sentences.h"

#include <array>
#include <cctype>

#include "textemotion/input.h"

namespace emosync::textemotion {
namespace {

bool starts_with(std::string_view s, std::size_t i, std::string_view p) { return s.substr(i, p.size()) == p; }

// Closing quotes and brackets that belong to the sentence before them.
std::size_t closer_len(std::string_view s, std::size_t i) {
  static const std::array<std::string_view, 7> kClosers = {"\"", "'", ")", "]", "\xE2\x80\x9D", "\xE2\x80\x99", "\xC2\xBB"};
  for (auto c : kClosers)
    if (starts_with(s, i, c)) return c.size();
  return 0;
}

bool is_abbreviation(std::string_view word) {
  static const std::array<std::string_view, 18> kAbbrev = {"mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs",
                                                           "etc", "e.g", "i.e", "no", "approx", "mt", "inc", "ltd", "co"};
  std::string w;
  for (char c : word) w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (auto a : kAbbrev)
    if (w == a) return true;
  // Single letters: initials ("J. R. R. Tolkien").
  return w.size() == 1 && std::isalpha(static_cast<unsigned char>(w[0]));
}

}  // namespace

std::vector<std::string> split_sentences(std::string_view raw) {
  const std::string text = clean_text(raw);
  std::string_view s = text;
  std::vector<std::string> out;
  std::size_t start = 0, i = 0;
  const std::string_view kEllipsisChar = "\xE2\x80\xA6";
  while (i < s.size()) {
    bool term = s[i] == '.' || s[i] == '!' || s[i] == '?' || starts_with(s, i, kEllipsisChar);
    if (!term) {
      ++i;
      continue;
    }
    std::size_t run_begin = i;
    bool ellipsis = false, only_dots = true;
    while (i < s.size()) {
      if (starts_with(s, i, kEllipsisChar)) {
        ellipsis = true;
        i += kEllipsisChar.size();
      } else if (s[i] == '.' || s[i] == '!' || s[i] == '?') {
        if (s[i] != '.') only_dots = false;
        ++i;
      } else {
        break;
      }
    }
    std::size_t dots = 0;
    for (std::size_t k = run_begin; k < i; ++k) dots += s[k] == '.';
    if (dots >= 2) ellipsis = true;
    const std::size_t run_end = i;
    while (std::size_t n = closer_len(s, i)) i += n;
    if (i < s.size() && s[i] != ' ') continue;  // "3.5", "e.g.x", "U.S.A" — not a boundary
    std::size_t next = i;
    while (next < s.size() && s[next] == ' ') ++next;
    if (next >= s.size()) break;
    if ((ellipsis || i > run_end) && std::islower(static_cast<unsigned char>(s[next]))) continue;
    if (only_dots && !ellipsis && run_end - run_begin == 1) {
      std::size_t w = run_begin;
      while (w > start && s[w - 1] != ' ') --w;
      if (is_abbreviation(s.substr(w, run_begin - w))) continue;
    }
    out.emplace_back(s.substr(start, i - start));
    start = next;
    i = next;
  }
  if (start < s.size()) out.emplace_back(s.substr(start));
  return out;
}

}  // namespace emosync::textemotion
