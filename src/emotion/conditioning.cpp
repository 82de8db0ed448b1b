#include "emotion/conditioning.h"

namespace emosync::emotion {

Conditioning make_conditioning(std::size_t cls, const Vad& vad) {
  Conditioning c{};
  c[cls] = 1.f;
  c[kCount] = vad[0];
  c[kCount + 1] = vad[1];
  c[kCount + 2] = vad[2];
  return c;
}

Conditioning make_conditioning(std::size_t cls, float intensity, const Anchors& anchors) {
  return make_conditioning(cls, anchors.at_intensity(cls, intensity));
}

Conditioning blend(const Conditioning& a, const Conditioning& b, float t) {
  Conditioning c;
  for (std::size_t i = 0; i < kConditioningDim; ++i) c[i] = (1.f - t) * a[i] + t * b[i];
  return c;
}

}  // namespace emosync::emotion
