#pragma once
// The windowed-sinc resampler of features/resample.h in streaming form (resample_sinc is
// this class run once over a whole buffer). The output is bit-identical whatever the
// chunking, so offline and streaming runs of the engine agree. Output sample n sits at input time
// n * from / to; samples past the end count as zero, and finish() ends the output at
// round(n_in * to / from) samples, like resample_sinc.
//
// Latency: an output sample needs taps_each_side input samples past its instant:
// ceil(32 / min(1, to/from)) input samples, i.e. 32 zero crossings: 4.4 ms at 8 kHz,
// 2.2 ms from 48 kHz to 16 kHz.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace emosync::features {

class StreamResampler {
 public:
  StreamResampler(int from_rate, int to_rate);
  // Appends the output that the pushed input completes.
  void push(const float* x, std::size_t n, std::vector<float>& out);
  // End of input: appends the remaining output.
  void finish(std::vector<float>& out);
  int from_rate() const { return from_; }
  std::size_t latency_samples() const { return static_cast<std::size_t>(taps_); }  // input samples

 private:
  void produce(std::vector<float>& out, bool final);
  void weights(std::uint64_t phase, float* w) const;

  int from_, to_;
  std::uint64_t up_ = 1, down_ = 1;
  double cutoff_ = 0.5, half_width_ = 0, i0_beta_ = 1;
  int taps_ = 0;
  std::vector<float> table_;    // [up][2 * taps] when up is small
  std::vector<float> scratch_;  // weights of one phase otherwise
  std::vector<float> buffer_;   // input from buffer_start_ on
  std::int64_t buffer_start_ = 0, pushed_ = 0;
  std::uint64_t produced_ = 0;
  bool passthrough_ = false;
};

}  // namespace emosync::features
