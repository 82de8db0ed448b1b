#pragma once
// Atomic writes: everything emosync writes goes to a temporary file beside the
// target and is renamed over it only when complete, so an interrupted run never
// leaves a half-written file behind.
#include <fstream>
#include <string>
#include <string_view>

namespace emosync::io {

// Writes `bytes` to `path` atomically; creates missing parent directories.
void write_file_atomic(const std::string& path, std::string_view bytes);

// Reads a whole file; throws emosync::Error naming the path when it cannot.
std::string read_file(const std::string& path);

// Stream-style atomic writer: write through stream(), then commit(). If the object
// is destroyed without commit() the temporary file is removed.
class AtomicWriter {
 public:
  explicit AtomicWriter(std::string path, bool binary = true);
  ~AtomicWriter();
  AtomicWriter(const AtomicWriter&) = delete;
  AtomicWriter& operator=(const AtomicWriter&) = delete;

  std::ostream& stream() { return out_; }
  void commit();

 private:
  std::string path_;
  std::string tmp_;
  std::ofstream out_;
  bool committed_ = false;
};

}  // namespace emosync::io
