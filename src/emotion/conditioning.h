#pragma once
// The model's 19-dim conditioning: one-hot (or blended) weights over the 16 classes
// followed by [V, A, D] (ARCHITECTURE.md §2). The base model's 5-dim conditioning is
// a one-hot over neutral, joy, sadness, anger, surprise.
#include <array>
#include <cstddef>

#include "emotion/anchors.h"

namespace emosync::emotion {

constexpr std::size_t kConditioningDim = kCount + 3;
using Conditioning = std::array<float, kConditioningDim>;

// One-hot of `cls` plus the anchor VAD at `intensity` (0..100).
Conditioning make_conditioning(std::size_t cls, float intensity, const Anchors& anchors = Anchors::standard());
// One-hot of `cls` plus an explicit VAD.
Conditioning make_conditioning(std::size_t cls, const Vad& vad);
// Per-component linear blend (1-t)·a + t·b.
Conditioning blend(const Conditioning& a, const Conditioning& b, float t);

constexpr std::size_t kBaseConditioningDim = 5;
// Classes of the base model's one-hot, in order.
constexpr std::array<std::size_t, kBaseConditioningDim> kBaseClasses = {0, 1, 9, 13, 6};

}  // namespace emosync::emotion
