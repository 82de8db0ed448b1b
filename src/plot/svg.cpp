#include "plot/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

namespace emosync::plot {

namespace {
const char* kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"};

std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}
std::string tick(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3g", v);
  return b;
}
}  // namespace

std::string escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string line_chart(const LineChart& c) {
  const double left = 60, right = 150, top = 30, bottom = 40;
  const double w = c.width - left - right, h = c.height - top - bottom;
  double x0 = c.x.empty() ? 0 : c.x.front(), x1 = c.x.empty() ? 1 : c.x.back();
  if (x1 <= x0) x1 = x0 + 1;
  double y0 = c.y_min, y1 = c.y_max;
  if (y0 == y1) {
    y0 = std::numeric_limits<double>::infinity();
    y1 = -y0;
    for (const auto& s : c.series)
      for (double v : s.y)
        if (std::isfinite(v)) y0 = std::min(y0, v), y1 = std::max(y1, v);
    if (!std::isfinite(y0)) y0 = 0, y1 = 1;
    if (y1 - y0 < 1e-9) y1 = y0 + 1;
  }
  auto px = [&](double x) { return left + (x - x0) / (x1 - x0) * w; };
  auto py = [&](double y) { return top + (1 - (y - y0) / (y1 - y0)) * h; };
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << c.width << "\" height=\"" << c.height
    << "\" font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  o << "<text x=\"" << left << "\" y=\"18\" font-size=\"13\">" << escape(c.title) << "</text>\n";
  for (const auto& [a, b] : c.shaded_x)
    o << "<rect x=\"" << num(px(a)) << "\" y=\"" << top << "\" width=\"" << num(std::max(0.0, px(b) - px(a)))
      << "\" height=\"" << h << "\" fill=\"#f2e6c9\"/>\n";
  o << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << w << "\" height=\"" << h
    << "\" fill=\"none\" stroke=\"#888\"/>\n";
  for (int i = 0; i <= 4; ++i) {
    const double yv = y0 + (y1 - y0) * i / 4, xv = x0 + (x1 - x0) * i / 4;
    o << "<text x=\"" << left - 6 << "\" y=\"" << num(py(yv) + 4) << "\" text-anchor=\"end\">" << tick(yv) << "</text>\n";
    o << "<text x=\"" << num(px(xv)) << "\" y=\"" << top + h + 14 << "\" text-anchor=\"middle\">" << tick(xv)
      << "</text>\n";
  }
  o << "<text x=\"" << left + w / 2 << "\" y=\"" << c.height - 6 << "\" text-anchor=\"middle\">" << escape(c.x_label)
    << "</text>\n";
  o << "<text transform=\"translate(14," << top + h / 2 << ") rotate(-90)\" text-anchor=\"middle\">"
    << escape(c.y_label) << "</text>\n";
  for (std::size_t si = 0; si < c.series.size(); ++si) {
    const auto& s = c.series[si];
    const std::string color = s.color.empty() ? kPalette[si % 8] : s.color;
    std::string d;
    bool pen = false;
    for (std::size_t i = 0; i < s.y.size() && i < c.x.size(); ++i) {
      if (!std::isfinite(s.y[i])) {
        pen = false;
        continue;
      }
      d += (pen ? " L" : " M") + num(px(c.x[i])) + " " + num(py(std::clamp(s.y[i], y0, y1)));
      pen = true;
    }
    o << "<path d=\"" << d << "\" fill=\"none\" stroke=\"" << color << "\" stroke-width=\"1.3\"/>\n";
    o << "<rect x=\"" << left + w + 10 << "\" y=\"" << top + 16 * si << "\" width=\"10\" height=\"10\" fill=\"" << color
      << "\"/><text x=\"" << left + w + 24 << "\" y=\"" << top + 16 * si + 9 << "\">" << escape(s.label) << "</text>\n";
  }
  o << "</svg>\n";
  return o.str();
}

std::string heat_map(const HeatMap& hm) {
  const std::size_t n = hm.labels.size();
  const int label_w = 110, top = 40 + label_w, cell = hm.cell;
  double hi = 0;
  for (const auto& r : hm.cells)
    for (double v : r) hi = std::max(hi, v);
  if (hi <= 0) hi = 1;
  // Wide enough for the title too (about 7 px a character at 13 px).
  const int W = std::max(label_w + cell * static_cast<int>(n) + 20, 16 + 7 * static_cast<int>(hm.title.size())),
            H = top + cell * static_cast<int>(n) + 20;
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H
    << "\" font-family=\"sans-serif\" font-size=\"10\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  o << "<text x=\"8\" y=\"18\" font-size=\"13\">" << escape(hm.title) << "</text>\n";
  for (std::size_t i = 0; i < n; ++i) {
    o << "<text x=\"" << label_w - 4 << "\" y=\"" << top + cell * i + cell / 2 + 4 << "\" text-anchor=\"end\">"
      << escape(hm.labels[i]) << "</text>\n";
    o << "<text transform=\"translate(" << label_w + cell * i + cell / 2 + 4 << "," << top - 4
      << ") rotate(-90)\">" << escape(hm.labels[i]) << "</text>\n";
  }
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n && i < hm.cells.size() && j < hm.cells[i].size(); ++j) {
      const double v = hm.cells[i][j], t = std::clamp(v / hi, 0.0, 1.0);
      // Dark = close (the pairs to look at), light = far apart.
      const int g = static_cast<int>(40 + 215 * t);
      const bool flag = hm.threshold >= 0 && i != j && v < hm.threshold;
      o << "<rect x=\"" << label_w + cell * j << "\" y=\"" << top + cell * i << "\" width=\"" << cell
        << "\" height=\"" << cell << "\" fill=\"rgb(" << g / 3 << "," << g / 2 << "," << g << ")\""
        << (flag ? " stroke=\"red\" stroke-width=\"2\"" : "") << "/>";
      o << "<text x=\"" << label_w + cell * j + cell / 2 << "\" y=\"" << top + cell * i + cell / 2 + 3
        << "\" text-anchor=\"middle\" fill=\"" << (t > 0.5 ? "black" : "white") << "\" font-size=\"8\">"
        << tick(v) << "</text>\n";
    }
  o << "</svg>\n";
  return o.str();
}

}  // namespace emosync::plot
