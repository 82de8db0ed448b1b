#include "export/visemes.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "arkit/blendshapes.h"
#include "export/text.h"
#include "io/atomic_file.h"
#include "io/error.h"

namespace emosync::exporter {
namespace {

constexpr std::size_t kShapes = kVisemeCount - 1;  // every viseme but sil

// Lawson-Hanson NNLS on the normal equations: min w'Gw - 2b'w, w >= 0. Exact for the
// small, well-conditioned systems here (14 unknowns).
std::array<double, kShapes> nnls(const Eigen::Matrix<double, kShapes, kShapes>& g, const Eigen::Matrix<double, kShapes, 1>& b) {
  constexpr double kTol = 1e-10;
  Eigen::Matrix<double, kShapes, 1> w = Eigen::Matrix<double, kShapes, 1>::Zero();
  std::array<bool, kShapes> passive{};
  for (std::size_t outer = 0; outer < 3 * kShapes; ++outer) {
    Eigen::Matrix<double, kShapes, 1> grad = b - g * w;
    int best = -1;
    for (std::size_t j = 0; j < kShapes; ++j)
      if (!passive[j] && grad[j] > kTol && (best < 0 || grad[j] > grad[best])) best = static_cast<int>(j);
    if (best < 0) break;
    passive[best] = true;
    for (std::size_t inner = 0; inner < 3 * kShapes; ++inner) {
      std::vector<int> p;
      for (std::size_t j = 0; j < kShapes; ++j)
        if (passive[j]) p.push_back(static_cast<int>(j));
      Eigen::MatrixXd gp(p.size(), p.size());
      Eigen::VectorXd bp(p.size());
      for (std::size_t r = 0; r < p.size(); ++r) {
        bp[r] = b[p[r]];
        for (std::size_t c = 0; c < p.size(); ++c) gp(r, c) = g(p[r], p[c]);
      }
      Eigen::VectorXd z = gp.ldlt().solve(bp);
      if ((z.array() > kTol).all()) {
        w.setZero();
        for (std::size_t r = 0; r < p.size(); ++r) w[p[r]] = z[r];
        break;
      }
      // Step from w towards z until the first passive weight reaches 0; drop it.
      double alpha = 1;
      for (std::size_t r = 0; r < p.size(); ++r)
        if (z[r] <= kTol) alpha = std::min(alpha, w[p[r]] / (w[p[r]] - z[r]));
      for (std::size_t r = 0; r < p.size(); ++r) w[p[r]] += alpha * (z[r] - w[p[r]]);
      for (int j : p)
        if (w[j] <= kTol) passive[j] = false, w[j] = 0;
    }
  }
  std::array<double, kShapes> out{};
  for (std::size_t j = 0; j < kShapes; ++j) out[j] = std::max(0.0, w[j]);
  return out;
}

std::string track_json(const VisemeTrack& t) {
  std::string out = "{\"fps\": ";
  text::put_float(out, static_cast<float>(t.fps));
  out += ", \"names\": [";
  for (std::size_t v = 0; v < kVisemeCount; ++v) {
    out += v ? ", \"" : "\"";
    out += viseme_track_names()[v];
    out += '"';
  }
  out += "],\n \"frames\": [";
  for (std::size_t f = 0; f < t.frames; ++f) {
    out += f ? ",\n  [" : "\n  [";
    for (std::size_t v = 0; v < kVisemeCount; ++v) {
      if (v) out += ", ";
      text::put_float(out, t.data[f * kVisemeCount + v]);
    }
    out += ']';
  }
  out += "]}\n";
  return out;
}

}  // namespace

const std::array<std::string_view, kVisemeCount>& viseme_track_names() {
  static const std::array<std::string_view, kVisemeCount> kNames = {"sil", "PP", "FF", "TH", "DD", "kk", "CH", "SS",
                                                                    "nn",  "RR", "aa", "E",  "ih", "oh", "ou"};
  return kNames;
}

namespace {

void check(const VisemeTrack& t) {
  if (t.data.size() != t.frames * kVisemeCount)
    throw Error("viseme track: " + std::to_string(t.data.size()) + " values for " + std::to_string(t.frames) +
                " frames of 15 visemes");
  // The same rules as an animation's, so the JSON never holds inf, nan or a 1e30.
  if (!(t.fps >= kMinFps && t.fps <= kMaxFps)) throw Error("viseme track: fps out of range");
  for (std::size_t i = 0; i < t.data.size(); ++i)
    if (!(t.data[i] >= 0 && t.data[i] <= 1))
      throw Error("viseme track: frame " + std::to_string(i / kVisemeCount) + ", " +
                  std::string(viseme_track_names()[i % kVisemeCount]) + ": value outside [0, 1]");
}

}  // namespace

VisemeProjector::VisemeProjector(const viseme::VisemeTargets& targets) {
  // viseme::Viseme follows the same order (its I, O, U are ih, oh, ou).
  static_assert(viseme::kCount == kVisemeCount, "viseme sets differ");
  for (std::size_t c = 0; c < arkit::kCount; ++c) {
    if (!targets.articulator_of(c)) continue;
    lip_channels_.push_back(c);
    std::array<float, kShapes> row{};
    for (std::size_t v = 1; v < kVisemeCount; ++v) row[v - 1] = targets.target(static_cast<viseme::Viseme>(v))[c];
    columns_.push_back(row);
  }
  gram_.assign(kShapes * kShapes, 0.0);
  for (const auto& row : columns_)
    for (std::size_t i = 0; i < kShapes; ++i)
      for (std::size_t j = 0; j < kShapes; ++j) gram_[i * kShapes + j] += double(row[i]) * row[j];
}

void VisemeProjector::project(const float* frame, float* out) const {
  Eigen::Matrix<double, kShapes, kShapes> g;
  for (std::size_t i = 0; i < kShapes; ++i)
    for (std::size_t j = 0; j < kShapes; ++j) g(i, j) = gram_[i * kShapes + j];
  Eigen::Matrix<double, kShapes, 1> b = Eigen::Matrix<double, kShapes, 1>::Zero();
  for (std::size_t k = 0; k < lip_channels_.size(); ++k) {
    double y = std::clamp(static_cast<double>(frame[lip_channels_[k]]), 0.0, 1.0);
    for (std::size_t i = 0; i < kShapes; ++i) b[i] += columns_[k][i] * y;
  }
  std::array<double, kShapes> w = nnls(g, b);
  double sum = 0;
  for (double x : w) sum += x;
  double scale = sum > 1 ? 1 / sum : 1;
  out[0] = static_cast<float>(std::max(0.0, 1 - sum * scale));
  for (std::size_t i = 0; i < kShapes; ++i) out[i + 1] = static_cast<float>(w[i] * scale);
}

VisemeTrack VisemeProjector::track(const Animation& a) const {
  check_animation(a);
  VisemeTrack t;
  t.fps = a.fps;
  t.frames = a.frames;
  t.data.resize(a.frames * kVisemeCount);
  for (std::size_t f = 0; f < a.frames; ++f) {
    project(a.data.data() + f * arkit::kCount, t.data.data() + f * kVisemeCount);
  }
  return t;
}

VisemeTrack viseme_track(const Animation& a) {
  static const VisemeProjector projector;
  return projector.track(a);
}

std::string viseme_json(const VisemeTrack& t) {
  check(t);
  return track_json(t);
}

std::string viseme_csv(const VisemeTrack& t) {
  check(t);
  std::string out;
  for (std::size_t v = 0; v < kVisemeCount; ++v) {
    if (v) out += ',';
    out += viseme_track_names()[v];
  }
  out += '\n';
  for (std::size_t f = 0; f < t.frames; ++f) {
    for (std::size_t v = 0; v < kVisemeCount; ++v) {
      if (v) out += ',';
      text::put_float(out, t.data[f * kVisemeCount + v]);
    }
    out += '\n';
  }
  return out;
}

void write_viseme_json(const std::string& path, const VisemeTrack& t) { io::write_file_atomic(path, viseme_json(t)); }
void write_viseme_csv(const std::string& path, const VisemeTrack& t) { io::write_file_atomic(path, viseme_csv(t)); }

}  // namespace emosync::exporter
