#include "tts/tts.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <sstream>

#include "io/atomic_file.h"
#include "io/error.h"
#include "tts/engines.h"

namespace emosync::tts {

bool wait_readable(int fd, std::chrono::steady_clock::time_point deadline) {
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 60'000)));
    if (r > 0) return true;
    if (r < 0 && errno != EINTR) return false;
  }
}

int reap_child(pid_t pid, bool kill) {
  if (kill) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

std::mutex& c_rand_mutex() {
  static std::mutex m;
  return m;
}

void TtsConfig::validate() const {
  if (engine != "espeak" && engine != "flite" && engine != "festival" && engine != "external")
    throw Error("tts config: engine: '" + engine + "' is not one of espeak, flite, festival, external");
  if (!(rate >= 0.3 && rate <= 3.0)) throw Error("tts config: rate: " + std::to_string(rate) + " is outside [0.3, 3]");
  if (pitch < 0 || pitch > 100) throw Error("tts config: pitch: " + std::to_string(pitch) + " is outside [0, 100]");
  if (engine == "external") {
    if (external_audio.empty()) throw Error("tts config: external_audio: the external engine needs an audio file");
    if (external_timings.empty())
      throw Error("tts config: external_timings: the external engine needs word timings (.srt, .vtt or .tsv)");
  }
}

std::string TtsConfig::to_string() const {
  std::ostringstream s;
  s << "TtsConfig(engine=" << engine << ", voice=" << (voice.empty() ? "(default)" : voice) << ", rate=" << rate
    << ", pitch=" << pitch;
  if (engine == "external")
    s << ", external_audio=" << external_audio << ", external_timings=" << external_timings
      << ", external_phonemes=" << (external_phonemes ? "true" : "false");
  s << ")";
  return s.str();
}

std::unique_ptr<Tts> make_tts(const TtsConfig& config) {
  config.validate();
  if (config.engine == "espeak") return make_espeak(config);
  if (config.engine == "flite") return make_flite(config);
  if (config.engine == "festival") return make_festival(config);
  return make_external(config);
}

void close_phoneme_ends(std::vector<PhonemeEvent>& p, double total_s) {
  for (std::size_t i = 0; i < p.size(); ++i)
    p[i].end_s = i + 1 < p.size() ? p[i + 1].start_s : std::max(total_s, p[i].start_s);
}

// ------------------------------------------------------------------- events TSV

std::string events_tsv(const TtsResult& r) {
  std::ostringstream s;
  s << "# emosync events v1 phone_set=" << viseme::to_string(r.phone_set) << "\n";
  s << "kind\tstart_s\tend_s\tlabel\ttext_begin\ttext_end\n";
  char buf[64];
  for (const auto& p : r.phonemes) {
    std::snprintf(buf, sizeof buf, "%.4f\t%.4f", p.start_s, p.end_s);
    s << "phoneme\t" << buf << "\t" << p.symbol << "\t-\t-\n";
  }
  for (const auto& w : r.words) {
    std::snprintf(buf, sizeof buf, "%.4f\t%.4f", w.start_s, w.end_s);
    std::string label = w.text;
    std::replace(label.begin(), label.end(), '\t', ' ');
    s << "word\t" << buf << "\t" << label << "\t" << w.text_begin << "\t" << w.text_end << "\n";
  }
  return s.str();
}

void write_events_tsv(const std::string& path, const TtsResult& r) { io::write_file_atomic(path, events_tsv(r)); }

namespace {
std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::size_t b = 0;
  while (true) {
    auto e = line.find('\t', b);
    out.push_back(line.substr(b, e == std::string::npos ? std::string::npos : e - b));
    if (e == std::string::npos) break;
    b = e + 1;
  }
  return out;
}

double parse_seconds(const std::string& s, const std::string& where) {
  try {
    std::size_t used = 0;
    double v = std::stod(s, &used);
    if (used == s.size()) return v;
  } catch (const std::exception&) {
  }
  throw Error(where + ": '" + s + "' is not a number of seconds");
}
}  // namespace

TtsResult read_events_tsv(const std::string& path) {
  std::istringstream in(io::read_file(path));
  TtsResult r;
  std::string line;
  int n = 0;
  bool header = false;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string where = path + ":" + std::to_string(n);
    if (line.empty()) continue;
    if (line[0] == '#') {
      auto k = line.find("phone_set=");
      if (k != std::string::npos) {
        std::string set = line.substr(k + 10);
        set = set.substr(0, set.find_first_of(" \t"));
        try {
          r.phone_set = viseme::phone_set_from_string(set);
        } catch (const Error& e) {
          throw Error(where + ": " + e.what());
        }
      }
      continue;
    }
    auto f = split_tabs(line);
    if (!header) {
      if (f.size() < 4 || f[0] != "kind") throw Error(where + ": expected the header 'kind<TAB>start_s<TAB>end_s<TAB>label...'");
      header = true;
      continue;
    }
    if (f.size() < 4) throw Error(where + ": expected at least 4 tab-separated fields, got " + std::to_string(f.size()));
    double a = parse_seconds(f[1], where + ": start_s"), b = parse_seconds(f[2], where + ": end_s");
    if (b < a) throw Error(where + ": end_s " + f[2] + " is before start_s " + f[1]);
    if (f[0] == "phoneme") {
      r.phonemes.push_back({f[3], a, b});
    } else if (f[0] == "word") {
      WordEvent w;
      w.text = f[3];
      w.start_s = a;
      w.end_s = b;
      if (f.size() >= 6 && f[4] != "-") {
        w.text_begin = static_cast<std::size_t>(parse_seconds(f[4], where + ": text_begin"));
        w.text_end = static_cast<std::size_t>(parse_seconds(f[5], where + ": text_end"));
      }
      r.words.push_back(w);
    } else {
      throw Error(where + ": kind '" + f[0] + "' is neither phoneme nor word");
    }
  }
  if (!header) throw Error(path + ": no header line (is this an events TSV?)");
  return r;
}

// ----------------------------------------------------------------- word timings

void locate_words(const std::string& text, std::vector<WordEvent>& words) {
  std::string lower(text);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::size_t cursor = 0;
  for (auto& w : words) {
    std::string needle(w.text);
    for (auto& c : needle) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto pos = needle.empty() ? std::string::npos : lower.find(needle, cursor);
    if (pos == std::string::npos) {
      w.text_begin = w.text_end = cursor;
      continue;
    }
    w.text_begin = pos;
    w.text_end = pos + needle.size();
    cursor = w.text_end;
  }
}

namespace {
// "HH:MM:SS,mmm", "HH:MM:SS.mmm" or "MM:SS.mmm"
double parse_cue_time(std::string s, const std::string& where) {
  std::replace(s.begin(), s.end(), ',', '.');
  double total = 0;
  std::size_t b = 0;
  int parts = 0;
  while (true) {
    auto e = s.find(':', b);
    std::string part = s.substr(b, e == std::string::npos ? std::string::npos : e - b);
    total = total * 60 + parse_seconds(part, where + ": cue time '" + s + "'");
    ++parts;
    if (e == std::string::npos) break;
    b = e + 1;
  }
  if (parts < 2 || parts > 3) throw Error(where + ": cue time '" + s + "' is not HH:MM:SS.mmm");
  return total;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> split_words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

// One cue with possibly several words: share the cue's time in proportion to word length.
void add_cue(std::vector<WordEvent>& out, double a, double b, const std::string& text) {
  auto words = split_words(text);
  if (words.empty()) return;
  std::size_t total = 0;
  for (const auto& w : words) total += w.size();
  double t = a;
  for (const auto& w : words) {
    double d = (b - a) * static_cast<double>(w.size()) / static_cast<double>(total);
    WordEvent e;
    e.text = w;
    e.start_s = t;
    e.end_s = t + d;
    t += d;
    out.push_back(e);
  }
}

std::vector<WordEvent> read_subtitles(const std::string& path, const std::string& body) {
  std::vector<WordEvent> out;
  std::istringstream in(body);
  std::string line;
  int n = 0;
  bool in_cue = false;
  double a = 0, b = 0;
  std::string text;
  auto flush = [&] {
    if (in_cue) add_cue(out, a, b, text);
    in_cue = false;
    text.clear();
  };
  while (std::getline(in, line)) {
    ++n;
    line = trim(line);
    auto arrow = line.find("-->");
    if (arrow != std::string::npos) {
      flush();
      std::string where = path + ":" + std::to_string(n);
      a = parse_cue_time(trim(line.substr(0, arrow)), where);
      std::string rest = trim(line.substr(arrow + 3));
      b = parse_cue_time(rest.substr(0, rest.find_first_of(" \t")), where);
      if (b < a) throw Error(where + ": cue ends before it starts");
      in_cue = true;
    } else if (line.empty()) {
      flush();
    } else if (in_cue) {
      text += (text.empty() ? "" : " ") + line;
    }
  }
  flush();
  return out;
}

std::vector<WordEvent> read_timing_tsv(const std::string& path, const std::string& body) {
  std::vector<WordEvent> out;
  std::istringstream in(body);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string s0, s1;
    ls >> s0 >> s1;
    std::string word;
    std::getline(ls, word);
    word = trim(word);
    std::string where = path + ":" + std::to_string(n);
    if (n == 1 && !std::isdigit(static_cast<unsigned char>(s0[0])) && s0[0] != '.') continue;  // header
    WordEvent e;
    e.start_s = parse_seconds(s0, where + ": start_s");
    e.end_s = parse_seconds(s1, where + ": end_s");
    if (e.end_s < e.start_s) throw Error(where + ": end_s is before start_s");
    if (word.empty()) throw Error(where + ": expected 'start_s end_s word'");
    e.text = word;
    out.push_back(e);
  }
  return out;
}
}  // namespace

std::vector<WordEvent> read_word_timings(const std::string& path, const std::string& text) {
  std::string body = io::read_file(path);
  if (body.size() >= 3 && static_cast<unsigned char>(body[0]) == 0xEF) body = body.substr(3);  // UTF-8 BOM
  auto ends_with = [&](const char* ext) {
    std::string e(ext);
    return path.size() >= e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0;
  };
  bool subtitles = ends_with(".srt") || ends_with(".vtt") || body.rfind("WEBVTT", 0) == 0 ||
                   body.find("-->") != std::string::npos;
  std::vector<WordEvent> words = subtitles ? read_subtitles(path, body) : read_timing_tsv(path, body);
  if (words.empty()) throw Error(path + ": no word timings found");
  for (std::size_t i = 1; i < words.size(); ++i)
    if (words[i].start_s + 1e-6 < words[i - 1].start_s)
      throw Error(path + ": word '" + words[i].text + "' starts before the word before it");
  if (!text.empty()) locate_words(text, words);
  return words;
}

}  // namespace emosync::tts
