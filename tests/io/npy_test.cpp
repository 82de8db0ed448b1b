#include <gtest/gtest.h>

#include <filesystem>
#include <limits>

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

namespace {
// A version 1.0 .npy file with `header` as its dict (padded like numpy's) and `data`.
std::string npy_with_header(const std::string& dict, const std::string& data = "") {
  std::string header = dict;
  header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  return out + header + data;
}

std::string error_of(const std::string& bytes, io::NpyValues values = io::NpyValues::Finite) {
  try {
    io::parse_npy(bytes, "x.npy", values);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}
}  // namespace

TEST(Npy, ShapesWhoseSizeOverflowsAreRefused) {
  // 2^62 * 52 * 4 wraps to 0 bytes in 64 bits: the old reader accepted an empty file
  // as 2^62 frames and read past its buffer.
  EXPECT_NE(error_of(npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 52), }"))
                .find("x.npy: .npy shape is too large"),
            std::string::npos);
  EXPECT_NE(error_of(npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 0), }"))
                .find("too large"),
            std::string::npos);
  EXPECT_NE(error_of(npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999, 52), }"))
                .find("dimension too large"),
            std::string::npos);
}

TEST(Npy, NegativeDimensionsAreRefused) {
  std::string data(10 * 52 * 4, '\0');
  EXPECT_NE(error_of(npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (-10, 52), }", data))
                .find("negative dimension"),
            std::string::npos);
}

TEST(Npy, DataMustBeExactlyWhatTheShapeSays) {
  float x[4] = {1, 2, 3, 4};
  std::string b = io::npy_bytes(x, {4});
  EXPECT_NE(error_of(b + "junk").find("the shape needs 16 bytes of data, the file holds 20"), std::string::npos);
  EXPECT_NE(error_of(b.substr(0, b.size() - 1)).find("the file holds 15"), std::string::npos);
}

TEST(Npy, OversizedHeaderIsRefusedBeforeParsing) {
  // ~30 KB of header overflowed the stack inside std::regex.
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::string(30000, ' ') + "1,), }";
  std::string header = dict + "\n";
  std::string b("\x93NUMPY\x02\x00", 8);
  for (int i = 0; i < 4; ++i) b += static_cast<char>(header.size() >> (8 * i) & 0xff);
  b += header + std::string(4, '\0');
  EXPECT_NE(error_of(b).find("header of " + std::to_string(header.size()) + " bytes (the limit is 10000)"),
            std::string::npos)
      << error_of(b);
}

TEST(Npy, HeaderIsReadAsADictNotSearched) {
  float one = 1.f;
  std::string data(reinterpret_cast<const char*>(&one), 4);
  // numpy's spelling variants: any key order, double quotes, spaces, no trailing comma.
  io::NpyArray a = io::parse_npy(npy_with_header("{\"shape\": ( 1 , 1 ) , \"fortran_order\": False, \"descr\": \"<f4\"}", data), "m");
  EXPECT_EQ(a.shape, (std::vector<std::size_t>{1, 1}));
  EXPECT_EQ(a.data, std::vector<float>{1.f});
  EXPECT_NE(error_of(npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", data))
                .find("unexpected key 'x'"),
            std::string::npos);
  EXPECT_NE(error_of(npy_with_header("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", data))
                .find("appears twice"),
            std::string::npos);
  EXPECT_NE(error_of(npy_with_header("{'descr': '<f4', 'shape': (1,)}", data)).find("needs"), std::string::npos);
  // The old regex found 'shape': (...) anywhere, even inside another value.
  EXPECT_NE(error_of(npy_with_header("{'descr': \"'shape': (1,)\", 'fortran_order': False, 'shape': (1,)}", data))
                .find("only float32/float64"),
            std::string::npos);
  EXPECT_NE(error_of(npy_with_header("{'descr': '>f4', 'fortran_order': False, 'shape': (1,)}", data))
                .find("descr '>f4'"),
            std::string::npos);
}

TEST(Npy, NonFiniteValuesNameTheirIndexUnlessAllowed) {
  std::vector<float> v(2 * 3, 0.f);
  v[5] = std::numeric_limits<float>::quiet_NaN();
  std::string b = io::npy_bytes(v.data(), {2, 3});
  EXPECT_NE(error_of(b).find("x.npy: non-finite value nan at [1, 2]"), std::string::npos) << error_of(b);
  EXPECT_EQ(error_of(b, io::NpyValues::Any), "(no error)");
  v[5] = 0;
  v[1] = -std::numeric_limits<float>::infinity();
  EXPECT_NE(error_of(io::npy_bytes(v.data(), {2, 3})).find("-inf at [0, 1]"), std::string::npos);
}

TEST(Npy, Float64BeyondFloat32RangeIsRefused) {
  double v[2] = {0.5, 1e300};
  std::string data(reinterpret_cast<const char*>(v), sizeof v);
  std::string b = npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", data);
  EXPECT_NE(error_of(b).find("value 1e+300 at [1] is beyond float32's range"), std::string::npos) << error_of(b);
  v[1] = 0.25;
  io::NpyArray a = io::parse_npy(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }",
                                                 std::string(reinterpret_cast<const char*>(v), sizeof v)),
                                 "m");
  EXPECT_EQ(a.data, (std::vector<float>{0.5f, 0.25f}));
}
