// Rule-based lipsync teacher: phoneme timeline → visemes → 52 channels.
//
// Coarticulation follows Cohen & Massaro (1993): every segment s has, per
// articulator group g (jaw, lips, rounding, tongue), a dominance
//   D_sg(t) = alpha_sg * exp(-theta_sg * tau)
// where tau is the distance in seconds from t to the segment's interval (0 inside it;
// theta_before ahead of the segment = anticipation, theta_after behind = carry-over),
// and each channel c of group g is the dominance-weighted mean of the segments' targets
//   y_c(t) = sum_s D_sg(t) T_sc / sum_s D_sg(t).
// Measuring tau from the interval rather than from its centre makes every segment
// reach its own target when it strongly dominates (bilabial closure), whatever its
// length, and keeps y continuous (D is continuous in t). The parameters and their
// reasons are data: data/viseme/viseme_targets.json.
//
// Anticipatory rounding comes out of the same formula: rounded vowels have a small
// theta_before on the rounding group, consonants a small rounding alpha, so funnel and
// pucker rise across the consonants before an /u/ or /o/.
//
// Audio energy shapes the jaw: louder frames open it more, quiet ones (closures, pauses)
// less, so jawOpen follows the speech's loudness the way a speaker's jaw does.
#include <algorithm>
#include <cmath>

#include "io/error.h"
#include "teacher/teacher.h"

namespace emosync::teacher {
namespace {

using viseme::Articulator;
using viseme::Viseme;

struct Segment {
  Viseme v;
  double a, b;
};

std::vector<Segment> to_segments(const PhoneTimeline& t, double end_s) {
  const auto& map = viseme::PhonemeMap::standard(t.phone_set);
  std::vector<Segment> out;
  double cursor = 0;
  for (const auto& p : t.phones) {
    auto v = map.lookup(p.symbol);  // throws naming an unknown symbol
    if (!v) continue;               // stress / length marks do not sound
    if (p.start_s > cursor + 1e-6) out.push_back({Viseme::sil, cursor, p.start_s});  // gaps are silence
    double a = std::max(p.start_s, cursor), b = std::max(p.end_s, a);
    out.push_back({*v, a, b});
    cursor = b;
  }
  if (end_s > cursor + 1e-6) out.push_back({Viseme::sil, cursor, end_s});
  return out;
}

float percentile(std::vector<float> v, double q) {
  if (v.empty()) return 0.f;
  auto k = static_cast<std::size_t>(q * (v.size() - 1));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

class RuleTeacher : public Teacher {
 public:
  explicit RuleTeacher(const RuleTeacherConfig& c)
      : config_(c),
        targets_(c.targets == "data/viseme/viseme_targets.json" ? viseme::VisemeTargets::standard()
                                                                 : viseme::VisemeTargets::load(c.targets)) {}
  std::string name() const override { return "rule"; }

  Animation animate(const TeacherInput& in, double fps) override {
    if (!in.phones) throw Error("rule-based teacher: needs a phoneme timeline (TTS events or an alignment)");
    double end_s = in.phones->end_s();
    if (in.audio) end_s = std::max(end_s, in.audio->duration_s());
    Animation out;
    out.fps = fps;
    out.frames = frame_count(end_s, fps);
    out.data.assign(out.frames * arkit::kCount, 0.f);
    std::vector<Segment> segs = to_segments(*in.phones, end_s);

    // Channels per articulator group, once.
    std::array<std::vector<std::size_t>, viseme::kArticulators> group_channels;
    for (std::size_t c = 0; c < arkit::kCount; ++c)
      if (auto g = targets_.articulator_of(c)) group_channels[static_cast<std::size_t>(*g)].push_back(c);

    // Beyond 1.5 s every dominance has decayed below exp(-6) of its alpha at the
    // smallest theta in the table (4/s): those segments are skipped.
    constexpr double kReach = 1.5;
    std::size_t first = 0;
    std::array<double, arkit::kCount> num{};
    for (std::size_t f = 0; f < out.frames; ++f) {
      double t = f / fps;
      while (first < segs.size() && segs[first].b < t - kReach) ++first;
      for (std::size_t g = 0; g < viseme::kArticulators; ++g) {
        double den = 0;
        for (std::size_t c : group_channels[g]) num[c] = 0;
        for (std::size_t s = first; s < segs.size() && segs[s].a <= t + kReach; ++s) {
          const auto& seg = segs[s];
          const auto& d = targets_.dominance(seg.v, static_cast<Articulator>(g));
          double tau = t < seg.a ? seg.a - t : (t > seg.b ? t - seg.b : 0.0);
          double theta = t < seg.a ? d.theta_before : d.theta_after;
          double dom = d.alpha * std::exp(-theta * tau);
          den += dom;
          const auto& target = targets_.target(seg.v);
          for (std::size_t c : group_channels[g]) num[c] += dom * target[c];
        }
        for (std::size_t c : group_channels[g]) out.at(f, c) = den > 0 ? static_cast<float>(num[c] / den) : 0.f;
      }
    }

    if (config_.energy_shaping && in.audio && !in.audio->samples.empty()) shape_jaw(out, *in.audio);
    for (auto& v : out.data) v = std::clamp(v, 0.f, 1.f);
    return out;
  }

 private:
  void shape_jaw(Animation& out, const audio::Audio& audio) const {
    // RMS over two frames centred on each frame, normalised by the clip's loud level
    // (95th percentile), so the shaping does not depend on recording gain.
    std::vector<float> env = rms_envelope(audio, out.fps, out.frames, 2.0 / out.fps);
    float loud = percentile(env, 0.95);
    if (loud <= 1e-6f) return;
    const auto& e = targets_.energy();
    const std::size_t jaw = arkit::index_of("jawOpen");
    for (std::size_t f = 0; f < out.frames; ++f) {
      float gain = std::clamp(e.floor + e.gain * env[f] / loud, 0.f, e.max);
      out.at(f, jaw) *= gain;
    }
  }

  RuleTeacherConfig config_;
  viseme::VisemeTargets targets_;
};

}  // namespace

void RuleTeacherConfig::validate() const {
  if (targets.empty()) throw Error("rule teacher config: targets: empty path");
}

std::unique_ptr<Teacher> make_rule_teacher(const RuleTeacherConfig& config) {
  config.validate();
  return std::make_unique<RuleTeacher>(config);
}

}  // namespace emosync::teacher
