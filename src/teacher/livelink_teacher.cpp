// Recorded teacher: a Live Link Face capture (CSV) resampled to the model fps.
// Columns are matched by name, case-insensitively (captures disagree on
// "BlendShapeCount" vs "BlendshapeCount"; blendshapes come in PascalCase), never by
// index: the app's header swaps the labels of the Jaw and Mouth Left/Right pairs
// relative to Apple's order, and mapping by name is what keeps values on the label
// they were written under.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

#include "io/atomic_file.h"
#include "io/error.h"
#include "teacher/teacher.h"

namespace emosync::teacher {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n\"");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n\"") - b + 1);
}

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(trim(item));
  if (!line.empty() && line.back() == ',') out.push_back("");
  return out;
}

bool is_rotation(const std::string& l) {
  static const char* kRot[] = {"headyaw",     "headpitch",     "headroll",     "lefteyeyaw", "lefteyepitch",
                               "lefteyeroll", "righteyeyaw", "righteyepitch", "righteyeroll"};
  for (const char* r : kRot)
    if (l == r) return true;
  return false;
}

struct Timecode {
  double seconds;  // HH:MM:SS
  double frame;    // FF.mmm
};

Timecode parse_timecode(const std::string& s, const std::string& where) {
  int h = 0, m = 0, sec = 0;
  double ff = 0;
  char c1 = 0, c2 = 0, c3 = 0;
  std::istringstream in(s);
  in >> h >> c1 >> m >> c2 >> sec >> c3 >> ff;
  if (!in || c1 != ':' || c2 != ':' || c3 != ':' || m > 59 || sec > 59 || ff < 0)
    throw Error(where + ": timecode '" + s + "' is not HH:MM:SS:FF.mmm");
  return {h * 3600.0 + m * 60.0 + sec, ff};
}

}  // namespace

Animation read_livelink_csv(const std::string& path, double capture_fps) {
  std::istringstream in(io::read_file(path));
  std::string line;
  if (!std::getline(in, line)) throw Error(path + ": empty file");
  auto header = split_csv(line);
  if (header.size() < 2 || lower(header[0]) != "timecode" || lower(header[1]) != "blendshapecount")
    throw Error(path + ":1: header must start with Timecode,BlendShapeCount");
  std::vector<int> to_channel(header.size(), -1);
  std::vector<bool> seen(arkit::kCount, false);
  for (std::size_t i = 2; i < header.size(); ++i) {
    std::string l = lower(header[i]);
    if (l.empty() || is_rotation(l)) continue;
    auto c = arkit::find_loose(header[i]);
    if (!c) throw Error(path + ":1: column " + std::to_string(i + 1) + " '" + header[i] + "' is not an ARKit blendshape");
    if (seen[*c]) throw Error(path + ":1: column '" + header[i] + "' appears twice");
    seen[*c] = true;
    to_channel[i] = static_cast<int>(*c);
  }
  for (std::size_t c = 0; c < arkit::kCount; ++c)
    if (!seen[c]) throw Error(path + ":1: no column for blendshape '" + std::string(arkit::names()[c]) + "'");

  std::vector<Timecode> times;
  std::vector<float> values;
  int n = 1;
  while (std::getline(in, line)) {
    ++n;
    if (trim(line).empty()) continue;
    std::string where = path + ":" + std::to_string(n);
    auto f = split_csv(line);
    if (f.size() < header.size())
      throw Error(where + ": " + std::to_string(f.size()) + " fields, the header has " + std::to_string(header.size()));
    times.push_back(parse_timecode(f[0], where));
    std::size_t base = values.size();
    values.resize(base + arkit::kCount, 0.f);
    for (std::size_t i = 2; i < header.size(); ++i) {
      if (to_channel[i] < 0) continue;
      try {
        std::size_t used = 0;
        float v = std::stof(f[i], &used);
        if (used != f[i].size() || !std::isfinite(v)) throw std::invalid_argument(f[i]);
        values[base + static_cast<std::size_t>(to_channel[i])] = std::clamp(v, 0.f, 1.f);
      } catch (const std::exception&) {
        throw Error(where + ": " + header[i] + ": '" + f[i] + "' is not a number");
      }
    }
  }
  if (times.empty()) throw Error(path + ": no frames");

  if (capture_fps <= 0) {
    // FF counts frames within a second at the app's rate: the largest one seen tells
    // the rate once the capture spans a second boundary; shorter ones assume the
    // app's default of 60 fps.
    double max_ff = 0;
    for (const auto& t : times) max_ff = std::max(max_ff, std::floor(t.frame));
    bool wraps = times.back().seconds > times.front().seconds;
    capture_fps = 60;
    if (wraps)
      for (double r : {24.0, 25.0, 30.0, 48.0, 50.0, 60.0, 120.0})
        if (max_ff < r) {
          capture_fps = r;
          break;
        }
  }
  // Rows sit at their timecode's time; build a uniform grid at capture_fps from the first row.
  std::vector<double> t(times.size());
  for (std::size_t i = 0; i < times.size(); ++i) t[i] = times[i].seconds + times[i].frame / capture_fps;
  double t0 = t[0];
  for (std::size_t i = 1; i < t.size(); ++i)
    if (t[i] < t[i - 1] - 1e-9)
      throw Error(path + ":" + std::to_string(i + 2) + ": timecode goes backwards");
  Animation a;
  a.fps = capture_fps;
  a.frames = static_cast<std::size_t>(std::floor((t.back() - t0) * capture_fps + 1e-6)) + 1;
  a.data.assign(a.frames * arkit::kCount, 0.f);
  std::size_t j = 0;
  for (std::size_t f = 0; f < a.frames; ++f) {
    double tf = t0 + f / capture_fps;
    while (j + 1 < t.size() && t[j + 1] <= tf) ++j;
    std::size_t k = std::min(j + 1, t.size() - 1);
    double span = t[k] - t[j];
    float w = span > 1e-9 ? static_cast<float>(std::clamp((tf - t[j]) / span, 0.0, 1.0)) : 0.f;
    for (std::size_t c = 0; c < arkit::kCount; ++c)
      a.at(f, c) = (1 - w) * values[j * arkit::kCount + c] + w * values[k * arkit::kCount + c];
  }
  return a;
}

void LiveLinkConfig::validate() const {
  if (path.empty()) throw Error("live link config: path: no capture file given");
  if (capture_fps < 0) throw Error("live link config: capture_fps: must be >= 0 (0 = infer)");
}

namespace {
class LiveLinkTeacher : public Teacher {
 public:
  explicit LiveLinkTeacher(const LiveLinkConfig& c) : capture_(read_livelink_csv(c.path, c.capture_fps)) {}
  std::string name() const override { return "livelink"; }
  Animation animate(const TeacherInput& in, double fps) override {
    double dur = in.audio ? in.audio->duration_s() : capture_.duration_s();
    return resample_time(capture_, fps, frame_count(dur, fps));
  }

 private:
  Animation capture_;
};
}  // namespace

std::unique_ptr<Teacher> make_livelink_teacher(const LiveLinkConfig& config) {
  config.validate();
  return std::make_unique<LiveLinkTeacher>(config);
}

}  // namespace emosync::teacher
