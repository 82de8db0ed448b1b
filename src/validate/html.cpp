#include "validate/html.h"

#include <cstdio>
#include <sstream>

#include "plot/svg.h"
#include "validate/validate.h"

namespace emosync::validate {

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
  for (const auto& svg : svgs) o << "<div style=\"margin-top:18px\">" << svg << "</div>\n";
  // Where the lips failed to seal, and how near they came: the place to start listening.
  if (r.json.contains("lipsync") && r.json["lipsync"].contains("closure_misses") &&
      !r.json["lipsync"]["closure_misses"].empty()) {
    o << "<h2>Bilabials without a seal (" << plot::escape(r.json["lipsync"].value("speech", std::string())) << ")</h2>\n"
      << "<p>clip: phone@start (the frame nearest shut)</p>\n<ul>\n";
    for (const auto& m : r.json["lipsync"]["closure_misses"]) o << "<li>" << plot::escape(m.get<std::string>()) << "</li>\n";
    o << "</ul>\n";
  }
  o << "<h2>All figures (report.json)</h2>\n<pre>" << plot::escape(r.json.dump(1)) << "</pre>\n</body></html>\n";
  return o.str();
}

}  // namespace emosync::validate
