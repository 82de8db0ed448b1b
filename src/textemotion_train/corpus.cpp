#include "textemotion_train/corpus.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "emotion/anchors.h"
#include "emotion/classes.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "tables/tables.h"

namespace emosync::textemotion {
namespace {

// Classes from rarest to most frequent in GoEmotions train (after mapping).
const std::array<const char*, 16> kMultiLabelPriority = {
    "embarrassment", "apology", "fear", "disgust", "confusion", "excitement", "anger", "surprise",
    "curiosity", "amusement", "sadness", "gratitude", "joy", "sulk", "affection", "neutral"};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
  }
  return out;
}

// One CSV record starting at `pos` (RFC 4180 quotes); advances pos past its newline.
std::vector<std::string> csv_record(const std::string& s, std::size_t& pos) {
  std::vector<std::string> f(1);
  bool quoted = false;
  while (pos < s.size()) {
    char c = s[pos++];
    if (quoted) {
      if (c == '"') {
        if (pos < s.size() && s[pos] == '"') {
          f.back() += '"';
          ++pos;
        } else {
          quoted = false;
        }
      } else {
        f.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      f.emplace_back();
    } else if (c == '\n') {
      break;
    } else if (c != '\r') {
      f.back() += c;
    }
  }
  return f;
}

}  // namespace

std::vector<int> load_goemotions_map(const std::vector<std::string>& labels, const std::string& map_key) {
  std::vector<std::string> lines = lines_of(tables::read_file_or_table(map_key));
  std::vector<int> map(labels.size(), -1);
  if (lines.empty() || lines[0].rfind("goemotions\tclass\tjustification", 0) != 0)
    throw Error(map_key + ":1: header must be 'goemotions<TAB>class<TAB>justification'");
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    const std::string where = map_key + ":" + std::to_string(i + 1);
    auto f = split(lines[i], '\t');
    if (f.size() != 3) throw Error(where + ": expected 3 tab-separated fields, got " + std::to_string(f.size()));
    if (f[2].empty()) throw Error(where + ": field 'justification' is empty");
    auto cls = emotion::find(f[1]);
    if (!cls || emotion::names()[*cls] != f[1])
      throw Error(where + ": field 'class': '" + f[1] + "' is not one of " + emotion::valid_names_text());
    bool found = false;
    for (std::size_t l = 0; l < labels.size(); ++l)
      if (labels[l] == f[0]) {
        if (map[l] >= 0) throw Error(where + ": field 'goemotions': '" + f[0] + "' mapped twice");
        map[l] = static_cast<int>(*cls);
        found = true;
      }
    if (!found) throw Error(where + ": field 'goemotions': '" + f[0] + "' is not a GoEmotions label");
  }
  for (std::size_t l = 0; l < labels.size(); ++l)
    if (map[l] < 0) throw Error(map_key + ": GoEmotions label '" + labels[l] + "' has no row");
  return map;
}

std::array<float, 3> anchor_target(const std::vector<int>& classes) {
  const auto& anchors = emotion::Anchors::standard();
  std::array<float, 3> sum{};
  for (int c : classes) {
    const auto& v = c == 0 ? anchors.neutral() : anchors.at(static_cast<std::size_t>(c), emotion::Level::L5);
    for (std::size_t d = 0; d < 3; ++d) sum[d] += v[d] / static_cast<float>(classes.size());
  }
  return sum;
}

std::vector<EmotionExample> load_goemotions(const std::string& dir, const std::string& split_name) {
  const std::string labels_path = dir + "/emotions.txt", path = dir + "/" + split_name + ".tsv";
  std::vector<std::string> labels;
  for (auto& l : lines_of(io::read_file(labels_path)))
    if (!l.empty()) labels.push_back(l);
  std::vector<int> map = load_goemotions_map(labels);
  std::array<int, 16> rank{};
  for (std::size_t r = 0; r < kMultiLabelPriority.size(); ++r) rank[emotion::parse(kMultiLabelPriority[r])] = static_cast<int>(r);
  std::vector<EmotionExample> out;
  auto lines = lines_of(io::read_file(path));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    const std::string where = path + ":" + std::to_string(i + 1);
    auto f = split(lines[i], '\t');
    if (f.size() != 3) throw Error(where + ": expected 3 tab-separated fields (text, labels, id)");
    int best = -1;
    std::vector<int> classes;
    for (auto& id : split(f[1], ',')) {
      std::size_t used = 0;
      int l = -1;
      try {
        l = std::stoi(id, &used);
      } catch (const std::exception&) {
      }
      if (l < 0 || l >= static_cast<int>(labels.size()) || used != id.size())
        throw Error(where + ": field 'labels': bad label id '" + id + "'");
      int c = map[static_cast<std::size_t>(l)];
      if (best < 0 || rank[static_cast<std::size_t>(c)] < rank[static_cast<std::size_t>(best)]) best = c;
      classes.push_back(c);
    }
    // Same neutral rule as the single label: neutral counts only when it is alone.
    std::sort(classes.begin(), classes.end());
    classes.erase(std::unique(classes.begin(), classes.end()), classes.end());
    if (classes.size() > 1 && classes[0] == 0) classes.erase(classes.begin());
    out.push_back({f[0], best, classes});
  }
  return out;
}

std::vector<VadExample> load_emobank(const std::string& dir, const std::string& split_name) {
  const std::string path = dir + "/emobank.csv";
  const std::string s = io::read_file(path);
  std::size_t pos = 0;
  auto header = csv_record(s, pos);
  if (header.size() != 6 || header[1] != "split" || header[2] != "V" || header[5] != "text")
    throw Error(path + ":1: header must be id,split,V,A,D,text");
  std::vector<VadExample> out;
  for (int line = 2; pos < s.size(); ++line) {
    auto f = csv_record(s, pos);
    if (f.size() == 1 && f[0].empty()) continue;
    const std::string where = path + ": record " + std::to_string(line);
    if (f.size() != 6) throw Error(where + ": expected 6 fields, got " + std::to_string(f.size()));
    if (f[1] != split_name) continue;
    VadExample e;
    e.text = f[5];
    const char* names[] = {"V", "A", "D"};
    for (int k = 0; k < 3; ++k) {
      try {
        float v = std::stof(f[static_cast<std::size_t>(2 + k)]);
        if (v < 1 || v > 5) throw std::out_of_range("x");
        e.vad[static_cast<std::size_t>(k)] = (v - 3.f) / 2.f;
      } catch (const std::exception&) {
        throw Error(where + ": field '" + names[k] + "': '" + f[static_cast<std::size_t>(2 + k)] + "' is not a number in [1, 5]");
      }
    }
    out.push_back(std::move(e));
  }
  if (out.empty()) throw Error(path + ": no rows with split '" + split_name + "'");
  return out;
}

std::string shared_data_dir(const std::string& given) {
  std::string d = given;
  if (d.empty()) {
    const char* env = std::getenv("EMOSYNC_SHARED_DATA");
    d = env && *env ? env : "../shared/data";
  }
  if (!std::filesystem::exists(d + "/goemotions/train.tsv"))
    throw Error("shared data not found: '" + d + "/goemotions/train.tsv' does not exist (pass --data DIR or set EMOSYNC_SHARED_DATA)");
  return d;
}

}  // namespace emosync::textemotion
