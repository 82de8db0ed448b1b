#pragma once
// Small SVG charts for the reports people look at rather than read: line charts of a few
// series over a shared x axis, and labelled heat maps of a square matrix. Output is a
// self-contained <svg> element (no scripts, no external fonts) that embeds in HTML.
#include <string>
#include <vector>

namespace emosync::plot {

struct Series {
  std::string label;
  std::vector<double> y;  // one value per x; NaN leaves a gap
  std::string color;      // empty: picked from a fixed palette
};

struct LineChart {
  std::string title, x_label, y_label;
  std::vector<double> x;
  std::vector<Series> series;
  std::vector<std::pair<double, double>> shaded_x;  // x ranges drawn as light bands
  double y_min = 0, y_max = 0;                      // equal: from the data
  int width = 760, height = 300;
};
std::string line_chart(const LineChart& c);

struct HeatMap {
  std::string title;
  std::vector<std::string> labels;        // rows = columns
  std::vector<std::vector<double>> cells;  // labels.size() squared
  double threshold = -1;                   // >= 0: cells below it are outlined in red
  int cell = 30;
};
std::string heat_map(const HeatMap& h);

// XML-escapes text for element content and attribute values.
std::string escape(const std::string& s);

}  // namespace emosync::plot
