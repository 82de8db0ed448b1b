#include "augment/rng.h"

#include <cmath>

namespace emosync::augment {

std::uint64_t Rng::next() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

double Rng::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

double Rng::gauss() {
  const double u1 = 1.0 - uniform();  // (0, 1]: the log stays finite
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

std::uint64_t seed_of(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

std::uint64_t derive(std::uint64_t seed, std::uint64_t k) {
  Rng r(seed ^ (k * 0xd1b54a32d192ed03ull));
  r.next();
  return r.next();
}

}  // namespace emosync::augment
