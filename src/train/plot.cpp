#include "train/plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>
#include <vector>

#include "io/atomic_file.h"
#include "io/error.h"
#include "io/json_file.h"

namespace emosync::train {

void plot_metrics(const std::string& jsonl_path, const std::string& svg_path) {
  std::istringstream in(io::read_file(jsonl_path));
  std::map<std::string, std::vector<std::pair<double, double>>> series;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    io::Json j = io::parse_json(line, jsonl_path + ":" + std::to_string(n));
    if (!j.is_object() || !j.contains("epoch") || !j["epoch"].is_number())
      throw Error(jsonl_path + ":" + std::to_string(n) + ": expected an object with a numeric 'epoch'");
    const double epoch = j["epoch"].get<double>();
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string& k = it.key();
      if (!it.value().is_number() || (k.find("loss") == std::string::npos && k.rfind("mae_", 0) != 0)) continue;
      series[k].push_back({epoch, it.value().get<double>()});
    }
  }
  if (series.empty()) throw Error(jsonl_path + ": no loss or mae_ fields to plot");
  double x0 = 1e300, x1 = -1e300, y1 = 0;
  for (const auto& [k, pts] : series)
    for (const auto& [x, y] : pts) x0 = std::min(x0, x), x1 = std::max(x1, x), y1 = std::max(y1, y);
  if (x1 <= x0) x1 = x0 + 1;
  if (y1 <= 0) y1 = 1;
  const double W = 800, H = 480, L = 60, R = 200, T = 20, B = 40;
  auto px = [&](double x) { return L + (x - x0) / (x1 - x0) * (W - L - R); };
  auto py = [&](double y) { return H - B - y / y1 * (H - T - B); };
  static const char* colors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                 "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  std::ostringstream s;
  char buf[256];
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H << "\">\n"
    << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  std::snprintf(buf, sizeof buf, "<path d=\"M%g %g V%g H%g\" stroke=\"black\" fill=\"none\"/>\n", L, T, H - B, W - R);
  s << buf;
  for (int i = 0; i <= 4; ++i) {
    std::snprintf(buf, sizeof buf,
                  "<text x=\"%g\" y=\"%g\" font-size=\"11\" text-anchor=\"end\">%.3g</text>\n"
                  "<text x=\"%g\" y=\"%g\" font-size=\"11\" text-anchor=\"middle\">%.0f</text>\n",
                  L - 4, py(y1 * i / 4) + 4, y1 * i / 4, px(x0 + (x1 - x0) * i / 4), H - B + 16, x0 + (x1 - x0) * i / 4);
    s << buf;
  }
  std::snprintf(buf, sizeof buf, "<text x=\"%g\" y=\"%g\" font-size=\"12\" text-anchor=\"middle\">epoch</text>\n",
                (L + W - R) / 2, H - 6);
  s << buf;
  int c = 0;
  for (const auto& [k, pts] : series) {
    const char* col = colors[c % 10];
    s << "<polyline fill=\"none\" stroke=\"" << col << "\" stroke-width=\"1.5\" points=\"";
    for (const auto& [x, y] : pts) {
      std::snprintf(buf, sizeof buf, "%.1f,%.1f ", px(x), py(y));
      s << buf;
    }
    s << "\"/>\n";
    std::snprintf(buf, sizeof buf, "<text x=\"%g\" y=\"%g\" font-size=\"12\" fill=\"%s\">%s</text>\n", W - R + 10,
                  T + 16.0 * (c + 1), col, k.c_str());
    s << buf;
    ++c;
  }
  s << "</svg>\n";
  io::write_file_atomic(svg_path, s.str());
}

}  // namespace emosync::train
