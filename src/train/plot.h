#pragma once
#include <string>

namespace emosync::train {

// Reads a metrics JSONL (one object per epoch) and draws every numeric loss field
// against the epoch as an SVG, written atomically.
void plot_metrics(const std::string& jsonl_path, const std::string& svg_path);

}  // namespace emosync::train
