#pragma once
// The random source of augmentation. Its own generator and distributions (splitmix64,
// Box-Muller) rather than <random>'s, whose distributions differ between standard
// libraries: an augmented item must be the same bytes wherever it is built.
#include <cstdint>
#include <string_view>

namespace emosync::augment {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  double uniform();                                              // [0, 1)
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  double gauss();                                                // N(0, 1)

 private:
  std::uint64_t state_;
};

// A stable 64-bit seed for a text (FNV-1a): item ids become seeds.
std::uint64_t seed_of(std::string_view text);
// An independent seed for part `k` of something seeded by `seed`.
std::uint64_t derive(std::uint64_t seed, std::uint64_t k);

}  // namespace emosync::augment
