#include "arkit/channel_split.h"

#include "io/error.h"
#include "tables/tables.h"

namespace emosync::arkit {

const char* to_string(ChannelType t) {
  switch (t) {
    case ChannelType::Lipsync: return "LIPSYNC";
    case ChannelType::Expression: return "EXPRESSION";
    case ChannelType::Shared: return "SHARED";
  }
  return "?";
}

const ChannelSplit& ChannelSplit::standard() {
  static const ChannelSplit split = load("data/arkit/channel_split.json");
  return split;
}

ChannelSplit ChannelSplit::load(const std::string& path_or_key) {
  io::Json j = tables::read_json_file_or_table(path_or_key);
  io::JsonNode root(j, path_or_key);
  ChannelSplit s;
  std::array<int, kCount> seen{};
  seen.fill(-1);
  const char* keys[3] = {"LIPSYNC", "EXPRESSION", "SHARED"};
  for (int t = 0; t < 3; ++t) {
    io::JsonNode list = root[keys[t]];
    for (std::size_t i = 0; i < list.size(); ++i) {
      io::JsonNode item = list[i];
      std::string name = item.string();
      auto c = find(name);
      if (!c) item.fail("unknown ARKit name '" + name + "'");
      if (seen[*c] >= 0) item.fail("'" + name + "' is already listed under " + keys[seen[*c]]);
      seen[*c] = t;
      s.type_[*c] = static_cast<ChannelType>(t);
      s.members_[t].push_back(*c);
    }
  }
  for (std::size_t c = 0; c < kCount; ++c)
    if (seen[c] < 0) throw Error(path_or_key + ": channel '" + std::string(names()[c]) + "' is not assigned to any type");
  return s;
}

}  // namespace emosync::arkit
