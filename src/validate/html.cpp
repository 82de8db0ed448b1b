#include "validate/html.h"

#include <cstdio>
#include <sstream>

#include "plot/svg.h"
#include "validate/validate.h"

namespace emosync::validate {

namespace {

// One table per corpus (and pooled): each lip measure for the model, the loudness envelope
// and the alignment-driven teacher, with the phone counts behind it.
void lipsync_tables(std::ostringstream& o, const io::Json& l) {
  o << "<h2>Lips on " << plot::escape(l.value("speech", std::string())) << "</h2>\n"
    << "<p>Lip gap g = max(0, jawOpen &minus; mouthClose). Loudness envelope: frame RMS / its 95th percentile as "
       "jawOpen. Teacher: the rule teacher driven by the alignment.</p>\n";
  std::vector<std::string> corpora = l["corpora"].get<std::vector<std::string>>();
  corpora.push_back("pooled");
  const char* rows[][3] = {{"articulation_auc", "articulation AUC", "open_vowels"},
                           {"rounding_auc", "rounding AUC", "rounded"},
                           {"sealed", "sealed p/b/m", "bilabials_checked"},
                           {"open", "open vowels", "vowels_checked"},
                           {"jitter", "jitter (&gt; 8 Hz)", "clips"}};
  char buf[64];
  for (const auto& c : corpora) {
    const auto& m = l["model"][c];
    o << "<h3>" << plot::escape(c) << " (" << m.value("clips", std::size_t(0)) << " clips, "
      << m.value("open_vowels", std::size_t(0)) << " open vowels, " << m.value("bilabials", std::size_t(0))
      << " p/b/m, " << m.value("rounded", std::size_t(0)) << " rounded, " << m.value("spread", std::size_t(0))
      << " spread)</h3>\n<table><tr><th>measure</th><th>model</th><th>loudness envelope</th><th>teacher</th>"
         "<th>counted</th></tr>\n";
    for (const auto& row : rows) {
      o << "<tr><td>" << row[1] << "</td>";
      for (const char* who : {"model", "envelope", "teacher"}) {
        std::snprintf(buf, sizeof buf, "%.3f", l[who][c].value(row[0], 0.0));
        o << "<td>" << buf << "</td>";
      }
      o << "<td>" << m.value(row[2], std::size_t(0)) << "</td></tr>\n";
    }
    o << "</table>\n";
  }
}

}  // namespace

std::string report_html(const Report& r, const std::vector<std::string>& svgs) {
  std::ostringstream o;
  const bool ok = r.pass();
  o << "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>emosync validation report</title>\n"
       "<style>body{font-family:sans-serif;margin:24px;max-width:1100px}table{border-collapse:collapse}"
       "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}.pass{color:#1a7f37}.fail{color:#c62828;"
       "font-weight:bold}pre{background:#f6f6f6;padding:8px;overflow:auto;max-height:480px}</style></head><body>\n";
  o << "<h1>emosync validation report</h1>\n<p>Model: " << plot::escape(r.json.value("model", std::string("?")))
    << ". Result: <span class=\"" << (ok ? "pass\">PASS" : "fail\">FAIL") << "</span></p>\n";
  o << "<table><tr><th>rule</th><th>what</th><th>value</th><th>limit</th><th></th></tr>\n";
  char buf[64];
  for (const auto& x : r.rules) {
    o << "<tr><td>" << plot::escape(x.id) << "</td><td>" << plot::escape(x.description) << "</td>";
    std::snprintf(buf, sizeof buf, "%.4f", x.value);
    o << "<td>" << buf << "</td>";
    std::snprintf(buf, sizeof buf, "%s %.4f", x.at_most ? "&le;" : "&ge;", x.limit);
    o << "<td>" << buf << "</td><td class=\"" << (x.pass ? "pass\">pass" : "fail\">FAIL") << "</td></tr>\n";
  }
  o << "</table>\n";
  if (r.json.contains("heldout")) {
    const auto& h = r.json["heldout"];
    std::snprintf(buf, sizeof buf, "%.4f / %.4f / %.4f", h.value("mae_LIPSYNC", 0.0), h.value("mae_EXPRESSION", 0.0),
                  h.value("mae_SHARED", 0.0));
    o << "<p>Held-out items (" << h.value("items", 0) << ", " << h.value("frames", 0)
      << " frames): MAE vs targets LIPSYNC / EXPRESSION / SHARED = " << buf << "</p>\n";
  }
  if (r.json.contains("lipsync")) lipsync_tables(o, r.json["lipsync"]);
  for (const auto& svg : svgs) o << "<div style=\"margin-top:18px\">" << svg << "</div>\n";
  // Where the lips failed to seal, and how near they came: the place to start listening.
  if (r.json.contains("lipsync") && r.json["lipsync"].contains("unsealed") && !r.json["lipsync"]["unsealed"].empty()) {
    const auto& l = r.json["lipsync"];
    o << "<h2>Bilabials without a seal (" << l.value("unsealed_total", std::size_t(0)) << ", "
      << plot::escape(l.value("speech", std::string())) << ")</h2>\n"
      << "<p>corpus/clip: phone@start (the smallest lip gap from its start to one frame past its end, and the "
         "clip's threshold)</p>\n<ul>\n";
    for (const auto& m : l["unsealed"]) o << "<li>" << plot::escape(m.get<std::string>()) << "</li>\n";
    o << "</ul>\n";
  }
  o << "<h2>All figures (report.json)</h2>\n<pre>" << plot::escape(r.json.dump(1)) << "</pre>\n</body></html>\n";
  return o.str();
}

}  // namespace emosync::validate
