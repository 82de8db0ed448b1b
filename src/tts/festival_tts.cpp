// Festival (Debian's `festival` with festvox voices) as a TTS engine. Festival has no
// C API worth linking (its headers drag in the whole Edinburgh Speech Tools), so each
// synthesis runs the program once: a small Scheme script selects the voice, speaks
// the text, saves the wave to a temporary folder and prints every segment (phone)
// of the utterance's Segment relation with its end time, and every word with its
// token, start and end. A fresh process per utterance also makes the speech a
// function of (text, settings) alone, as the other engines promise.
//
// The US voices (kal_diphone, ked_diphone, cmu_us_slt_arctic_hts) speak Festival's
// "radio" phone set: ARPAbet in lower case with pau / h# / brth for silence. The
// events come out as ARPAbet (upper case, silence = sil), the set of the teacher's
// alignments; a phone outside it (a voice with another phone set, e.g. mrpa) is an
// error that names the voice and the phone, never a silent guess.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "io/atomic_file.h"
#include "io/error.h"
#include "tts/engines.h"

extern char** environ;

namespace emosync::tts {
namespace {

constexpr std::size_t kMaxTextBytes = 10000;            // as `emosync say` / `tts` limit their text
constexpr std::size_t kMaxOutputBytes = 8u << 20;       // festival's printed events; far above any utterance
constexpr const char* kInstall = "festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts";

// The program to run: EMOSYNC_FESTIVAL (a path) or `festival` on PATH.
std::string festival_program() {
  const char* p = std::getenv("EMOSYNC_FESTIVAL");
  return p && *p ? p : "festival";
}

// Short names for the Debian voices; any other [a-z0-9_] name is passed to Festival as is.
std::string festival_voice(const std::string& v) {
  if (v.empty() || v == "kal") return "kal_diphone";
  if (v == "ked" || v == "kdl") return "ked_diphone";
  if (v == "slt" || v == "slt-hts") return "cmu_us_slt_arctic_hts";
  for (char c : v)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_'))
      throw Error("festival: voice: '" + v + "' is not a Festival voice name (letters a-z, digits, _)");
  return v;
}

// A Scheme string literal: quotes and backslashes escaped, control characters as spaces.
std::string scheme_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
  }
  return out + "\"";
}

// Radio phone -> ARPAbet; empty when the phone is not in the set.
std::string to_arpabet(const std::string& p) {
  if (p == "pau" || p == "h#" || p == "brth") return "sil";
  static const char* const kRadio[] = {"aa", "ae", "ah", "ao", "aw", "ax", "axr", "ay", "b",  "ch", "d",  "dh",
                                       "dx", "eh", "el", "en", "er", "ey", "f",   "g",  "hh", "ih", "iy", "jh",
                                       "k",  "l",  "m",  "n",  "ng", "ow", "oy",  "p",  "r",  "s",  "sh", "t",
                                       "th", "uh", "uw", "v",  "w",  "y",  "z",   "zh"};
  for (const char* r : kRadio)
    if (p == r) {
      std::string up(p);
      for (auto& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return up;
    }
  return "";
}

// The script: rate scales the voice's own Duration_Stretch (the diphone voices set 1.1)
// or, for HTS voices, the engine's speed; pitch scales the diphone voices' target f0
// mean. The HTS engine of Debian's festival 2.5 ignores a pitch shift (-fm), so a
// pitch other than 50 on an HTS voice is refused rather than silently dropped.
std::string make_script(const std::string& voice, double rate, int pitch, const std::string* text,
                        const std::string& wav) {
  std::ostringstream s;
  s << "(define (emosync_hts) (string-equal (Parameter.get 'Synth_Method) \"HTS\"))\n"
    << "(voice_" << voice << ")\n"
    << "(format t \"EMOSYNC VOICE\\n\")\n";
  if (!text) return s.str() + "(if (emosync_hts) (format t \"EMOSYNC HTS\\n\"))\n";
  s << "(Parameter.set 'Duration_Stretch (/ (or (Parameter.get 'Duration_Stretch) 1.0) " << rate << "))\n"
    << "(if (emosync_hts) (set! hts_engine_params (append hts_engine_params (list (list \"-r\" " << rate
    << ")))))\n";
  if (pitch != 50) {
    s << "(if (assoc 'target_f0_mean int_lr_params) (set! int_lr_params (cons (list 'target_f0_mean (* "
      << 1.0 + (pitch - 50) / 100.0 << " (car (cdr (assoc 'target_f0_mean int_lr_params))))) int_lr_params)))\n";
  }
  s << "(set! emosync_utt (Utterance Text " << scheme_string(*text) << "))\n"
    << "(utt.synth emosync_utt)\n"
    << "(utt.save.wave emosync_utt " << scheme_string(wav) << " 'riff)\n"
    // Top-level tokens and their words (several words can come from one token: "3" -> three).
    << "(set! emosync_tok (utt.relation.first emosync_utt 'Token))\n"
    << "(while emosync_tok\n"
    << "  (format t \"EMOSYNC T %s\\n\" (item.name emosync_tok))\n"
    << "  (mapcar (lambda (w) (format t \"EMOSYNC W %s %s %s\\n\" (item.feat w \"word_start\")\n"
    << "    (item.feat w \"word_end\") (item.name w))) (item.daughters emosync_tok))\n"
    << "  (set! emosync_tok (item.next emosync_tok)))\n"
    << "(mapcar (lambda (s) (format t \"EMOSYNC S %s %s\\n\" (item.name s) (item.feat s \"end\")))\n"
    << "  (utt.relation.items emosync_utt 'Segment))\n"
    << "(format t \"EMOSYNC END\\n\")\n";
  return s.str();
}

// A temporary folder removed when it goes out of scope.
struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "emosync-festival-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw Error("festival: cannot create a temporary folder: " + std::string(std::strerror(errno)));
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

// Runs `festival --batch script` and returns what it printed (stdout and stderr).
// The child gets no stdin; a run beyond `timeout_s` is killed.
std::string run_festival(const std::string& script, double timeout_s) {
  const std::string program = festival_program();
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw Error("festival: cannot create a pipe: " + std::string(std::strerror(errno)));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  std::string arg_batch = "--batch";
  std::string arg_script = script;
  char* argv[] = {const_cast<char*>(program.c_str()), arg_batch.data(), arg_script.data(), nullptr};
  pid_t pid = 0;
  int err = ::posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (err != 0) {
    ::close(fds[0]);
    throw Error("festival: cannot run '" + program + "': " + std::strerror(err) + " (Debian: apt-get install " +
                kInstall + "; or set EMOSYNC_FESTIVAL to the program)");
  }
  std::string out;
  bool timed_out = false, too_long = false;
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(timeout_s));
  char buf[65536];
  while (true) {
    if (!wait_readable(fds[0], deadline)) {
      timed_out = true;
      break;
    }
    ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > kMaxOutputBytes) {
      too_long = true;
      break;
    }
  }
  ::close(fds[0]);
  const int status = reap_child(pid, timed_out || too_long);
  if (timed_out) throw Error("festival: no result after " + std::to_string(static_cast<int>(timeout_s)) + " s (killed)");
  if (too_long) throw Error("festival: printed more than " + std::to_string(kMaxOutputBytes) + " bytes (killed)");
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
    throw Error("festival: cannot run '" + program + "' (Debian: apt-get install " + std::string(kInstall) + ")");
  return out;
}

// Festival's own words for a failure: its "SIOD ERROR" line, else the last line.
std::string festival_complaint(const std::string& out) {
  auto k = out.find("SIOD ERROR");
  std::string line = k != std::string::npos ? out.substr(k) : out;
  if (k == std::string::npos) {
    auto e = line.find_last_not_of("\n");
    line = e == std::string::npos ? "" : line.substr(0, e + 1);
    auto b = line.rfind('\n');
    if (b != std::string::npos) line = line.substr(b + 1);
  }
  return line.substr(0, line.find('\n'));
}

void check_voice_loaded(const std::string& out, const std::string& voice) {
  if (out.find("EMOSYNC VOICE") != std::string::npos) return;
  if (out.find("unbound variable : voice_" + voice) != std::string::npos)
    throw Error("festival: voice '" + voice + "' is not installed (Debian: " + kInstall + ")");
  throw Error("festival: voice '" + voice + "' failed: " + festival_complaint(out));
}

double parse_time(const std::string& s, const std::string& line) {
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || !std::isfinite(v)) throw Error("festival: bad time in its output line '" + line + "'");
  return v;
}

class FestivalTts : public Tts {
 public:
  explicit FestivalTts(const TtsConfig& c) : config_(c), voice_(festival_voice(c.voice)) {
    TempDir dir;
    std::string script = dir.path + "/voice.scm";
    io::write_file_atomic(script, make_script(voice_, config_.rate, config_.pitch, nullptr, ""));
    const std::string out = run_festival(script, 60);
    check_voice_loaded(out, voice_);
    if (config_.pitch != 50 && out.find("EMOSYNC HTS") != std::string::npos)
      throw Error("festival: pitch: the HTS voice '" + voice_ + "' speaks only at its own pitch (50), not " +
                  std::to_string(config_.pitch));
  }
  std::string name() const override { return "festival:" + voice_; }

  TtsResult synthesize(const std::string& text) override {
    if (text.size() > kMaxTextBytes)
      throw Error("festival: the text has " + std::to_string(text.size()) + " bytes, more than " +
                  std::to_string(kMaxTextBytes));
    TempDir dir;
    const std::string script = dir.path + "/say.scm", wav = dir.path + "/say.wav";
    io::write_file_atomic(script, make_script(voice_, config_.rate, config_.pitch, &text, wav));
    // Festival speaks ~5-50x real time; a minute plus 50 ms per byte is far beyond that.
    const std::string out = run_festival(script, 60 + 0.05 * static_cast<double>(text.size()));
    check_voice_loaded(out, voice_);
    if (out.find("EMOSYNC END") == std::string::npos)
      throw Error("festival: synthesis with voice '" + voice_ + "' failed: " + festival_complaint(out));

    TtsResult r;
    r.phone_set = viseme::PhoneSet::Arpabet;
    r.audio = audio::read_audio(wav);
    const double total = r.audio.duration_s();
    std::vector<WordEvent> tokens;          // one per token that has words with phones
    std::vector<std::size_t> token_of;      // word -> token
    std::string pending_token;
    bool token_used = false;
    double prev_end = 0;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("EMOSYNC ", 0) != 0) continue;
      std::istringstream f(line.substr(8));
      std::string kind, a, b, name;
      f >> kind;
      if (kind == "T") {
        std::getline(f >> std::ws, pending_token);
        token_used = false;
      } else if (kind == "W") {
        f >> a >> b >> name;
        WordEvent w;
        w.start_s = std::min(parse_time(a, line), total);
        w.end_s = std::min(parse_time(b, line), total);
        if (w.end_s <= w.start_s) continue;  // punctuation: a word without phones
        w.text = name;
        if (!token_used) {
          WordEvent t = w;
          t.text = pending_token;
          tokens.push_back(t);
          token_used = true;
        }
        r.words.push_back(w);
        token_of.push_back(tokens.size() - 1);
      } else if (kind == "S") {
        f >> name >> b;
        std::string arpa = to_arpabet(name);
        if (arpa.empty())
          throw Error("festival: voice '" + voice_ + "' spoke the phone '" + name +
                      "', which is not in the radio (ARPAbet) phone set emosync reads");
        double end = std::max(std::min(parse_time(b, line), total), prev_end);
        r.phonemes.push_back({arpa, prev_end, end});
        prev_end = end;
      }
    }
    // The last pause can stop short of the wave's end: it runs to the end.
    if (!r.phonemes.empty()) r.phonemes.back().end_s = std::max(r.phonemes.back().end_s, total);
    locate_words(text, tokens);
    for (std::size_t i = 0; i < r.words.size(); ++i) {
      r.words[i].text_begin = tokens[token_of[i]].text_begin;
      r.words[i].text_end = tokens[token_of[i]].text_end;
    }
    return r;
  }

 private:
  TtsConfig config_;
  std::string voice_;
};

}  // namespace

std::unique_ptr<Tts> make_festival(const TtsConfig& c) { return std::make_unique<FestivalTts>(c); }

}  // namespace emosync::tts
