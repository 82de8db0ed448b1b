#include "viseme/viseme.h"

#include <algorithm>
#include <cctype>

#include "arkit/channel_split.h"
#include "io/error.h"
#include "tables/tables.h"

namespace emosync::viseme {

const std::array<std::string_view, kCount>& names() {
  static const std::array<std::string_view, kCount> kNames = {"sil", "PP", "FF", "TH", "DD", "kk", "CH", "SS",
                                                              "nn",  "RR", "aa", "E",  "I",  "O",  "U"};
  return kNames;
}

std::string_view to_string(Viseme v) { return names()[static_cast<std::size_t>(v)]; }

std::optional<Viseme> from_string(std::string_view name) {
  for (std::size_t i = 0; i < kCount; ++i)
    if (names()[i] == name) return static_cast<Viseme>(i);
  return std::nullopt;
}

const char* to_string(PhoneSet s) {
  switch (s) {
    case PhoneSet::Espeak: return "espeak";
    case PhoneSet::Arpabet: return "arpabet";
    case PhoneSet::Flite: return "flite";
  }
  return "?";
}

PhoneSet phone_set_from_string(const std::string& s) {
  if (s == "espeak") return PhoneSet::Espeak;
  if (s == "arpabet") return PhoneSet::Arpabet;
  if (s == "flite") return PhoneSet::Flite;
  throw Error("unknown phone set '" + s + "' (expected espeak, arpabet or flite)");
}

// ---------------------------------------------------------------- PhonemeMap

const PhonemeMap& PhonemeMap::standard(PhoneSet set) {
  static const PhonemeMap espeak = load("data/viseme/phonemes_espeak_en.json");
  static const PhonemeMap arpabet = load("data/viseme/phonemes_arpabet.json");
  static const PhonemeMap flite = load("data/viseme/phonemes_flite.json");
  switch (set) {
    case PhoneSet::Espeak: return espeak;
    case PhoneSet::Arpabet: return arpabet;
    case PhoneSet::Flite: return flite;
  }
  return espeak;
}

PhonemeMap PhonemeMap::load(const std::string& path_or_key) {
  io::Json j = tables::read_json_file_or_table(path_or_key);
  io::JsonNode root(j, path_or_key);
  PhonemeMap m;
  m.source_ = path_or_key;
  if (root.has("strip_stress_digits")) {
    const auto& v = root["strip_stress_digits"].json();
    if (!v.is_boolean()) root["strip_stress_digits"].fail("must be true or false");
    m.strip_stress_ = v.get<bool>();
  }
  auto claim = [&](const io::JsonNode& item, const std::string& sym) {
    if (m.map_.count(sym) || m.ignore_.count(sym)) item.fail("symbol '" + sym + "' is listed twice");
  };
  io::JsonNode visemes = root["visemes"];
  for (const auto& [name, list] : visemes.object().items()) {
    io::JsonNode node = visemes.child(name, list);
    auto v = from_string(name);
    if (!v) node.fail("'" + name + "' is not one of the 15 visemes");
    for (std::size_t i = 0; i < node.size(); ++i) {
      std::string sym = node[i].string();
      claim(node[i], sym);
      m.map_[sym] = *v;
    }
  }
  io::JsonNode ignore = root["ignore"];
  for (std::size_t i = 0; i < ignore.size(); ++i) {
    std::string sym = ignore[i].string();
    claim(ignore[i], sym);
    m.ignore_[sym] = true;
  }
  if (m.map_.empty()) visemes.fail("maps no symbol");
  return m;
}

std::string PhonemeMap::normalise(std::string_view symbol) const {
  std::string s(symbol);
  if (strip_stress_ && s.size() > 1 && std::isdigit(static_cast<unsigned char>(s.back())) &&
      !std::isdigit(static_cast<unsigned char>(s[s.size() - 2])))
    s.pop_back();
  return s;
}

std::optional<Viseme> PhonemeMap::try_lookup(std::string_view symbol) const {
  auto it = map_.find(normalise(symbol));
  if (it == map_.end()) return std::nullopt;
  return it->second;
}

bool PhonemeMap::knows(std::string_view symbol) const {
  std::string s = normalise(symbol);
  return map_.count(s) || ignore_.count(s);
}

std::optional<Viseme> PhonemeMap::lookup(std::string_view symbol) const {
  std::string s = normalise(symbol);
  auto it = map_.find(s);
  if (it != map_.end()) return it->second;
  if (ignore_.count(s)) return std::nullopt;
  throw Error(source_ + ": unknown phoneme symbol '" + std::string(symbol) +
              "' (not mapped to a viseme; add it to the table)");
}

std::vector<std::string> PhonemeMap::symbols() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : map_) out.push_back(k);
  std::sort(out.begin(), out.end());
  return out;
}

// ------------------------------------------------------------- VisemeTargets

namespace {
std::optional<Articulator> articulator_from_string(const std::string& s) {
  if (s == "jaw") return Articulator::Jaw;
  if (s == "lips") return Articulator::Lips;
  if (s == "rounding") return Articulator::Rounding;
  if (s == "tongue") return Articulator::Tongue;
  return std::nullopt;
}

void read_dominance(const io::JsonNode& node, std::array<Dominance, kArticulators>& out) {
  for (const auto& [name, value] : node.object().items()) {
    io::JsonNode g = node.child(name, value);
    auto a = articulator_from_string(name);
    if (!a) g.fail("unknown articulator '" + name + "' (expected jaw, lips, rounding or tongue)");
    if (g.size() != 3) g.fail("expected [alpha, theta_before, theta_after]");
    Dominance d;
    d.alpha = static_cast<float>(g[0].number_in(1e-6, 1000));
    d.theta_before = static_cast<float>(g[1].number_in(0, 1000));
    d.theta_after = static_cast<float>(g[2].number_in(0, 1000));
    out[static_cast<std::size_t>(*a)] = d;
  }
}
}  // namespace

const VisemeTargets& VisemeTargets::standard() {
  static const VisemeTargets t = load("data/viseme/viseme_targets.json");
  return t;
}

VisemeTargets VisemeTargets::load(const std::string& path_or_key) {
  io::Json j = tables::read_json_file_or_table(path_or_key);
  io::JsonNode root(j, path_or_key);
  VisemeTargets t;
  const auto& split = arkit::ChannelSplit::standard();

  io::JsonNode groups = root["groups"];
  for (const auto& [name, list] : groups.object().items()) {
    io::JsonNode g = groups.child(name, list);
    auto a = articulator_from_string(name);
    if (!a) g.fail("unknown articulator '" + name + "' (expected jaw, lips, rounding or tongue)");
    for (std::size_t i = 0; i < g.size(); ++i) {
      std::string ch = g[i].string();
      auto c = arkit::find(ch);
      if (!c) g[i].fail("unknown ARKit name '" + ch + "'");
      if (t.group_[*c]) g[i].fail("'" + ch + "' belongs to two articulator groups");
      t.group_[*c] = *a;
    }
  }

  io::JsonNode targets = root["targets"];
  std::array<bool, kCount> seen{};
  for (const auto& [name, obj] : targets.object().items()) {
    io::JsonNode node = targets.child(name, obj);
    auto v = from_string(name);
    if (!v) node.fail("'" + name + "' is not one of the 15 visemes");
    seen[static_cast<std::size_t>(*v)] = true;
    auto& row = t.targets_[static_cast<std::size_t>(*v)];
    for (const auto& [ch, val] : node.object().items()) {
      io::JsonNode cn = node.child(ch, val);
      auto c = arkit::find(ch);
      if (!c) cn.fail("unknown ARKit name '" + ch + "'");
      if (split.type_of(*c) == arkit::ChannelType::Expression)
        cn.fail("'" + ch + "' is an EXPRESSION channel; visemes drive only LIPSYNC and SHARED channels");
      if (!t.group_[*c]) cn.fail("'" + ch + "' is in no articulator group (see \"groups\")");
      row[*c] = static_cast<float>(cn.number_in(0, 1));
    }
  }
  for (std::size_t v = 0; v < kCount; ++v)
    if (!seen[v]) targets.fail("viseme '" + std::string(names()[v]) + "' has no targets");

  io::JsonNode dom = root["dominance"];
  std::array<Dominance, kArticulators> defaults{};
  read_dominance(dom["default"], defaults);
  for (auto& row : t.dominance_) row = defaults;
  for (const auto& [name, obj] : dom.object().items()) {
    if (name == "default") continue;
    io::JsonNode node = dom.child(name, obj);
    auto v = from_string(name);
    if (!v) node.fail("'" + name + "' is not one of the 15 visemes");
    read_dominance(node, t.dominance_[static_cast<std::size_t>(*v)]);
  }

  if (root.has("energy")) {
    io::JsonNode e = root["energy"];
    t.energy_.floor = static_cast<float>(e["floor"].number_in(0, 2));
    t.energy_.gain = static_cast<float>(e["gain"].number_in(0, 5));
    t.energy_.max = static_cast<float>(e["max"].number_in(0, 5));
  }
  return t;
}

}  // namespace emosync::viseme
