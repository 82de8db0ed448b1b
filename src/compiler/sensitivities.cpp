#include "compiler/sensitivities.h"

#include "io/error.h"
#include "tables/tables.h"

namespace emosync::compiler {

Sensitivities Sensitivities::load(const std::string& path_or_key) {
  io::Json j = tables::read_json_file_or_table(path_or_key);
  io::JsonNode root(j, path_or_key);
  Sensitivities s;
  s.version = root["version"].string();
  io::JsonNode ch = root["channels"];
  const io::Json& obj = ch.object();
  std::array<bool, arkit::kCount> have{};
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    io::JsonNode n = ch.child(it.key(), it.value());
    auto c = arkit::find(it.key());
    if (!c) n.fail("not an ARKit blendshape name");
    Sensitivity& t = s.channels[*c];
    // |weights| above 20 would make the sigmoid a step: the compiler must stay continuous.
    t.v = static_cast<float>(n["v"].number_in(-20, 20));
    t.a = static_cast<float>(n["a"].number_in(-20, 20));
    t.d = static_cast<float>(n["d"].number_in(-20, 20));
    t.b = static_cast<float>(n["b"].number_in(-20, 20));
    t.why = n["why"].string();
    if (t.why.empty()) n["why"].fail("say why this channel leans the way it does");
    have[*c] = true;
  }
  for (std::size_t c = 0; c < arkit::kCount; ++c)
    if (!have[c]) ch.child(std::string(arkit::names()[c]), obj).fail("missing (all 52 channels are required)");
  return s;
}

}  // namespace emosync::compiler
