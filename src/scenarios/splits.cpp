#include "scenarios/splits.h"

#include <algorithm>
#include <sstream>
#include <vector>

#include "io/atomic_file.h"
#include "io/error.h"
#include "io/printable.h"

namespace emosync::scenarios {
namespace {

std::vector<std::string> tab_fields(const std::string& line) {
  std::vector<std::string> out;
  std::string f;
  std::istringstream in(line);
  while (std::getline(in, f, '\t')) out.push_back(f);
  if (!line.empty() && line.back() == '\t') out.emplace_back();
  return out;
}

// The text of a TSV file as lines without their '\r'.
std::vector<std::string> tsv_lines(const std::string& path) {
  std::vector<std::string> out;
  std::istringstream in(io::read_file(path));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
  }
  return out;
}

}  // namespace

Splits Splits::load(const std::string& path) {
  Splits s;
  s.file_ = path;
  std::vector<std::string> lines = tsv_lines(path);
  if (lines.empty() || tab_fields(lines[0]) != std::vector<std::string>{"corpus", "speaker", "split"})
    throw Error(path + ":1: expected the header 'corpus<TAB>speaker<TAB>split'");
  for (std::size_t n = 1; n < lines.size(); ++n) {
    if (lines[n].empty()) continue;
    const std::string where = path + ":" + std::to_string(n + 1);
    std::vector<std::string> f = tab_fields(lines[n]);
    if (f.size() != 3 || f[0].empty() || f[1].empty())
      throw Error(where + ": expected corpus<TAB>speaker<TAB>split");
    if (f[2] != "train" && f[2] != "dev")
      throw Error(where + ": split '" + io::printable(f[2]) + "' must be train or dev");
    if (!s.rows_.emplace(std::make_pair(f[0], f[1]), f[2]).second)
      throw Error(where + ": " + io::printable(f[0]) + "/" + io::printable(f[1]) + " is placed twice");
  }
  return s;
}

const std::string& Splits::split_of(const std::string& corpus, const std::string& speaker) const {
  auto it = rows_.find({corpus, speaker});
  if (it == rows_.end()) it = rows_.find({corpus, "*"});
  if (it == rows_.end())
    throw Error(file_ + ": speaker '" + io::printable(speaker) + "' of corpus '" + io::printable(corpus) +
                "' is in no split: add a row (train or dev) before importing it");
  return it->second;
}

std::map<std::string, std::string> read_speakers(const std::string& metadata_tsv) {
  std::vector<std::string> lines = tsv_lines(metadata_tsv);
  if (lines.empty()) throw Error(metadata_tsv + ": empty (expected a header with id and speaker columns)");
  std::vector<std::string> head = tab_fields(lines[0]);
  std::size_t id_col = head.size(), sp_col = head.size();
  for (std::size_t i = 0; i < head.size(); ++i) {
    if (head[i] == "id") id_col = i;
    if (head[i] == "speaker") sp_col = i;
  }
  if (id_col == head.size() || sp_col == head.size())
    throw Error(metadata_tsv + ":1: the header needs 'id' and 'speaker' columns");
  std::map<std::string, std::string> out;
  for (std::size_t n = 1; n < lines.size(); ++n) {
    if (lines[n].empty()) continue;
    std::vector<std::string> f = tab_fields(lines[n]);
    if (f.size() <= std::max(id_col, sp_col) || f[sp_col].empty())
      throw Error(metadata_tsv + ":" + std::to_string(n + 1) + ": no speaker");
    out[f[id_col]] = f[sp_col];
  }
  return out;
}

}  // namespace emosync::scenarios
