#include "features/resample.h"

#include <string>

#include "features/stream_resampler.h"
#include "io/error.h"

namespace emosync::features {

// One filter for offline and streaming use: the whole buffer through StreamResampler.
std::vector<float> resample_sinc(const float* x, std::size_t n, int from_rate, int to_rate) {
  if (from_rate <= 0 || to_rate <= 0)
    throw Error("resample_sinc: rates must be positive, got " + std::to_string(from_rate) + " -> " +
                std::to_string(to_rate));
  StreamResampler r(from_rate, to_rate);
  std::vector<float> out;
  out.reserve(static_cast<std::size_t>(static_cast<double>(n) * to_rate / from_rate) + 2);
  r.push(x, n, out);
  r.finish(out);
  return out;
}

}  // namespace emosync::features
