#include "presets/presets.h"

#include <cmath>
#include <sstream>

#include "emotion/classes.h"
#include "io/error.h"
#include "tables/tables.h"

namespace emosync::presets {
namespace {

std::string fmt(float v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

// Runs `f`; in collecting mode records its Error and carries on, else rethrows.
template <class F>
bool attempt(std::vector<std::string>* problems, F&& f) {
  if (!problems) {
    f();
    return true;
  }
  try {
    f();
    return true;
  } catch (const Error& e) {
    problems->push_back(e.what());
    return false;
  }
}

}  // namespace

std::string Preset::label() const {
  std::string n(emotion::names()[emotion]);
  return emotion == emotion::kNeutral ? n : n + " " + emotion::to_string(level);
}

const PresetTable& PresetTable::standard() {
  static const PresetTable t = load(kDefaultKey);
  return t;
}

PresetTable PresetTable::load(const std::string& path_or_key, const emotion::Anchors& anchors) {
  return parse(path_or_key, anchors, nullptr);
}

std::vector<std::string> PresetTable::validate(const std::string& path_or_key, const emotion::Anchors& anchors) {
  std::vector<std::string> problems;
  try {
    parse(path_or_key, anchors, &problems);
  } catch (const Error& e) {
    problems.push_back(e.what());
  }
  return problems;
}

PresetTable PresetTable::parse(const std::string& path_or_key, const emotion::Anchors& anchors,
                               std::vector<std::string>* problems) {
  io::Json j = tables::read_json_file_or_table(path_or_key);
  io::JsonNode root(j, path_or_key);
  PresetTable t;
  t.version_ = root["version"].string();

  io::JsonNode order = root["channel_order"];
  attempt(problems, [&] {
    if (order.size() != arkit::kCount)
      order.fail("expected the " + std::to_string(arkit::kCount) + " ARKit names, got " +
                 std::to_string(order.size()));
    for (std::size_t i = 0; i < arkit::kCount; ++i) {
      std::string n = order[i].string();
      if (n != arkit::names()[i])
        order[i].fail("'" + n + "' where the canonical order has '" + std::string(arkit::names()[i]) + "'");
    }
  });

  io::JsonNode list = root["presets"];
  list.array();
  // seen[class][level slot] = index of the preset that claimed it
  std::array<std::array<int, 3>, emotion::kCount> seen;
  for (auto& s : seen) s.fill(-1);
  for (std::size_t i = 0; i < list.size(); ++i) {
    io::JsonNode raw = list[i];
    attempt(problems, [&] {
      Preset p;
      raw.object();
      std::string ename = raw["emotion"].string();
      auto c = emotion::find(ename);
      if (!c || emotion::names()[*c] != ename)
        raw["emotion"].fail("'" + ename + "' is not a canonical emotion class; valid: " + emotion::valid_names_text());
      p.emotion = *c;
      std::string lname = raw["level"].string();
      try {
        p.level = emotion::parse_level(lname);
      } catch (const Error& e) {
        raw["level"].fail(e.what());
      }
      // From here on errors name the preset: "presets[12] (anger L3).weights.jawOpen".
      io::JsonNode n(raw.json(), path_or_key, list.path() + "[" + std::to_string(i) + "] (" + p.label() + ")");
      io::JsonNode vad = n["vad"];
      if (vad.size() != 3) vad.fail("expected [valence, arousal, dominance]");
      for (std::size_t k = 0; k < 3; ++k) p.vad[k] = static_cast<float>(vad[k].number_in(-1.0, 1.0));
      const emotion::Vad& want = p.emotion == emotion::kNeutral ? anchors.neutral() : anchors.at(p.emotion, p.level);
      for (std::size_t k = 0; k < 3; ++k)
        if (std::fabs(p.vad[k] - want[k]) > kVadTolerance)
          vad[k].fail("vad must equal the anchor of " + p.label() + " (anchors " + anchors.version() + "): " +
                      fmt(p.vad[k]) + " vs " + fmt(want[k]));
      io::JsonNode w = n["weights"];
      const io::Json& obj = w.object();
      std::array<bool, arkit::kCount> have{};
      for (auto it = obj.begin(); it != obj.end(); ++it) {
        io::JsonNode v = w.child(it.key(), it.value());
        auto ch = arkit::find(it.key());
        if (!ch) v.fail("not an ARKit blendshape name");
        p.weights[*ch] = static_cast<float>(v.number_in(0.0, 1.0));
        have[*ch] = true;
      }
      for (std::size_t ch = 0; ch < arkit::kCount; ++ch)
        if (!have[ch]) w.child(std::string(arkit::names()[ch]), obj).fail("missing (all 52 channels are required)");
      int slot = p.emotion == emotion::kNeutral ? 0
                 : p.level == emotion::Level::L1 ? 0
                 : p.level == emotion::Level::L3 ? 1
                                                 : 2;
      if (seen[p.emotion][slot] >= 0)
        n.fail("duplicate: presets[" + std::to_string(seen[p.emotion][slot]) + "] is also " + p.label());
      seen[p.emotion][slot] = static_cast<int>(i);
      t.presets_.push_back(p);
    });
  }
  attempt(problems, [&] {
    std::string missing;
    for (std::size_t c = 0; c < emotion::kCount; ++c)
      for (std::size_t s = 0; s < (c == emotion::kNeutral ? 1u : 3u); ++s)
        if (seen[c][s] < 0) {
          Preset p;
          p.emotion = c;
          p.level = emotion::kLevels[s];
          missing += (missing.empty() ? "" : ", ") + p.label();
        }
    if (!missing.empty()) list.fail("missing presets: " + missing);
  });
  return t;
}

const Preset& PresetTable::at(std::size_t cls, emotion::Level level) const {
  for (const auto& p : presets_)
    if (p.emotion == cls && (cls == emotion::kNeutral || p.level == level)) return p;
  throw Error("no preset for " + std::string(emotion::names().at(cls)) + " " + emotion::to_string(level));
}

std::vector<const Preset*> PresetTable::of_class(std::size_t cls) const {
  std::vector<const Preset*> out;
  for (const auto& p : presets_)
    if (p.emotion == cls) out.push_back(&p);
  return out;
}

}  // namespace emosync::presets
