#include <gtest/gtest.h>

#include "io/error.h"
#include "io/json_file.h"

using namespace emosync;

TEST(JsonFile, SyntaxErrorNamesLineAndColumn) {
  std::string text = "{\n  \"a\": 1,\n  \"b\": ]\n}";
  try {
    io::parse_json(text, "x.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("x.json:3:"), std::string::npos) << e.what();
  }
}

TEST(JsonFile, FieldErrorsNameThePath) {
  io::Json j = io::parse_json(R"({"presets": [{"w": {"jawOpen": 1.5}}]})", "p.json");
  io::JsonNode root(j, "p.json");
  try {
    root["presets"][0]["w"]["jawOpen"].number_in(0, 1);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("p.json: presets[0].w.jawOpen"), std::string::npos) << e.what();
  }
  EXPECT_THROW(root["missing"], Error);
  EXPECT_THROW(root["presets"][3], Error);
  EXPECT_THROW(root["presets"].string(), Error);
}

TEST(JsonFile, LineColCounts) {
  EXPECT_EQ(io::line_col("ab\ncd", 4), "2:2");
  EXPECT_EQ(io::line_col("ab", 0), "1:1");
}
