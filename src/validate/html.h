#pragma once
// report.html of `emosync validate`: the rule table first (what passed, what failed),
// then the lip measures per corpus (model, loudness envelope, teacher), the plots, the
// p/b/m that did not seal, and every figure of report.json. Self-contained, no scripts.
#include <string>
#include <vector>

namespace emosync::validate {

struct Report;
std::string report_html(const Report& r, const std::vector<std::string>& svgs);

}  // namespace emosync::validate
