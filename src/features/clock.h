#pragma once
// Clocks: audio samples, feature frames (100/s) and model frames (30 fps, or any fps).
// Everything is integer arithmetic on sample counts so long clips never drift.
//
// Conventions:
//   - model frame j stands for the instant j / fps; a clip of n samples at `rate` has
//     the model frames whose instant lies inside it: j / fps < n / rate.
//   - feature frame i (log_mel.h) is centred on sample i*160 + 200 at 16 kHz.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "features/log_mel.h"

namespace emosync::features {

// Model frames of a clip of n_samples at sample_rate: ceil(n_samples * fps / sample_rate),
// exact. 16000 samples at 30 fps -> 30 frames; 16001 -> 31.
std::size_t frames_for_samples(std::size_t n_samples, int sample_rate, int fps);
// The same for a duration in seconds: ceil(seconds * fps), with a 1e-9 frame tolerance
// so that e.g. 2.0 s at 30 fps gives 60, not 61 through rounding noise.
std::size_t frames_for_duration(double seconds, int fps);

// Centre of feature frame i in seconds: (i*160 + 200) / 16000.
double feature_frame_center_s(std::size_t i);
// Index of the feature frame whose centre is nearest to model frame j's instant
// (ties go to the later frame), clamped to [0, n_feature_frames - 1]; 0 when there
// are no feature frames.
std::size_t feature_frame_for_model_frame(std::size_t j, int fps, std::size_t n_feature_frames);

// Resamples features [n_in, dims] (row-major, feature clock) to n_out model frames at
// fps by linear interpolation between the two feature frames around each model
// instant (held constant before the first centre and after the last one).
// Returns [n_out, dims]; an empty input gives floor_value() everywhere.
std::vector<float> features_at_fps(const float* feats, std::size_t n_in, std::size_t dims, int fps,
                                   std::size_t n_out);

}  // namespace emosync::features
