#pragma once
// Natural eye blinks for a talking face, as a per-frame eyelid closure (0 open .. 1 shut)
// drawn from a seeded generator, so the same seed gives the same blinks on every platform
// (the generator and its distributions are written here, not taken from <random>, whose
// distributions differ between standard libraries, e.g. native vs WebAssembly).
//
// Figures (../shared/research/expression-reference.md §5):
//   - rate: conversation 26/min, rest 17/min (Bentivoglio et al. 1997, 150 subjects; the
//     distribution of intervals is log-normal); 95% range in conversation 10.5-32.5/min
//     (Doughty 2001). A talking avatar also listens, so the mean sits between: ~20/min.
//   - shape: close 60-100 ms, hold 0-50 ms, open 100-150 ms, opening slower than closing
//     (Stern, Walrath & Goldstein 1984; Sforza et al. 2008: the lid closes 40-47% faster).
//   - depth: many blinks are partial (Ousler et al. 2014: ~53%; Sforza et al. 2008), so
//     70% close fully and 30% to 0.5-0.8.
//   - double blinks: 15% (met4citizen/TalkingHead's blink template: 85% single).
#include <cstddef>
#include <cstdint>

namespace emosync::post {

// splitmix64: small, fast, and the same sequence everywhere.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  double uniform();                      // [0, 1)
  double uniform(double lo, double hi);  // [lo, hi)
  double normal();                       // standard normal (Box-Muller)

 private:
  std::uint64_t state_;
};

struct BlinkOptions {
  double mean_interval_s = 3.4;  // between blink starts; x1.15 for doubles -> ~20 blinks/min
  double interval_sigma = 0.5;   // of ln(interval): log-normal (Bentivoglio 1997)
  double min_interval_s = 0.6;   // start to start, so blinks never run into each other
  double close_ms_min = 60, close_ms_max = 100;
  double hold_ms_min = 0, hold_ms_max = 50;
  double open_ms_min = 100, open_ms_max = 150;
  double full_fraction = 0.7;                 // the rest close to partial_min..partial_max
  double partial_min = 0.5, partial_max = 0.8;
  double double_fraction = 0.15;
};

// Produces the eyelid closure of consecutive frames at `fps`.
class Blinks {
 public:
  explicit Blinks(std::uint32_t seed, double fps = 30, const BlinkOptions& options = {});
  // Closure for the next frame (frame 0, 1, 2, ...).
  float next();
  std::size_t blinks_started() const { return started_; }

 private:
  void schedule_after(std::size_t frame);  // draws the next blink's start and shape
  struct Shape {
    int close = 2, hold = 0, open = 4;  // frames
    float depth = 1;
  };
  Shape draw_shape();

  Rng rng_;
  double fps_;
  BlinkOptions opt_;
  std::size_t frame_ = 0;  // the frame next() returns
  std::size_t start_ = 0;  // start frame of the current or next blink
  Shape shape_;
  bool second_pending_ = false;  // a double blink's second half follows this one
  std::size_t started_ = 0;
};

}  // namespace emosync::post
