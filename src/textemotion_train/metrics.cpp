#include "textemotion_train/metrics.h"

#include <cmath>
#include <cstdio>

#include "emotion/classes.h"
#include "io/error.h"

namespace emosync::textemotion {

ClassReport evaluate_classes(const std::vector<int>& gold, const std::vector<int>& pred) {
  if (gold.size() != pred.size()) throw Error("evaluate_classes: " + std::to_string(gold.size()) + " gold labels, " + std::to_string(pred.size()) + " predictions");
  ClassReport r;
  r.n = static_cast<int>(gold.size());
  int correct = 0;
  for (std::size_t i = 0; i < gold.size(); ++i) {
    if (gold[i] < 0 || gold[i] >= kClasses || pred[i] < 0 || pred[i] >= kClasses) throw Error("evaluate_classes: class index out of range");
    r.confusion[static_cast<std::size_t>(gold[i])][static_cast<std::size_t>(pred[i])]++;
    correct += gold[i] == pred[i];
  }
  r.accuracy = r.n ? static_cast<double>(correct) / r.n : 0;
  double sum = 0;
  for (std::size_t c = 0; c < kClasses; ++c) {
    int tp = r.confusion[c][c], gold_n = 0, pred_n = 0;
    for (std::size_t k = 0; k < kClasses; ++k) {
      gold_n += r.confusion[c][k];
      pred_n += r.confusion[k][c];
    }
    r.support[c] = gold_n;
    r.precision[c] = pred_n ? static_cast<double>(tp) / pred_n : 0;
    r.recall[c] = gold_n ? static_cast<double>(tp) / gold_n : 0;
    double d = r.precision[c] + r.recall[c];
    r.f1[c] = d > 0 ? 2 * r.precision[c] * r.recall[c] / d : 0;
    sum += r.f1[c];
  }
  r.macro_f1 = sum / kClasses;
  return r;
}

double pearson(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size() || a.size() < 2) throw Error("pearson: need two equally long series of at least 2 values");
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ma += a[i];
    mb += b[i];
  }
  ma /= a.size();
  mb /= b.size();
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 0;
}

std::string format_report(const ClassReport& r, const std::string& title) {
  std::string out = title + "\n";
  char buf[160];
  std::snprintf(buf, sizeof buf, "  %-14s %9s %9s %9s %8s\n", "class", "precision", "recall", "F1", "support");
  out += buf;
  for (std::size_t c = 0; c < kClasses; ++c) {
    std::snprintf(buf, sizeof buf, "  %-14s %9.3f %9.3f %9.3f %8d\n", std::string(emotion::names()[c]).c_str(),
                  r.precision[c], r.recall[c], r.f1[c], r.support[c]);
    out += buf;
  }
  std::snprintf(buf, sizeof buf, "  macro-F1 %.4f  accuracy %.4f  (n = %d)\n", r.macro_f1, r.accuracy, r.n);
  return out + buf;
}

std::string confusion_svg(const ClassReport& r, const std::string& title) {
  const int cell = 34, left = 120, top = 150;
  const int size = left + cell * kClasses + 20;
  std::string s;
  char buf[400];
  std::snprintf(buf, sizeof buf,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">\n"
                "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n<text x=\"10\" y=\"20\" font-size=\"14\">",
                size, top + cell * kClasses + 40);
  s += buf;
  for (char c : title) s += c == '<' ? std::string("&lt;") : c == '&' ? std::string("&amp;") : std::string(1, c);
  s += "</text>\n<text x=\"10\" y=\"38\">rows: gold class, columns: predicted; cell = share of the row (%), colour by share</text>\n";
  for (int c = 0; c < kClasses; ++c) {
    std::string name(emotion::names()[static_cast<std::size_t>(c)]);
    std::snprintf(buf, sizeof buf, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", left - 6, top + c * cell + cell / 2 + 4, name.c_str());
    s += buf;
    std::snprintf(buf, sizeof buf, "<text transform=\"translate(%d,%d) rotate(-60)\">%s</text>\n", left + c * cell + cell / 2, top - 6, name.c_str());
    s += buf;
  }
  for (std::size_t g = 0; g < kClasses; ++g) {
    int row = 0;
    for (int v : r.confusion[g]) row += v;
    for (std::size_t p = 0; p < kClasses; ++p) {
      double share = row ? static_cast<double>(r.confusion[g][p]) / row : 0;
      int shade = static_cast<int>(std::lround(255 * (1 - share)));
      std::snprintf(buf, sizeof buf,
                    "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"rgb(%d,%d,255)\" stroke=\"#ccc\"/>"
                    "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"%s\">%ld</text>\n",
                    left + static_cast<int>(p) * cell, top + static_cast<int>(g) * cell, cell, cell, shade, shade,
                    left + static_cast<int>(p) * cell + cell / 2, top + static_cast<int>(g) * cell + cell / 2 + 4,
                    share > 0.5 ? "white" : "black", std::lround(100 * share));
      s += buf;
    }
  }
  std::snprintf(buf, sizeof buf, "<text x=\"10\" y=\"%d\">macro-F1 %.4f, accuracy %.4f, n = %d</text>\n</svg>\n",
                top + cell * kClasses + 25, r.macro_f1, r.accuracy, r.n);
  return s + buf;
}

std::array<float, kClasses> class_weights(const std::vector<int>& labels) {
  std::array<int, kClasses> n{};
  for (int l : labels) n[static_cast<std::size_t>(l)]++;
  std::array<float, kClasses> w{};
  for (std::size_t c = 0; c < kClasses; ++c)
    w[c] = n[c] ? static_cast<float>(std::sqrt(static_cast<double>(labels.size()) / (kClasses * n[c]))) : 0.f;
  return w;
}

}  // namespace emosync::textemotion
