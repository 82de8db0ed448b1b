#include <gtest/gtest.h>

#include <filesystem>

#include "io/atomic_file.h"
#include "io/error.h"

using namespace emosync;
namespace fs = std::filesystem;

TEST(AtomicFile, WritesCompleteFileAndLeavesNoTemporaries) {
  fs::path dir = fs::temp_directory_path() / "emosync_atomic_test";
  fs::remove_all(dir);
  std::string path = (dir / "sub" / "out.txt").string();
  io::write_file_atomic(path, "hello");
  EXPECT_EQ(io::read_file(path), "hello");
  io::write_file_atomic(path, "replaced");
  EXPECT_EQ(io::read_file(path), "replaced");
  int files = 0;
  for (auto& e : fs::directory_iterator(dir / "sub")) files += e.is_regular_file();
  EXPECT_EQ(files, 1);
  fs::remove_all(dir);
}

TEST(AtomicFile, AbandonedWriterLeavesNothing) {
  fs::path dir = fs::temp_directory_path() / "emosync_atomic_test2";
  fs::remove_all(dir);
  {
    io::AtomicWriter w((dir / "x.bin").string());
    w.stream() << "partial";
  }
  EXPECT_FALSE(fs::exists(dir / "x.bin"));
  EXPECT_TRUE(fs::is_empty(dir));
  fs::remove_all(dir);
}

TEST(AtomicFile, MissingFileIsAClearError) {
  try {
    io::read_file("/nonexistent/emosync/file.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("file.json"), std::string::npos);
  }
}
