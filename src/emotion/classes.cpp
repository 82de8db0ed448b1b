#include "emotion/classes.h"

#include <cctype>
#include <map>

#include "io/error.h"
#include "tables/tables.h"

namespace emosync::emotion {
namespace {

std::string lower(std::string_view s) {
  std::string r(s);
  for (auto& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

const std::map<std::string, std::size_t>& aliases() {
  static const std::map<std::string, std::size_t> table = [] {
    const std::string key = "data/emotion/aliases.json";
    io::Json j = tables::read_json(key);
    io::JsonNode root(j, key);
    std::map<std::string, std::size_t> m;
    const io::Json& obj = root["aliases"].object();
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      io::JsonNode v = root["aliases"].child(it.key(), it.value());
      std::string target = v.string();
      std::optional<std::size_t> idx;
      for (std::size_t i = 0; i < kCount; ++i)
        if (names()[i] == target) idx = i;
      if (!idx) v.fail("alias points to unknown class '" + target + "'");
      m[lower(it.key())] = *idx;
    }
    return m;
  }();
  return table;
}

}  // namespace

const std::array<std::string_view, kCount>& names() {
  static const std::array<std::string_view, kCount> kNames = {
      "neutral",   "joy",     "amusement", "excitement", "gratitude", "affection",
      "surprise",  "curiosity", "confusion", "sadness",  "sulk",      "apology",
      "fear",      "anger",   "disgust",   "embarrassment"};
  return kNames;
}

std::optional<std::size_t> find(std::string_view name_or_alias) {
  std::string n = lower(name_or_alias);
  for (std::size_t i = 0; i < kCount; ++i)
    if (names()[i] == n) return i;
  auto it = aliases().find(n);
  if (it != aliases().end()) return it->second;
  return std::nullopt;
}

std::size_t parse(std::string_view name_or_alias) {
  if (auto i = find(name_or_alias)) return *i;
  throw Error("unknown emotion '" + std::string(name_or_alias) + "'; valid: " + valid_names_text());
}

std::string valid_names_text() {
  std::string s;
  for (std::size_t i = 0; i < kCount; ++i) s += (i ? ", " : "") + std::string(names()[i]);
  s += " (aliases:";
  bool first = true;
  for (const auto& [a, _] : aliases()) {
    s += (first ? " " : ", ") + a;
    first = false;
  }
  return s + ")";
}

}  // namespace emosync::emotion
