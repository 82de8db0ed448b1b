#include "viseme/phone_class.h"

#include <cctype>

#include "io/error.h"
#include "tables/tables.h"

namespace emosync::viseme {

const std::array<std::string_view, kPhoneClassCount>& phone_class_names() {
  static const std::array<std::string_view, kPhoneClassCount> kNames = {
      "sil", "AA", "AE", "AH", "AO", "AW", "AY", "B",  "CH", "D",  "DH", "EH", "ER", "EY",
      "F",   "G",  "HH", "IH", "IY", "JH", "K",  "L",  "M",  "N",  "NG", "OW", "OY", "P",
      "R",   "S",  "SH", "T",  "TH", "UH", "UW", "V",  "W",  "Y",  "Z",  "ZH"};
  return kNames;
}

int phone_class_index(std::string_view name) {
  for (std::size_t i = 0; i < kPhoneClassCount; ++i)
    if (phone_class_names()[i] == name) return static_cast<int>(i);
  return -1;
}

const PhoneClasses& PhoneClasses::standard() {
  static const PhoneClasses c = load("data/viseme/phone_classes.json");
  return c;
}

PhoneClasses PhoneClasses::load(const std::string& path_or_key) {
  io::Json j = tables::read_json_file_or_table(path_or_key);
  io::JsonNode root(j, path_or_key);
  PhoneClasses out;
  for (PhoneSet ps : {PhoneSet::Espeak, PhoneSet::Arpabet, PhoneSet::Flite}) {
    io::JsonNode node = root[to_string(ps)];
    Set& s = out.sets_[static_cast<std::size_t>(ps)];
    auto claim = [&](const io::JsonNode& where, const std::string& sym, int cls) {
      if (!s.map.emplace(sym, cls).second) where.fail("symbol '" + sym + "' is listed twice");
    };
    if (node.has("strip_stress_digits")) {
      const auto& v = node["strip_stress_digits"].json();
      if (!v.is_boolean()) node["strip_stress_digits"].fail("must be true or false");
      s.strip_stress = v.get<bool>();
    }
    if (node.has("self")) {
      std::string c = node["self"].string();
      if (c != "upper" && c != "lower") node["self"].fail("expected upper or lower, got '" + c + "'");
      for (std::size_t i = 1; i < kPhoneClassCount; ++i) {
        std::string sym(phone_class_names()[i]);
        if (c == "lower")
          for (char& ch : sym) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        claim(node["self"], sym, static_cast<int>(i));
      }
    }
    io::JsonNode classes = node["classes"];
    for (const auto& [name, list] : classes.object().items()) {
      io::JsonNode cn = classes.child(name, list);
      const int cls = phone_class_index(name);
      if (cls < 0) cn.fail("'" + name + "' is not one of the 40 phone classes");
      for (std::size_t i = 0; i < cn.size(); ++i) claim(cn[i], cn[i].string(), cls);
    }
    if (node.has("ignore")) {
      io::JsonNode ignore = node["ignore"];
      for (std::size_t i = 0; i < ignore.size(); ++i) claim(ignore[i], ignore[i].string(), -1);
    }
  }
  return out;
}

namespace {
std::string_view without_stress(std::string_view s) {
  if (s.size() > 1 && std::isdigit(static_cast<unsigned char>(s.back())) &&
      !std::isdigit(static_cast<unsigned char>(s[s.size() - 2])))
    s.remove_suffix(1);
  return s;
}
}  // namespace

int PhoneClasses::label(PhoneSet ps, std::string_view symbol) const {
  const Set& s = set(ps);
  auto it = s.map.find(std::string(s.strip_stress ? without_stress(symbol) : symbol));
  return it == s.map.end() ? -1 : it->second;
}

bool PhoneClasses::knows(PhoneSet ps, std::string_view symbol) const {
  const Set& s = set(ps);
  return s.map.count(std::string(s.strip_stress ? without_stress(symbol) : symbol)) > 0;
}

}  // namespace emosync::viseme
