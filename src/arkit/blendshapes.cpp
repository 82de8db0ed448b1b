#include "arkit/blendshapes.h"

#include <algorithm>
#include <cctype>

#include "io/error.h"

namespace emosync::arkit {

const std::array<std::string_view, kCount>& names() {
  static const std::array<std::string_view, kCount> kNames = {
      "eyeBlinkLeft",     "eyeLookDownLeft",    "eyeLookInLeft",       "eyeLookOutLeft",
      "eyeLookUpLeft",    "eyeSquintLeft",      "eyeWideLeft",         "eyeBlinkRight",
      "eyeLookDownRight", "eyeLookInRight",     "eyeLookOutRight",     "eyeLookUpRight",
      "eyeSquintRight",   "eyeWideRight",       "jawForward",          "jawLeft",
      "jawRight",         "jawOpen",            "mouthClose",          "mouthFunnel",
      "mouthPucker",      "mouthLeft",          "mouthRight",          "mouthSmileLeft",
      "mouthSmileRight",  "mouthFrownLeft",     "mouthFrownRight",     "mouthDimpleLeft",
      "mouthDimpleRight", "mouthStretchLeft",   "mouthStretchRight",   "mouthRollLower",
      "mouthRollUpper",   "mouthShrugLower",    "mouthShrugUpper",     "mouthPressLeft",
      "mouthPressRight",  "mouthLowerDownLeft", "mouthLowerDownRight", "mouthUpperUpLeft",
      "mouthUpperUpRight", "browDownLeft",      "browDownRight",       "browInnerUp",
      "browOuterUpLeft",  "browOuterUpRight",   "cheekPuff",           "cheekSquintLeft",
      "cheekSquintRight", "noseSneerLeft",      "noseSneerRight",      "tongueOut"};
  return kNames;
}

std::optional<std::size_t> find(std::string_view name) {
  const auto& n = names();
  for (std::size_t i = 0; i < kCount; ++i)
    if (n[i] == name) return i;
  return std::nullopt;
}

std::optional<std::size_t> find_loose(std::string_view name) {
  auto lower = [](std::string_view s) {
    std::string r(s);
    for (auto& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return r;
  };
  std::string want = lower(name);
  const auto& n = names();
  for (std::size_t i = 0; i < kCount; ++i)
    if (lower(n[i]) == want) return i;
  return std::nullopt;
}

std::size_t index_of(std::string_view name) {
  if (auto i = find(name)) return *i;
  throw Error("unknown ARKit blendshape name '" + std::string(name) + "'");
}

std::vector<std::string> alphabetical_order() {
  std::vector<std::string> v(names().begin(), names().end());
  std::sort(v.begin(), v.end());
  return v;
}

ChannelOrder::ChannelOrder(const std::vector<std::string>& order) : names_(order) {
  if (order.size() != kCount)
    throw Error("channel order has " + std::to_string(order.size()) + " names, expected 52");
  std::vector<bool> seen(kCount, false);
  for (std::size_t i = 0; i < order.size(); ++i) {
    auto c = find(order[i]);
    if (!c) throw Error("channel order entry " + std::to_string(i) + ": unknown ARKit name '" + order[i] + "'");
    if (seen[*c]) throw Error("channel order entry " + std::to_string(i) + ": '" + order[i] + "' appears twice");
    seen[*c] = true;
    to_canonical_.push_back(*c);
  }
}

ChannelOrder ChannelOrder::canonical() {
  const auto& n = arkit::names();
  return ChannelOrder(std::vector<std::string>(n.begin(), n.end()));
}

ChannelOrder ChannelOrder::alphabetical() { return ChannelOrder(alphabetical_order()); }

void ChannelOrder::to_canonical(const float* in, float* out) const {
  for (std::size_t i = 0; i < kCount; ++i) out[to_canonical_[i]] = in[i];
}

void ChannelOrder::from_canonical(const float* in, float* out) const {
  for (std::size_t i = 0; i < kCount; ++i) out[i] = in[to_canonical_[i]];
}

}  // namespace emosync::arkit
