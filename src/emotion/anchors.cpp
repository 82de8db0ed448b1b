#include "emotion/anchors.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "io/error.h"
#include "tables/tables.h"

namespace emosync::emotion {
namespace {

int level_slot(Level l) { return l == Level::L1 ? 0 : l == Level::L3 ? 1 : 2; }

float distance(const Vad& a, const Vad& b) {
  float s = 0;
  for (int i = 0; i < 3; ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
  return std::sqrt(s);
}

Vad read_vad(const io::JsonNode& n) {
  if (n.size() != 3) n.fail("expected [valence, arousal, dominance]");
  Vad v;
  for (std::size_t i = 0; i < 3; ++i) v[i] = static_cast<float>(n[i].number_in(-1.0, 1.0));
  return v;
}

std::vector<std::string> read_sources(const io::JsonNode& n) {
  std::vector<std::string> out;
  io::JsonNode s = n["sources"];
  for (std::size_t i = 0; i < s.size(); ++i) out.push_back(s[i].string());
  if (out.empty()) s.fail("at least one source is required");
  return out;
}

}  // namespace

std::string to_string(Level l) { return "L" + std::to_string(static_cast<int>(l)); }

Level parse_level(const std::string& s) {
  if (s == "L1" || s == "1") return Level::L1;
  if (s == "L3" || s == "3") return Level::L3;
  if (s == "L5" || s == "5") return Level::L5;
  throw Error("unknown intensity level '" + s + "' (valid: L1, L3, L5)");
}

const Anchors& Anchors::standard() {
  static const Anchors a = load("data/emotion/emotion_vad_anchors.json");
  return a;
}

Anchors Anchors::load(const std::string& path_or_key) {
  io::Json j = tables::read_json_file_or_table(path_or_key);
  io::JsonNode root(j, path_or_key);
  Anchors a;
  a.version_ = root["version"].string();
  a.neutral_ = read_vad(root["neutral"]["vad"]);
  a.sources_[kNeutral] = read_sources(root["neutral"]);
  for (std::size_t c = 0; c < kCount; ++c) a.levels_[c] = {a.neutral_, a.neutral_, a.neutral_};
  io::JsonNode classes = root["classes"];
  const io::Json& obj = classes.object();
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    io::JsonNode cn = classes.child(it.key(), it.value());
    auto c = find(it.key());
    if (!c || names()[*c] != it.key()) cn.fail("not a canonical emotion class name");
    if (*c == kNeutral) cn.fail("neutral belongs in the top-level 'neutral' entry");
    for (Level l : kLevels) a.levels_[*c][level_slot(l)] = read_vad(cn[to_string(l)]);
    a.sources_[*c] = read_sources(cn);
  }
  for (std::size_t c = 1; c < kCount; ++c)
    if (a.sources_[c].empty()) throw Error(path_or_key + ": classes." + std::string(names()[c]) + ": missing");
  return a;
}

const Vad& Anchors::at(std::size_t cls, Level level) const { return levels_.at(cls)[level_slot(level)]; }

Vad Anchors::at_intensity(std::size_t cls, float intensity) const {
  float x = std::clamp(intensity, 0.f, 100.f);
  const float knots[4] = {0.f, 20.f, 60.f, 100.f};
  const Vad* pts[4] = {&neutral_, &levels_.at(cls)[0], &levels_[cls][1], &levels_[cls][2]};
  int k = x <= 20.f ? 0 : x <= 60.f ? 1 : 2;
  float t = (x - knots[k]) / (knots[k + 1] - knots[k]);
  Vad v;
  // (1-t)a + tb lands exactly on the knots at t = 0 and t = 1.
  for (int i = 0; i < 3; ++i) v[i] = (1.f - t) * (*pts[k])[i] + t * (*pts[k + 1])[i];
  return v;
}

AnchorCheck Anchors::check(float min_l5_distance) const {
  AnchorCheck r;
  for (std::size_t a = 1; a < kCount; ++a)
    for (std::size_t b = a + 1; b < kCount; ++b)
      r.closest_at_l5.push_back({a, b, distance(at(a, Level::L5), at(b, Level::L5))});
  std::sort(r.closest_at_l5.begin(), r.closest_at_l5.end(),
            [](const AnchorPair& x, const AnchorPair& y) { return x.distance < y.distance; });
  for (const auto& p : r.closest_at_l5) {
    if (p.distance >= min_l5_distance) break;
    std::ostringstream s;
    s << names()[p.a] << " and " << names()[p.b] << " are " << p.distance << " apart at L5 (minimum "
      << min_l5_distance << ")";
    r.problems.push_back(s.str());
  }
  for (std::size_t c = 1; c < kCount; ++c) {
    float d1 = distance(at(c, Level::L1), neutral_), d3 = distance(at(c, Level::L3), neutral_),
          d5 = distance(at(c, Level::L5), neutral_);
    if (!(d1 < d3 && d3 < d5)) {
      std::ostringstream s;
      s << names()[c] << ": levels are not ordered by distance from neutral (L1 " << d1 << ", L3 " << d3
        << ", L5 " << d5 << ")";
      r.problems.push_back(s.str());
    }
  }
  return r;
}

}  // namespace emosync::emotion
