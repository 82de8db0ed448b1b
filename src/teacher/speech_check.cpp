#include "teacher/speech_check.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "io/atomic_file.h"
#include "io/error.h"

namespace emosync::teacher {

namespace fs = std::filesystem;

ClosureStats bilabial_closure(const Animation& a, const PhoneTimeline& t) {
  const auto& map = viseme::PhonemeMap::standard(t.phone_set);
  const std::size_t close = arkit::index_of("mouthClose"), jaw = arkit::index_of("jawOpen");
  ClosureStats s;
  for (const auto& p : t.phones) {
    auto v = map.lookup(p.symbol);
    if (!v || !viseme::is_bilabial(*v) || p.end_s - p.start_s < kMinBilabialS - 1e-9) continue;
    ++s.bilabials;
    bool shut = false;
    // The frame closest to shut, to say by how much a miss missed.
    float best_close = 0, best_jaw = 1, best = -2;
    auto f0 = static_cast<std::size_t>(std::max(0.0, std::ceil(p.start_s * a.fps - 1e-9)));
    for (std::size_t f = f0; f < a.frames && f / a.fps <= p.end_s + 1e-9; ++f) {
      if (arkit::lips_sealed(a.at(f, close), a.at(f, jaw))) shut = true;
      if (a.at(f, close) - a.at(f, jaw) > best) {
        best = a.at(f, close) - a.at(f, jaw);
        best_close = a.at(f, close);
        best_jaw = a.at(f, jaw);
      }
    }
    if (shut) {
      ++s.closed;
    } else {
      char buf[96];
      std::snprintf(buf, sizeof buf, "%s@%.3f (mouthClose %.2f, jawOpen %.2f)", p.symbol.c_str(), p.start_s, best_close,
                    best_jaw);
      s.misses.push_back(buf);
    }
  }
  return s;
}

double pearson(const std::vector<float>& x, const std::vector<float>& y) {
  std::size_t n = std::min(x.size(), y.size());
  if (n < 2) return 0;
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < n; ++i) mx += x[i], my += y[i];
  mx /= n, my /= n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0;
}

std::vector<float> loudness_envelope(const audio::Audio& a, const Animation& anim) {
  return rms_envelope(a, anim.fps, anim.frames, 2.0 / anim.fps);
}

std::vector<float> channel(const Animation& a, const std::string& name) {
  std::size_t c = arkit::index_of(name);
  std::vector<float> v(a.frames);
  for (std::size_t f = 0; f < a.frames; ++f) v[f] = a.at(f, c);
  return v;
}

namespace {
float max_step(const Animation& a) {
  float m = 0;
  for (std::size_t f = 1; f < a.frames; ++f)
    for (std::size_t c = 0; c < arkit::kCount; ++c) m = std::max(m, std::abs(a.at(f, c) - a.at(f - 1, c)));
  return m;
}

std::string escape_xml(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '<') o += "&lt;";
    else if (c == '>') o += "&gt;";
    else if (c == '&') o += "&amp;";
    else o += c;
  }
  return o;
}
}  // namespace

std::string SpeechCheckReport::markdown() const {
  std::ostringstream s;
  char buf[256];
  s << "# Rule-based lipsync teacher on real speech (LJ Speech, forced alignments)\n\n";
  std::snprintf(buf, sizeof buf, "clips: %zu\n\nbilabial closure rate (p/b/m >= 40 ms with a frame of mouthClose >= %.2f and jawOpen <= %.2f): %zu/%zu = %.4f\n\n",
                clips.size(), arkit::kSealedMouthClose, arkit::kSealedJawOpen, closure.closed, closure.bilabials, closure.rate());
  s << buf;
  std::snprintf(buf, sizeof buf, "Pearson r(jawOpen, RMS envelope), mean over clips: %.3f (teacher output), %.3f (phoneme rules alone, no energy shaping)\n\nlargest frame-to-frame step over all channels: %.3f\n\n",
                mean_r, mean_r_phonetic, max_step);
  s << buf;
  s << "| clip | seconds | bilabials | closed | r | r (rules alone) | max step |\n|---|---|---|---|---|---|---|\n";
  for (const auto& c : clips) {
    std::snprintf(buf, sizeof buf, "| %s | %.2f | %zu | %zu | %.3f | %.3f | %.3f |\n", c.id.c_str(), c.duration_s,
                  c.closure.bilabials, c.closure.closed, c.r_jaw_rms, c.r_jaw_rms_phonetic, c.max_step);
    s << buf;
  }
  if (!closure.misses.empty()) {
    s << "\nmissed closures:";
    for (const auto& m : closure.misses) s << " " << m;
    s << "\n";
  }
  return s.str();
}

std::string plot_svg(const Animation& a, const PhoneTimeline& t, const std::vector<float>& envelope,
                     const std::string& title) {
  const double W = 1400, H = 420, left = 50, right = 20, top = 40, plot_h = 280;
  const double dur = std::max(a.duration_s(), 1e-3);
  auto X = [&](double s) { return left + (W - left - right) * s / dur; };
  auto Y = [&](double v) { return top + plot_h * (1.0 - v); };
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(1);
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H
    << "\" font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  s << "<text x=\"" << left << "\" y=\"20\" font-size=\"14\">" << escape_xml(title) << "</text>\n";
  const auto& map = viseme::PhonemeMap::standard(t.phone_set);
  for (const auto& p : t.phones) {
    auto v = map.try_lookup(p.symbol);
    if (v && viseme::is_bilabial(*v))
      s << "<rect x=\"" << X(p.start_s) << "\" y=\"" << top << "\" width=\"" << X(p.end_s) - X(p.start_s)
        << "\" height=\"" << plot_h << "\" fill=\"#ffe0e0\"/>\n";
  }
  for (double g : {0.0, 0.25, 0.5, 0.75, 1.0})
    s << "<line x1=\"" << left << "\" x2=\"" << W - right << "\" y1=\"" << Y(g) << "\" y2=\"" << Y(g)
      << "\" stroke=\"#ddd\"/><text x=\"10\" y=\"" << Y(g) + 4 << "\">" << g << "</text>\n";
  for (double sec = 0; sec <= dur; sec += 0.5)
    s << "<text x=\"" << X(sec) << "\" y=\"" << top + plot_h + 14 << "\" text-anchor=\"middle\">" << sec
      << "s</text>\n";
  auto polyline = [&](const std::vector<float>& v, const char* colour, const char* dash) {
    s << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"1.6\"" << dash << " points=\"";
    s.precision(2);
    for (std::size_t f = 0; f < v.size(); ++f) s << X(f / a.fps) << "," << Y(std::clamp(v[f], 0.f, 1.f)) << " ";
    s.precision(1);
    s << "\"/>\n";
  };
  float loud = envelope.empty() ? 0.f : *std::max_element(envelope.begin(), envelope.end());
  std::vector<float> env(envelope);
  for (auto& e : env) e = loud > 0 ? e / loud : 0;
  polyline(env, "#aaaaaa", " stroke-dasharray=\"3,2\"");
  polyline(channel(a, "jawOpen"), "#1f77b4", "");
  polyline(channel(a, "mouthClose"), "#d62728", "");
  polyline(channel(a, "mouthFunnel"), "#2ca02c", "");
  int row = 0;
  for (const auto& p : t.phones) {
    double x = X(0.5 * (p.start_s + p.end_s));
    s << "<line x1=\"" << X(p.start_s) << "\" x2=\"" << X(p.start_s) << "\" y1=\"" << top + plot_h + 20 << "\" y2=\""
      << top + plot_h + 60 << "\" stroke=\"#ccc\"/>";
    s << "<text x=\"" << x << "\" y=\"" << top + plot_h + 34 + 14 * (row++ % 2) << "\" text-anchor=\"middle\">"
      << escape_xml(p.symbol) << "</text>\n";
  }
  double ly = H - 12;
  const char* labels[4][2] = {{"jawOpen", "#1f77b4"}, {"mouthClose", "#d62728"}, {"mouthFunnel", "#2ca02c"},
                              {"RMS (normalised)", "#aaaaaa"}};
  for (int i = 0; i < 4; ++i)
    s << "<rect x=\"" << left + 160 * i << "\" y=\"" << ly - 9 << "\" width=\"12\" height=\"10\" fill=\"" << labels[i][1]
      << "\"/><text x=\"" << left + 160 * i + 16 << "\" y=\"" << ly << "\">" << labels[i][0] << "</text>\n";
  s << "<text x=\"" << left + 660 << "\" y=\"" << ly << "\">shaded: p/b/m</text>\n</svg>\n";
  return s.str();
}

SpeechCheckReport check_speech_alignments(const std::string& data_dir, const std::string& out_dir, double fps) {
  fs::path root(data_dir);
  if (!fs::is_directory(root / "wav") || !fs::is_directory(root / "phones"))
    throw Error(data_dir + ": not an LJ Speech folder (expected wav/ and phones/ inside)");
  std::vector<std::string> ids;
  for (const auto& e : fs::directory_iterator(root / "phones"))
    if (e.path().extension() == ".tsv") ids.push_back(e.path().stem().string());
  std::sort(ids.begin(), ids.end());
  if (ids.empty()) throw Error(data_dir + "/phones: no alignments (*.tsv)");

  auto rule = make_rule_teacher();
  RuleTeacherConfig plain;
  plain.energy_shaping = false;
  auto phonetic = make_rule_teacher(plain);
  SpeechCheckReport rep;
  std::ostringstream tsv;
  tsv << "clip\tseconds\tbilabials\tclosed\tr\tr_rules_alone\tmax_step\n";
  std::string first_svg;
  double sum_r = 0, sum_rp = 0;
  for (const auto& id : ids) {
    auto wav = root / "wav" / (id + ".wav");
    if (!fs::exists(wav)) throw Error(wav.string() + ": missing (its alignment exists)");
    audio::Audio audio = audio::read_audio(wav.string());
    PhoneTimeline t = read_alignment_tsv((root / "phones" / (id + ".tsv")).string());
    TeacherInput in{&audio, &t};
    Animation a = rule->animate(in, fps);
    Animation p = phonetic->animate(in, fps);
    auto env = loudness_envelope(audio, a);
    ClipCheck c;
    c.id = id;
    c.duration_s = audio.duration_s();
    c.closure = bilabial_closure(a, t);
    c.r_jaw_rms = pearson(channel(a, "jawOpen"), env);
    c.r_jaw_rms_phonetic = pearson(channel(p, "jawOpen"), env);
    c.max_step = max_step(a);
    rep.closure.bilabials += c.closure.bilabials;
    rep.closure.closed += c.closure.closed;
    for (const auto& m : c.closure.misses) rep.closure.misses.push_back(id + ":" + m);
    rep.max_step = std::max(rep.max_step, c.max_step);
    sum_r += c.r_jaw_rms;
    sum_rp += c.r_jaw_rms_phonetic;
    char buf[200];
    std::snprintf(buf, sizeof buf, "%s\t%.3f\t%zu\t%zu\t%.4f\t%.4f\t%.4f\n", id.c_str(), c.duration_s,
                  c.closure.bilabials, c.closure.closed, c.r_jaw_rms, c.r_jaw_rms_phonetic, c.max_step);
    tsv << buf;
    if (first_svg.empty()) first_svg = plot_svg(a, t, env, id + ": rule-based teacher on real speech (forced alignment)");
    rep.clips.push_back(c);
  }
  rep.mean_r = sum_r / rep.clips.size();
  rep.mean_r_phonetic = sum_rp / rep.clips.size();
  if (!out_dir.empty()) {
    io::write_file_atomic((fs::path(out_dir) / "report.md").string(), rep.markdown());
    io::write_file_atomic((fs::path(out_dir) / "report.tsv").string(), tsv.str());
    io::write_file_atomic((fs::path(out_dir) / (ids.front() + ".svg")).string(), first_svg);
  }
  return rep;
}

}  // namespace emosync::teacher
