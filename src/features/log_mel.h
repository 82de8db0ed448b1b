#pragma once
// Log-mel features: what the model hears. The definition, exactly:
//
//   input     mono float samples at 16 kHz (kSampleRate), nominally in [-1, 1]
//   framing   frame i covers samples [i*160, i*160 + 400): 25 ms window, 10 ms hop.
//             No padding at either end: frame 0 starts at sample 0 and only whole
//             windows make frames, so for N samples
//                 T = N < 400 ? 0 : 1 + floor((N - 400) / 160)
//             and the last (N - 400) % 160 samples (when N >= 400) make no frame yet.
//             Frame i is centred on sample i*160 + 200, i.e. at (i + 1.25) * 10 ms.
//   window    periodic Hann, w[t] = 0.5 - 0.5 cos(2 pi t / 400), t = 0 .. 399
//   spectrum  the 400 windowed samples zero-padded to 512 (FFT size), real FFT
//             (fft.h), power |X[k]|^2, k = 0 .. 256 (bin k is at k * 31.25 Hz),
//             unnormalised (no 1/N). Where in the 512 the 400 samples sit only
//             changes phases, not power.
//   mel       80 triangular filters, Slaney mel scale (linear below 1 kHz, 200/3 Hz
//             per mel; logarithmic above, log(6.4)/27 per mel), band edges 0 .. 8000
//             Hz: 82 points equally spaced in mel, filter m rises from point m to
//             point m+1 and falls to point m+2, evaluated at each bin's frequency,
//             then Slaney area normalisation (filter m scaled by 2 / (f[m+2] - f[m])).
//             This is librosa.filters.mel(sr=16000, n_fft=512, n_mels=80, fmin=0,
//             fmax=8000) (its defaults: htk=False, norm="slaney").
//   log       y = ln(max(mel energy, 1e-10)) (natural log); silence gives exactly
//             floor_value() = ln(1e-10f) in every band.
//
// In numpy: S = abs(rfft(hann400 * x[i*160 : i*160+400], n=512))**2;
//           y = log(maximum(librosa.filters.mel(...) @ S, 1e-10)).
//
// Output layout: row-major [T, 80], frame-major. Arithmetic is float32; tables are
// computed in double and rounded once.
#include <cstddef>
#include <vector>

#include "features/fft.h"

namespace emosync::features {

constexpr int kSampleRate = 16000;
constexpr std::size_t kWindowLength = 400;  // 25 ms
constexpr std::size_t kHopLength = 160;     // 10 ms
constexpr std::size_t kFftSize = 512;
constexpr std::size_t kNumBins = kFftSize / 2 + 1;
constexpr std::size_t kMelBands = 80;
constexpr double kMelLowHz = 0.0;
constexpr double kMelHighHz = 8000.0;
constexpr float kPowerFloor = 1e-10f;
constexpr int kFrameRate = kSampleRate / static_cast<int>(kHopLength);  // 100 frames/s

// ln(kPowerFloor): the value every band takes on silence.
float floor_value();

// Frames the offline extractor makes from n_samples samples (formula above).
constexpr std::size_t num_frames(std::size_t n_samples) {
  return n_samples < kWindowLength ? 0 : 1 + (n_samples - kWindowLength) / kHopLength;
}

// Slaney mel scale (librosa's default) and its inverse.
double hz_to_mel(double hz);
double mel_to_hz(double mel);

// One triangular filter, stored sparsely: weights for bins first .. first+size-1.
struct MelFilter {
  std::size_t first_bin = 0;
  std::vector<float> weights;
  double low_hz = 0, center_hz = 0, high_hz = 0;
};

// The 80 filters described above.
const std::vector<MelFilter>& mel_filters();

// Computes frames. Holds the window, the filters and FFT scratch: cheap to copy,
// not to share between threads (one per thread).
class LogMel {
 public:
  LogMel();
  // One frame: `window` points at kWindowLength samples, `out` receives kMelBands values.
  void compute_frame(const float* window, float* out);
  // All num_frames(n) frames of a signal, row-major [T, kMelBands].
  std::vector<float> compute(const float* samples, std::size_t n);
  std::vector<float> compute(const std::vector<float>& samples) {
    return compute(samples.data(), samples.size());
  }

 private:
  RealFft fft_;
  std::vector<float> window_;  // kWindowLength
  std::vector<float> frame_;   // kFftSize, zero beyond kWindowLength
  std::vector<float> power_;   // kNumBins
};

// Offline extraction in one call: [num_frames(samples.size()), kMelBands], row-major.
std::vector<float> log_mel(const std::vector<float>& samples_16k);

// Streaming extraction: push samples in chunks of any size, pull frames as they become
// complete. Frame i is computed from the same 400 samples by the same code as the
// offline extractor, so the frames are bit-identical to log_mel() on the concatenated
// input whatever the chunking. When frames are pulled as they become ready the
// buffer holds at most one window plus one chunk.
class StreamingLogMel {
 public:
  void push(const float* samples, std::size_t n);
  void push(const std::vector<float>& samples) { push(samples.data(), samples.size()); }
  // Frames complete but not yet pulled.
  std::size_t ready() const { return num_frames(pushed_) - pulled_; }
  // Writes the next frame (kMelBands values) into out; false when none is ready.
  bool pull(float* out);
  // Appends every ready frame to out (row-major); returns how many.
  std::size_t pull_all(std::vector<float>& out);
  std::size_t samples_pushed() const { return pushed_; }
  std::size_t frames_pulled() const { return pulled_; }
  // Samples held for frames not yet pulled (memory use, in samples).
  std::size_t buffered() const { return buffer_.size(); }
  // Starts a new stream (frame 0 at the next sample pushed).
  void reset();

 private:
  LogMel mel_;
  std::vector<float> buffer_;     // samples from buffer_start_ to pushed_
  std::size_t buffer_start_ = 0;  // absolute index of buffer_[0]
  std::size_t pushed_ = 0;
  std::size_t pulled_ = 0;
};

}  // namespace emosync::features
