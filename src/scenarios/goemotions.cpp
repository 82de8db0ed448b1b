#include "scenarios/goemotions.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <random>
#include <sstream>

#include "emotion/classes.h"
#include "io/error.h"
#include "tables/tables.h"

namespace emosync::scenarios {
namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, sep)) out.push_back(item);
  return out;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

struct Row {
  std::string text;
  std::size_t cls;
};

}  // namespace

std::vector<std::size_t> goemotions_label_map(const std::string& data_dir) {
  std::ifstream names_in(data_dir + "/emotions.txt");
  if (!names_in) throw Error(data_dir + "/emotions.txt: cannot open (is ../shared/data there?)");
  std::vector<std::string> labels;
  for (std::string l; std::getline(names_in, l);)
    if (!l.empty()) labels.push_back(l);
  const std::string key = "data/emotion/goemotions_map.tsv";
  std::map<std::string, std::size_t> table;
  std::istringstream in(tables::read(key));
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (n == 1 || line.empty()) continue;  // header
    auto f = split(line, '\t');
    if (f.size() < 3) throw Error(key + ":" + std::to_string(n) + ": expected goemotions, class, justification");
    auto cls = emotion::find(f[1]);
    if (!cls) throw Error(key + ":" + std::to_string(n) + ": class: unknown emotion '" + f[1] + "'");
    table[f[0]] = *cls;
  }
  std::vector<std::size_t> map;
  for (const auto& l : labels) {
    auto it = table.find(l);
    if (it == table.end()) throw Error(key + ": GoEmotions label '" + l + "' is not mapped");
    map.push_back(it->second);
  }
  return map;
}

std::string speakable_text(const std::string& raw) {
  std::string s = raw;
  s = replace_all(s, "[NAME]", "Sam");
  s = replace_all(s, "[RELIGION]", "religion");
  std::string out;
  for (char c : s) {
    if (c == '[' || c == ']' || c == '*' || c == '#' || c == '|' || c == '~' || c == '^') continue;
    if (static_cast<unsigned char>(c) >= 0x80) return "";  // emoji and other non-ASCII: skip the row
    out.push_back(c);
  }
  if (out.find("http") != std::string::npos || out.find("/r/") != std::string::npos) return "";
  std::size_t words = 0;
  for (std::size_t i = 0; i < out.size(); ++i)
    if (std::isalpha(static_cast<unsigned char>(out[i])) && (i == 0 || out[i - 1] == ' ')) ++words;
  if (words < 2 || words > 40) return "";
  return out;
}

GoEmotionsBuild build_goemotions_scenarios(const GoEmotionsOptions& opt) {
  std::vector<std::size_t> map = goemotions_label_map(opt.data_dir);
  GoEmotionsBuild b;
  std::vector<std::vector<Row>> by_class(emotion::kCount);
  for (const char* file : {"train.tsv", "dev.tsv"}) {
    std::string path = opt.data_dir + "/" + file;
    std::ifstream in(path);
    if (!in) throw Error(path + ": cannot open");
    std::string line;
    std::size_t n = 0;
    while (std::getline(in, line)) {
      ++n;
      auto f = split(line, '\t');
      if (f.size() < 2) throw Error(path + ":" + std::to_string(n) + ": expected text<TAB>labels");
      ++b.rows_read;
      // Multi-label rule: the row's non-neutral classes must agree; neutral only
      // when it is the sole class. Rows whose labels map to different classes are
      // ambiguous and left out rather than guessed.
      std::vector<std::size_t> classes;
      for (const auto& l : split(f[1], ',')) {
        std::size_t idx = 0;
        auto [end, ec] = std::from_chars(l.data(), l.data() + l.size(), idx);
        if (ec != std::errc() || end != l.data() + l.size() || l.empty())
          throw Error(path + ":" + std::to_string(n) + ": label index '" + l + "' is not a number");
        if (idx >= map.size()) throw Error(path + ":" + std::to_string(n) + ": label index " + l + " out of range");
        if (std::find(classes.begin(), classes.end(), map[idx]) == classes.end()) classes.push_back(map[idx]);
      }
      if (classes.size() > 1) classes.erase(std::remove(classes.begin(), classes.end(), emotion::kNeutral), classes.end());
      if (classes.size() != 1) {
        ++b.rows_ambiguous;
        continue;
      }
      std::string text = speakable_text(f[0]);
      if (text.empty()) {
        ++b.rows_unspeakable;
        continue;
      }
      by_class[classes[0]].push_back({text, classes[0]});
    }
  }
  std::mt19937 rng(opt.seed);
  std::vector<Row> pool;
  for (auto& rows : by_class) {
    std::shuffle(rows.begin(), rows.end(), rng);
    if (rows.size() > opt.cap_per_class) rows.resize(opt.cap_per_class);
    pool.insert(pool.end(), rows.begin(), rows.end());
  }
  std::shuffle(pool.begin(), pool.end(), rng);
  if (pool.size() > opt.target_turns) pool.resize(opt.target_turns);
  std::uniform_real_distribution<float> intensity(15.f, 100.f), jitter(-opt.vad_jitter, opt.vad_jitter);
  std::uniform_int_distribution<int> turns_per(2, 6);
  const emotion::Anchors& anchors = emotion::Anchors::standard();
  std::size_t i = 0, sid = 0;
  while (i < pool.size()) {
    Scenario s;
    char id[32];
    std::snprintf(id, sizeof id, "ge-%05zu", sid++);
    s.id = id;
    std::size_t n = std::min<std::size_t>(turns_per(rng), pool.size() - i);
    for (std::size_t k = 0; k < n; ++k, ++i) {
      Turn t;
      t.speaker = k % 2 == 0 ? Speaker::Self : Speaker::Other;
      t.text = pool[i].text;
      t.emotion = pool[i].cls;
      t.intensity = t.emotion == emotion::kNeutral ? 0.f : std::round(intensity(rng));
      emotion::Vad v = anchors.at_intensity(t.emotion, *t.intensity);
      for (float& x : v) x = std::clamp(x + jitter(rng), -1.f, 1.f);
      t.vad = v;
      ++b.turns_per_class[std::string(emotion::names()[t.emotion])];
      s.turns.push_back(std::move(t));
    }
    b.scenarios.push_back(std::move(s));
  }
  return b;
}

}  // namespace emosync::scenarios
