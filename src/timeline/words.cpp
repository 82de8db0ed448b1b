#include <cmath>
#include <cstdlib>
#include <sstream>

#include "io/atomic_file.h"
#include "io/error.h"
#include "io/printable.h"
#include "timeline/timeline.h"

namespace emosync::timeline {

std::vector<WordTiming> parse_words_tsv(const std::string& text, const std::string& what) {
  std::vector<WordTiming> out;
  std::istringstream in(text);
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    auto fail = [&](const std::string& msg) { throw Error(what + ":" + std::to_string(n) + ": " + msg); };
    std::istringstream ls(line);
    std::string a, b;
    if (!(ls >> a >> b)) fail("expected 'start_s end_s word'");
    auto num = [&](const std::string& s, const char* field) {
      char* end = nullptr;
      double v = std::strtod(s.c_str(), &end);
      if (end != s.c_str() + s.size() || !(v >= 0 && v <= kMaxDurationS))
        fail(std::string(field) + " '" + io::printable(s) + "' is not a time in seconds from 0 to " +
             std::to_string(static_cast<int>(kMaxDurationS)));
      return v;
    };
    WordTiming w;
    w.start_s = num(a, "start_s");
    w.end_s = num(b, "end_s");
    std::getline(ls, w.word);
    std::size_t k = w.word.find_first_not_of(" \t");
    w.word = k == std::string::npos ? "" : w.word.substr(k);
    if (w.end_s < w.start_s) fail("end_s is before start_s");
    if (!out.empty() && w.start_s < out.back().start_s) fail("words must be in time order");
    out.push_back(std::move(w));
  }
  return out;
}

std::vector<WordTiming> read_words_tsv(const std::string& path) { return parse_words_tsv(io::read_file(path), path); }

}  // namespace emosync::timeline
