#pragma once
// The data set card: what a data set holds, as JSON and as a picture. Counts per
// class (in frames and items), per source, hours of audio, and per-channel
// statistics of the targets grouped by channel type.
#include <string>

#include "io/json_file.h"

namespace emosync::dataset {

io::Json make_card(const std::string& root);
// An SVG with two panels: frames per emotion class, and target mean ± std per channel
// coloured by channel type.
std::string card_svg(const io::Json& card);

}  // namespace emosync::dataset
