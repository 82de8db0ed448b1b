// espeak-ng through its C API, one utterance per child process.
//
// The library carries state from one utterance to the next that no call of its API
// resets (the waveform's phase, the pause after the previous clause, ...): the same
// text spoken after another comes out up to ~50 ms longer or shorter, with other
// samples. Training data must be a pure function of its input, so every synthesis
// runs in a fresh process: fork, initialise espeak-ng there, speak once, send the
// samples and events back through a pipe, exit. (espeak_Terminate followed by
// espeak_Initialize would be cheaper, but hangs in espeak-ng 1.51.) A fork plus the
// library's start-up costs ~10-40 ms per call; the parent never initialises
// espeak-ng, so every child starts from the same state.
#include <espeak-ng/speak_lib.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <vector>

#include "io/error.h"
#include "tts/engines.h"

namespace emosync::tts {
namespace {

// What a child sends back: a header, the samples, the events.
enum class ChildStatus : std::int32_t { Ok = 0, InitFailed = 1, UnknownVoice = 2, SynthFailed = 3 };

struct Header {
  ChildStatus status = ChildStatus::Ok;
  std::int32_t rate_hz = 0;
  std::int32_t error = 0;  // espeak_ERROR of a failed synthesis
  std::uint64_t samples = 0, events = 0;
};

struct Event {  // the fields of espeak_EVENT this engine uses
  std::int32_t type = 0, sample = 0, text_position = 0, length = 0;
  char phoneme[8] = {0};
};

struct Collector {
  std::vector<std::int16_t> samples;
  std::vector<Event> events;
};

int synth_callback(short* wav, int n, espeak_EVENT* events) {
  Collector* c = nullptr;
  for (espeak_EVENT* e = events; e->type != espeakEVENT_LIST_TERMINATED; ++e) {
    c = static_cast<Collector*>(e->user_data);
    if (c && (e->type == espeakEVENT_PHONEME || e->type == espeakEVENT_WORD)) {
      Event ev;
      ev.type = e->type;
      ev.sample = e->sample;
      ev.text_position = e->text_position;
      ev.length = e->length;
      if (e->type == espeakEVENT_PHONEME) std::memcpy(ev.phoneme, e->id.string, sizeof ev.phoneme);
      c->events.push_back(ev);
    }
  }
  if (!c) c = static_cast<Collector*>(events->user_data);
  if (c && wav) c->samples.insert(c->samples.end(), wav, wav + n);
  return 0;  // continue
}

bool write_all(int fd, const void* data, std::size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

// Reads n bytes, waiting no later than `deadline` for each of them. Returns false at
// end of file, on an error or when the deadline passes (*timed_out says which).
bool read_all(int fd, void* data, std::size_t n, std::chrono::steady_clock::time_point deadline, bool* timed_out) {
  char* p = static_cast<char*>(data);
  while (n > 0) {
    if (!wait_readable(fd, deadline)) {
      *timed_out = std::chrono::steady_clock::now() >= deadline;
      return false;
    }
    ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

// espeak-ng speaks "voice+variant" without the variant when it has no such file: a
// voice list with a typo must fail, not quietly speak another voice.
bool variant_installed(const std::string& voice) {
  auto plus = voice.find('+');
  if (plus == std::string::npos) return true;
  const char* data = nullptr;
  espeak_Info(&data);
  return data && ::access((std::string(data) + "/voices/!v/" + voice.substr(plus + 1)).c_str(), R_OK) == 0;
}

// The child's whole life: no exceptions, no locks of the parent, only espeak-ng,
// the heap and write(2). Returns the exit code.
int speak_in_child(int fd, const TtsConfig& c, const std::string& text) {
  Header h;
  Collector col;
  h.rate_hz = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr,
                                espeakINITIALIZE_PHONEME_EVENTS | espeakINITIALIZE_DONT_EXIT);
  if (h.rate_hz <= 0) {
    h.status = ChildStatus::InitFailed;
  } else if (!variant_installed(c.voice) || espeak_SetVoiceByName(c.voice.c_str()) != EE_OK) {
    h.status = ChildStatus::UnknownVoice;
  } else if (!text.empty()) {
    espeak_SetSynthCallback(synth_callback);
    espeak_SetParameter(espeakRATE, static_cast<int>(175 * c.rate + 0.5), 0);
    espeak_SetParameter(espeakPITCH, c.pitch, 0);
    espeak_ERROR err = espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr, &col);
    if (err != EE_OK) {
      h.status = ChildStatus::SynthFailed;
      h.error = err;
    }
  }
  h.samples = col.samples.size();
  h.events = col.events.size();
  bool ok = write_all(fd, &h, sizeof h) && write_all(fd, col.samples.data(), col.samples.size() * sizeof(std::int16_t)) &&
            write_all(fd, col.events.data(), col.events.size() * sizeof(Event));
  return ok ? 0 : 1;
}

// Runs one synthesis in a fresh process. Throws emosync::Error naming the problem.
Collector speak_in_fresh_process(const TtsConfig& c, const std::string& text, int* rate_hz) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw Error("espeak-ng: cannot create a pipe: " + std::string(std::strerror(errno)));
  pid_t pid;
  {
    std::lock_guard<std::mutex> rand_lock(c_rand_mutex());  // engines.h: no thread is inside rand()
    pid = ::fork();
  }
  if (pid < 0) {
    int e = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    throw Error("espeak-ng: cannot start a synthesis process: " + std::string(std::strerror(e)));
  }
  if (pid == 0) {
    ::close(fds[0]);
    ::_exit(speak_in_child(fds[1], c, text));
  }
  ::close(fds[1]);
  // A child that never answers (stuck on a lock it inherited from a thread of the parent
  // that held it at fork: glibc's malloc guards against that, some sanitizer runtimes do
  // not) is killed rather than waited for forever. espeak-ng speaks a sentence in tens of
  // milliseconds; the limit leaves room for long texts and slow (instrumented) builds.
  const auto limit = std::chrono::seconds(60 + text.size() / 100);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  bool timed_out = false;
  // Read exactly what the header announces (not up to EOF: another thread's child may
  // hold a copy of this pipe's write end for a moment).
  Header h;
  Collector col;
  bool ok = read_all(fds[0], &h, sizeof h, deadline, &timed_out);
  // A child speaks at most what fits a pipe-fed vector: guard against a garbled header.
  constexpr std::uint64_t kMaxSamples = std::uint64_t{1} << 31;
  ok = ok && h.samples < kMaxSamples && h.events < kMaxSamples;
  if (ok) {
    col.samples.resize(h.samples);
    col.events.resize(h.events);
    ok = read_all(fds[0], col.samples.data(), col.samples.size() * sizeof(std::int16_t), deadline, &timed_out) &&
         read_all(fds[0], col.events.data(), col.events.size() * sizeof(Event), deadline, &timed_out);
  }
  ::close(fds[0]);
  const int status = reap_child(pid, timed_out);
  if (timed_out)
    throw Error("espeak-ng: the synthesis process gave no answer in " + std::to_string(limit.count()) + " s and was stopped");
  if (!ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw Error("espeak-ng: the synthesis process " +
                (WIFSIGNALED(status) ? "was killed by signal " + std::to_string(WTERMSIG(status))
                                     : "ended without its result"));
  switch (h.status) {
    case ChildStatus::Ok: break;
    case ChildStatus::InitFailed: throw Error("espeak-ng: initialisation failed (is espeak-ng-data installed?)");
    case ChildStatus::UnknownVoice:
      throw Error("espeak-ng: unknown voice '" + c.voice + "' (try en-us, en, en-gb-x-rp; variants: en-us+f3, +m2, +klatt)");
    case ChildStatus::SynthFailed:
      throw Error("espeak-ng: synthesis failed (error " + std::to_string(h.error) + ")");
  }
  *rate_hz = h.rate_hz;
  return col;
}

// Byte offset of the `chars`-th UTF-8 character (0-based) of `text`.
std::size_t utf8_byte_offset(const std::string& text, std::size_t chars) {
  std::size_t i = 0;
  while (i < text.size() && chars > 0) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
    --chars;
  }
  return i;
}

class EspeakTts : public Tts {
 public:
  explicit EspeakTts(const TtsConfig& c) : config_(c) {
    if (config_.voice.empty()) config_.voice = "en-us";
    int rate_hz = 0;
    speak_in_fresh_process(config_, "", &rate_hz);  // checks the voice
  }
  std::string name() const override { return "espeak-ng:" + config_.voice; }

  TtsResult synthesize(const std::string& text) override {
    int rate_hz = 0;
    Collector c = speak_in_fresh_process(config_, text, &rate_hz);

    TtsResult r;
    r.phone_set = viseme::PhoneSet::Espeak;
    r.audio.sample_rate = rate_hz;
    r.audio.samples.reserve(c.samples.size());
    for (std::int16_t s : c.samples) r.audio.samples.push_back(static_cast<float>(s) / 32768.f);
    double total = r.audio.duration_s();
    const auto& map = viseme::PhonemeMap::standard(viseme::PhoneSet::Espeak);
    for (const auto& e : c.events) {
      double t = std::min(static_cast<double>(e.sample) / rate_hz, total);
      if (e.type == espeakEVENT_PHONEME) {
        r.phonemes.push_back({std::string(e.phoneme, strnlen(e.phoneme, sizeof e.phoneme)), t, t});
      } else {
        WordEvent w;
        std::size_t first = e.text_position > 0 ? static_cast<std::size_t>(e.text_position - 1) : 0;
        w.text_begin = utf8_byte_offset(text, first);
        w.text_end = utf8_byte_offset(text, first + static_cast<std::size_t>(std::max(e.length, 0)));
        w.text = text.substr(w.text_begin, w.text_end - w.text_begin);
        w.start_s = t;
        r.words.push_back(w);
      }
    }
    close_phoneme_ends(r.phonemes, total);
    // A word ends where the next begins, less any pause between them.
    for (std::size_t i = 0; i < r.words.size(); ++i) {
      double end = i + 1 < r.words.size() ? r.words[i + 1].start_s : total;
      for (const auto& p : r.phonemes) {
        if (p.start_s <= r.words[i].start_s || p.start_s >= end) continue;
        auto v = map.try_lookup(p.symbol);
        if (v && *v == viseme::Viseme::sil) {
          end = p.start_s;
          break;
        }
      }
      r.words[i].end_s = std::max(end, r.words[i].start_s);
    }
    return r;
  }

 private:
  TtsConfig config_;
};

}  // namespace

std::unique_ptr<Tts> make_espeak(const TtsConfig& c) { return std::make_unique<EspeakTts>(c); }

}  // namespace emosync::tts
