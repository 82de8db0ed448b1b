// Tagged text → per-frame 19-dim conditioning for POST /api/expression.
// ARCHITECTURE.md §4: a tag holds until the next one, "[name]" uses a default intensity,
// each boundary gets a smoothstep crossfade of ±crossfade_s that shrinks so two never
// overlap. This is the server's own small version until src/timeline is linked here.
#include <algorithm>
#include <cctype>
#include <cmath>

#include "emotion/classes.h"
#include "io/error.h"
#include "server/backend.h"

namespace emosync::server::detail {
namespace {

constexpr float kDefaultIntensity = 60.f;
constexpr double kSecondsPerWord = 0.38;

struct Tagged {
  std::size_t emotion;
  float intensity;
  std::size_t first_word;  // index of the first word the tag applies to
};

std::string trim(const std::string& s) {
  std::size_t a = s.find_first_not_of(" \t\r\n"), b = s.find_last_not_of(" \t\r\n");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

void parse(const std::string& text, std::vector<Tagged>& tags, std::vector<std::string>& words) {
  std::string word;
  auto flush = [&] {
    if (!word.empty()) words.push_back(word);
    word.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '[') {
      std::size_t close = text.find(']', i);
      if (close == std::string::npos) throw Error("text: unclosed tag at character " + std::to_string(i + 1));
      flush();
      std::string body = text.substr(i + 1, close - i - 1);
      std::string name = body, level;
      if (auto colon = body.find(':'); colon != std::string::npos) {
        name = body.substr(0, colon);
        level = trim(body.substr(colon + 1));
      }
      name = trim(name);
      auto cls = emotion::find(name);
      if (!cls) throw Error("text: unknown emotion '" + name + "' in tag [" + body + "]; valid: " + emotion::valid_names_text());
      float intensity = kDefaultIntensity;
      if (!level.empty()) {
        char* end = nullptr;
        double v = std::strtod(level.c_str(), &end);
        if (end == level.c_str() || *end != '\0' || !(v >= 0 && v <= 100))
          throw Error("text: intensity in tag [" + body + "] must be a number in [0, 100]");
        intensity = static_cast<float>(v);
      }
      tags.push_back({*cls, intensity, words.size()});
      i = close;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      flush();
    } else {
      word += c;
    }
  }
  flush();
}

double smoothstep(double x) {
  x = std::clamp(x, 0.0, 1.0);
  return x * x * (3 - 2 * x);
}

}  // namespace

Expression expression(const std::string& tagged, const std::vector<Word>& words_in, double duration, double fps,
                      double crossfade_s) {
  std::vector<Tagged> tags;
  std::vector<std::string> words;
  parse(tagged, tags, words);
  if (words.empty()) throw Error("text: no words to animate");
  if (tags.empty() || tags.front().first_word > 0) tags.insert(tags.begin(), {emotion::kNeutral, 0.f, 0});

  std::vector<Word> timed;
  if (!words_in.empty()) {
    if (words_in.size() != words.size())
      throw Error("words: " + std::to_string(words_in.size()) + " timed words but the text has " +
                  std::to_string(words.size()));
    timed = words_in;
  } else {
    double total = duration > 0 ? duration : kSecondsPerWord * static_cast<double>(words.size()) + 0.5;
    double per = total / static_cast<double>(words.size());
    for (std::size_t i = 0; i < words.size(); ++i)
      timed.push_back({words[i], per * static_cast<double>(i), per * static_cast<double>(i + 1)});
  }
  Expression out;
  out.duration = std::max(duration, timed.back().end);

  // Segments: a tag starts at its first word's start (the first one at 0) and holds.
  for (std::size_t k = 0; k < tags.size(); ++k) {
    Segment s;
    s.emotion = tags[k].emotion;
    s.intensity = tags[k].intensity;
    s.start = k == 0 ? 0.0 : (tags[k].first_word < timed.size() ? timed[tags[k].first_word].start : out.duration);
    out.segments.push_back(s);
  }
  for (std::size_t k = 0; k < out.segments.size(); ++k)
    out.segments[k].end = k + 1 < out.segments.size() ? out.segments[k + 1].start : out.duration;
  // Drop empty segments (two tags in a row: the later one wins).
  out.segments.erase(std::remove_if(out.segments.begin(), out.segments.end(),
                                    [](const Segment& s) { return s.end - s.start <= 1e-9; }),
                     out.segments.end());
  if (out.segments.empty()) out.segments.push_back({emotion::kNeutral, 0.f, 0.0, out.duration});

  std::vector<emotion::Conditioning> seg_cond;
  for (const auto& s : out.segments) seg_cond.push_back(emotion::make_conditioning(s.emotion, s.intensity));
  // Half-width of the crossfade at each boundary k (between segment k-1 and k).
  std::vector<double> half(out.segments.size(), 0.0);
  for (std::size_t k = 1; k < out.segments.size(); ++k) {
    double room = std::min(out.segments[k - 1].end - out.segments[k - 1].start, out.segments[k].end - out.segments[k].start);
    half[k] = std::min(crossfade_s, room / 2);
  }
  auto frames = static_cast<std::size_t>(std::ceil(out.duration * fps - 1e-9));
  frames = std::max<std::size_t>(frames, 1);
  for (std::size_t f = 0; f < frames; ++f) {
    double t = static_cast<double>(f) / fps;
    std::size_t k = 0;
    while (k + 1 < out.segments.size() && t >= out.segments[k + 1].start) ++k;
    emotion::Conditioning c = seg_cond[k];
    // Near the boundary into k (or out of k), blend with the neighbour.
    if (k > 0 && half[k] > 0 && t < out.segments[k].start + half[k]) {
      double x = (t - (out.segments[k].start - half[k])) / (2 * half[k]);
      c = emotion::blend(seg_cond[k - 1], seg_cond[k], static_cast<float>(smoothstep(x)));
    } else if (k + 1 < out.segments.size() && half[k + 1] > 0 && t >= out.segments[k + 1].start - half[k + 1]) {
      double x = (t - (out.segments[k + 1].start - half[k + 1])) / (2 * half[k + 1]);
      c = emotion::blend(seg_cond[k], seg_cond[k + 1], static_cast<float>(smoothstep(x)));
    }
    out.conditioning.push_back(c);
  }
  return out;
}

}  // namespace emosync::server::detail
