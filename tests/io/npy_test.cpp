#include <gtest/gtest.h>

#include <filesystem>

#include "io/error.h"
#include "io/npy.h"

using namespace emosync;

TEST(Npy, HeaderIsAlignedAndReadsBack) {
  std::vector<float> v(3 * 52);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i) * 0.5f - 7.f;
  std::string b = io::npy_bytes(v.data(), {3, 52});
  ASSERT_EQ(b.compare(0, 6, "\x93NUMPY"), 0);
  std::size_t hlen = static_cast<unsigned char>(b[8]) | (static_cast<unsigned char>(b[9]) << 8);
  EXPECT_EQ((10 + hlen) % 64, 0u);
  EXPECT_EQ(b[10 + hlen - 1], '\n');
  EXPECT_NE(b.find("'shape': (3,52)"), std::string::npos);
  EXPECT_EQ(b.size(), 10 + hlen + v.size() * 4);
  io::NpyArray a = io::parse_npy(b, "mem");
  EXPECT_EQ(a.shape, (std::vector<std::size_t>{3, 52}));
  EXPECT_EQ(a.data, v);
}

TEST(Npy, OneDimensionalShapeHasTrailingComma) {
  float x[2] = {1, 2};
  std::string b = io::npy_bytes(x, {2});
  EXPECT_NE(b.find("'shape': (2,)"), std::string::npos);
  EXPECT_EQ(io::parse_npy(b, "mem").shape, (std::vector<std::size_t>{2}));
}

TEST(Npy, FileRoundTrip) {
  auto path = std::filesystem::temp_directory_path() / "emosync_npy_test.npy";
  std::vector<float> v = {0.f, 1.f, -2.5f, 3.25f};
  io::write_npy(path.string(), v.data(), {2, 2});
  io::NpyArray a = io::read_npy(path.string());
  EXPECT_EQ(a.rows(), 2u);
  EXPECT_EQ(a.cols(), 2u);
  EXPECT_EQ(a.data, v);
  std::filesystem::remove(path);
}

TEST(Npy, TruncatedAndForeignFilesAreClearErrors) {
  float x[4] = {1, 2, 3, 4};
  std::string b = io::npy_bytes(x, {4});
  EXPECT_THROW(io::parse_npy(b.substr(0, b.size() - 3), "t.npy"), Error);
  EXPECT_THROW(io::parse_npy("hello", "t.npy"), Error);
  try {
    io::parse_npy(b.substr(0, 20), "t.npy");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("t.npy"), std::string::npos);
  }
}
