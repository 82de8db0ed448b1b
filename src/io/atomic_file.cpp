#include "io/atomic_file.h"

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include <unistd.h>

#include "io/error.h"

namespace emosync::io {
namespace fs = std::filesystem;

namespace {
std::string temp_name(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  std::ostringstream s;
  s << path << ".tmp." << ::getpid() << "." << counter++;
  return s.str();
}

void ensure_parent(const std::string& path) {
  fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) throw Error(path + ": cannot create directory " + parent.string() + ": " + ec.message());
  }
}
}  // namespace

void write_file_atomic(const std::string& path, std::string_view bytes) {
  AtomicWriter w(path);
  w.stream().write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  w.commit();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open for reading");
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) throw Error(path + ": read error");
  return s.str();
}

AtomicWriter::AtomicWriter(std::string path, bool binary) : path_(std::move(path)) {
  ensure_parent(path_);
  tmp_ = temp_name(path_);
  out_.open(tmp_, binary ? std::ios::binary | std::ios::out : std::ios::out);
  if (!out_) throw Error(path_ + ": cannot open for writing");
}

AtomicWriter::~AtomicWriter() {
  if (!committed_) {
    out_.close();
    std::remove(tmp_.c_str());
  }
}

void AtomicWriter::commit() {
  out_.flush();
  if (!out_) throw Error(path_ + ": write failed (disk full?)");
  out_.close();
  std::error_code ec;
  fs::rename(tmp_, path_, ec);
  if (ec) {
    std::remove(tmp_.c_str());
    throw Error(path_ + ": cannot move finished file into place: " + ec.message());
  }
  committed_ = true;
}

}  // namespace emosync::io
