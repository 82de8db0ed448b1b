#pragma once
// Progress for long jobs on stderr: done/total, rate and ETA, at most a few
// updates a second, so a person (or a CI log) can see the job is alive.
#include <chrono>
#include <cstdio>
#include <string>

namespace emosync::io {

class Progress {
 public:
  Progress(std::string label, std::size_t total, std::string unit = "items")
      : label_(std::move(label)), unit_(std::move(unit)), total_(total), start_(Clock::now()), last_(start_) {}

  // Adds `n` finished units; prints when enough time passed (or at the end).
  void advance(std::size_t n = 1) {
    done_ += n;
    auto now = Clock::now();
    if (done_ < total_ && now - last_ < std::chrono::milliseconds(500)) return;
    last_ = now;
    print(now);
  }
  std::size_t done() const { return done_; }
  double elapsed_s() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

 private:
  using Clock = std::chrono::steady_clock;
  void print(Clock::time_point now) const {
    double s = std::chrono::duration<double>(now - start_).count();
    double rate = s > 0 ? done_ / s : 0;
    double eta = rate > 0 && total_ > done_ ? (total_ - done_) / rate : 0;
    std::fprintf(stderr, "%s: %zu/%zu %s (%.1f%%), %.1f %s/s, elapsed %.0f s, ETA %.0f s\n", label_.c_str(), done_,
                 total_, unit_.c_str(), total_ ? 100.0 * done_ / total_ : 100.0, rate, unit_.c_str(), s, eta);
  }
  std::string label_, unit_;
  std::size_t total_, done_ = 0;
  Clock::time_point start_, last_;
};

}  // namespace emosync::io
