#include "teacher/teacher.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "io/atomic_file.h"
#include "io/error.h"

namespace emosync::teacher {

PhoneTimeline timeline_from_events(const tts::TtsResult& r) {
  PhoneTimeline t;
  t.phone_set = r.phone_set;
  for (const auto& p : r.phonemes) t.phones.push_back({p.symbol, p.start_s, std::max(p.end_s, p.start_s)});
  return t;
}

PhoneTimeline read_alignment_tsv(const std::string& path) {
  std::istringstream in(io::read_file(path));
  PhoneTimeline t;
  t.phone_set = viseme::PhoneSet::Arpabet;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::string where = path + ":" + std::to_string(n);
    std::vector<std::string> f;
    std::size_t b = 0;
    while (true) {
      auto e = line.find('\t', b);
      f.push_back(line.substr(b, e == std::string::npos ? std::string::npos : e - b));
      if (e == std::string::npos) break;
      b = e + 1;
    }
    if (f.size() < 2) throw Error(where + ": expected start_s<TAB>end_s<TAB>label");
    if (f[0] == "start_s" || f[0] == "start") continue;  // header
    TimedPhone p;
    try {
      std::size_t u1 = 0, u2 = 0;
      p.start_s = std::stod(f[0], &u1);
      p.end_s = std::stod(f[1], &u2);
      if (u1 != f[0].size() || u2 != f[1].size()) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
      throw Error(where + ": start_s/end_s '" + f[0] + "', '" + f[1] + "' are not numbers");
    }
    if (p.end_s < p.start_s) throw Error(where + ": end_s is before start_s");
    if (!t.phones.empty() && p.start_s + 1e-6 < t.phones.back().start_s)
      throw Error(where + ": phone starts before the phone above it");
    p.symbol = f.size() >= 3 ? f[2] : "";
    t.phones.push_back(p);
  }
  if (t.phones.empty()) throw Error(path + ": no phones");
  return t;
}

std::size_t frame_count(double duration_s, double fps) {
  if (!(fps > 0)) throw Error("fps must be positive, got " + std::to_string(fps));
  if (!(duration_s > 0)) return 0;
  return static_cast<std::size_t>(std::ceil(duration_s * fps - 1e-9));
}

std::vector<float> rms_envelope(const audio::Audio& a, double fps, std::size_t frames, double window_s) {
  std::vector<float> out(frames, 0.f);
  if (a.samples.empty() || a.sample_rate <= 0) return out;
  // Prefix sums of squares make every window O(1).
  std::vector<double> cum(a.samples.size() + 1, 0.0);
  for (std::size_t i = 0; i < a.samples.size(); ++i) cum[i + 1] = cum[i] + double(a.samples[i]) * a.samples[i];
  const double half = 0.5 * window_s * a.sample_rate;
  const double n = static_cast<double>(a.samples.size());
  for (std::size_t f = 0; f < frames; ++f) {
    double c = f / fps * a.sample_rate;
    auto lo = static_cast<std::size_t>(std::clamp(c - half, 0.0, n));
    auto hi = static_cast<std::size_t>(std::clamp(c + half, 0.0, n));
    if (hi > lo) out[f] = static_cast<float>(std::sqrt((cum[hi] - cum[lo]) / double(hi - lo)));
  }
  return out;
}

Animation resample_time(const Animation& src, double fps, std::size_t frames) {
  Animation out;
  out.fps = fps;
  out.frames = frames;
  out.data.assign(frames * arkit::kCount, 0.f);
  if (src.frames == 0) return out;
  for (std::size_t i = 0; i < frames; ++i) {
    double pos = std::clamp(i / fps * src.fps, 0.0, double(src.frames - 1));
    auto j = static_cast<std::size_t>(pos);
    std::size_t k = std::min(j + 1, src.frames - 1);
    float w = static_cast<float>(pos - j);
    for (std::size_t c = 0; c < arkit::kCount; ++c) out.at(i, c) = (1 - w) * src.at(j, c) + w * src.at(k, c);
  }
  return out;
}

}  // namespace emosync::teacher
