#pragma once
// Evaluation of the text-emotion models: macro-F1 over the 16 classes, per-class F1,
// confusion matrix (text and SVG picture), Pearson r for V, A, D.
#include <array>
#include <string>
#include <vector>

namespace emosync::textemotion {

constexpr int kClasses = 16;

struct ClassReport {
  std::array<double, kClasses> precision{}, recall{}, f1{};
  std::array<int, kClasses> support{};
  std::array<std::array<int, kClasses>, kClasses> confusion{};  // [gold][predicted]
  double macro_f1 = 0, accuracy = 0;
  int n = 0;
};

ClassReport evaluate_classes(const std::vector<int>& gold, const std::vector<int>& predicted);
double pearson(const std::vector<float>& a, const std::vector<float>& b);

// Per-class table and macro-F1 as text.
std::string format_report(const ClassReport& r, const std::string& title);
// Row-normalised confusion matrix as a self-contained SVG picture.
std::string confusion_svg(const ClassReport& r, const std::string& title);

// Loss weights that lift rare classes: (N / (K n_c))^0.5, 0 for absent classes.
std::array<float, kClasses> class_weights(const std::vector<int>& labels);

}  // namespace emosync::textemotion
