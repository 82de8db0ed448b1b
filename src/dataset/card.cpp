#include "dataset/card.h"

#include <cmath>
#include <map>
#include <sstream>

#include "arkit/channel_split.h"
#include "dataset/shard_store.h"
#include "emotion/classes.h"
#include "io/npy.h"

namespace emosync::dataset {

io::Json make_card(const std::string& root) {
  std::map<std::string, double> class_frames, class_items;
  std::map<std::string, double> source_items, source_hours;
  std::vector<double> sum(arkit::kCount, 0), sum2(arkit::kCount, 0);
  std::vector<float> lo(arkit::kCount, 1.f), hi(arkit::kCount, 0.f);
  double frames = 0, hours = 0;
  std::size_t items = 0;
  for (const auto& sd : shard_dirs(root)) {
    for (const auto& e : read_manifest(sd)) {
      ++items;
      std::string source = e.json.value("source", "unknown");
      double h = e.json.value("duration_s", 0.0) / 3600.0;
      hours += h;
      source_items[source] += 1;
      source_hours[source] += h;
      if (e.json.contains("emotions"))
        for (auto it = e.json["emotions"].begin(); it != e.json["emotions"].end(); ++it) {
          class_frames[it.key()] += it.value().get<double>();
          class_items[it.key()] += 1;
        }
      // Only the targets feed the statistics: the features are most of the bytes.
      io::NpyArray targets = io::read_npy(sd + "/items/" + e.id() + "/targets.npy");
      for (std::size_t t = 0; t < targets.rows(); ++t)
        for (std::size_t c = 0; c < arkit::kCount; ++c) {
          float v = targets.data[t * arkit::kCount + c];
          sum[c] += v;
          sum2[c] += double(v) * v;
          lo[c] = std::min(lo[c], v);
          hi[c] = std::max(hi[c], v);
        }
      frames += targets.rows();
    }
  }
  io::Json card;
  card["items"] = items;
  card["frames"] = frames;
  card["hours"] = hours;
  for (auto n : emotion::names()) {
    std::string k(n);
    card["classes"][k] = {{"frames", class_frames[k]}, {"items_with_class", class_items[k]}};
  }
  for (const auto& [k, v] : source_items) card["sources"][k] = {{"items", v}, {"hours", source_hours[k]}};
  const auto& split = arkit::ChannelSplit::standard();
  for (std::size_t c = 0; c < arkit::kCount; ++c) {
    double m = frames ? sum[c] / frames : 0, var = frames ? std::max(0.0, sum2[c] / frames - m * m) : 0;
    card["channels"][std::string(arkit::names()[c])] = {{"type", arkit::to_string(split.type_of(c))},
                                                        {"mean", m},
                                                        {"std", std::sqrt(var)},
                                                        {"min", frames ? lo[c] : 0.f},
                                                        {"max", frames ? hi[c] : 0.f}};
  }
  return card;
}

std::string card_svg(const io::Json& card) {
  const int W = 1100, H = 620;
  std::ostringstream s;
  s << "<svg xmlns='http://www.w3.org/2000/svg' width='" << W << "' height='" << H
    << "' font-family='sans-serif' font-size='11'>\n<rect width='100%' height='100%' fill='white'/>\n";
  s << "<text x='20' y='22' font-size='15'>Data set: " << card["items"].get<std::size_t>() << " items, "
    << std::round(card["hours"].get<double>() * 100) / 100 << " h, " << card["frames"].get<double>()
    << " frames</text>\n";
  // Panel 1: frames per class.
  double maxf = 1;
  for (auto n : emotion::names()) maxf = std::max(maxf, card["classes"][std::string(n)]["frames"].get<double>());
  s << "<text x='20' y='50'>frames per emotion class</text>\n";
  for (std::size_t i = 0; i < emotion::kCount; ++i) {
    std::string k(emotion::names()[i]);
    double f = card["classes"][k]["frames"].get<double>();
    int x = 40 + static_cast<int>(i) * 65, h = static_cast<int>(180 * f / maxf);
    s << "<rect x='" << x << "' y='" << 240 - h << "' width='50' height='" << h << "' fill='#4a7ab5'/>\n";
    s << "<text x='" << x + 25 << "' y='255' text-anchor='middle' font-size='9'>" << k << "</text>\n";
    s << "<text x='" << x + 25 << "' y='" << 236 - h << "' text-anchor='middle' font-size='9'>" << f << "</text>\n";
  }
  // Panel 2: per-channel mean ± std, coloured by type.
  s << "<text x='20' y='300'>target mean ± std per channel (blue LIPSYNC, orange EXPRESSION, green SHARED)</text>\n";
  int base = 560;
  s << "<line x1='30' y1='" << base << "' x2='" << W - 20 << "' y2='" << base << "' stroke='#888'/>\n";
  for (std::size_t c = 0; c < arkit::kCount; ++c) {
    const auto& ch = card["channels"][std::string(arkit::names()[c])];
    std::string type = ch["type"];
    const char* col = type == "LIPSYNC" ? "#3b6fb6" : type == "EXPRESSION" ? "#e08a2c" : "#3a9a50";
    double m = ch["mean"].get<double>(), sd = ch["std"].get<double>();
    int x = 35 + static_cast<int>(c) * 20, h = static_cast<int>(240 * m);
    s << "<rect x='" << x << "' y='" << base - h << "' width='14' height='" << h << "' fill='" << col << "'/>\n";
    s << "<line x1='" << x + 7 << "' y1='" << base - static_cast<int>(240 * (m + sd)) << "' x2='" << x + 7
      << "' y2='" << base - static_cast<int>(240 * std::max(0.0, m - sd)) << "' stroke='black'/>\n";
    s << "<text transform='translate(" << x + 10 << "," << base + 6 << ") rotate(60)' font-size='7'>"
      << arkit::names()[c] << "</text>\n";
  }
  s << "</svg>\n";
  return s.str();
}

}  // namespace emosync::dataset
