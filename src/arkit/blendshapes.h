#pragma once
// The 52 ARKit blendshapes in Apple's ARFaceAnchor.BlendShapeLocation declaration
// order, emosync's canonical channel order. Other orders (alphabetical as LAM and
// EmoTalk use, Live Link Face's CSV) are handled by remapping names at the edges.
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emosync::arkit {

constexpr std::size_t kCount = 52;

const std::array<std::string_view, kCount>& names();

// Index in canonical order; nullopt when the name is not an ARKit blendshape.
// Matching is exact (camelCase); see index_of_loose for PascalCase / any case.
std::optional<std::size_t> find(std::string_view name);
// Like find but case-insensitive ("JawOpen", "jawopen" → jawOpen), for importers.
std::optional<std::size_t> find_loose(std::string_view name);
// Throws emosync::Error naming the unknown name.
std::size_t index_of(std::string_view name);

// The 52 names sorted alphabetically (ASCII), the order of LAM and EmoTalk.
std::vector<std::string> alphabetical_order();

// A mapping between canonical order and another named order. `order` must hold
// each of the 52 names exactly once (errors name the offending entry).
class ChannelOrder {
 public:
  explicit ChannelOrder(const std::vector<std::string>& order);
  static ChannelOrder canonical();
  static ChannelOrder alphabetical();

  const std::vector<std::string>& names() const { return names_; }
  // canonical index of the channel at position i of this order
  std::size_t canonical_index(std::size_t i) const { return to_canonical_[i]; }

  // Rearrange one frame (52 values) from this order into canonical order and back.
  void to_canonical(const float* in, float* out) const;
  void from_canonical(const float* in, float* out) const;

 private:
  std::vector<std::string> names_;
  std::vector<std::size_t> to_canonical_;
};

}  // namespace emosync::arkit
