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

TEST(JsonFile, NumberBeyondDoubleNamesLineAndColumn) {
  // nlohmann throws out_of_range 406 without a position; it escaped as a bare
  // "[json.exception.out_of_range.406]" with no file.
  try {
    io::parse_json("{\n  \"fps\": 1e309\n}", "a.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("a.json:2:10: number 1e309 is out of range"), std::string::npos) << e.what();
  }
  // One line of a JSONL file, numbered as in the file.
  try {
    io::parse_json("{\"a\": [1, -2e400]}", "s.jsonl", 7);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("s.jsonl:7:11: number -2e400"), std::string::npos) << e.what();
  }
  try {
    io::parse_json("[1,\n ]", "s.jsonl", 7);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("s.jsonl:8:"), std::string::npos) << e.what();
  }
}

TEST(JsonFile, DeepNestingIsRefused) {
  std::string deep(100000, '[');
  try {
    io::parse_json(deep + std::string(100000, ']'), "d.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("d.json:1:513: invalid JSON: nested deeper than 512 levels"),
              std::string::npos)
        << e.what();
  }
  // Brackets inside strings do not count.
  EXPECT_NO_THROW(io::parse_json("[\"" + deep + "\"]", "s.json"));
}

TEST(JsonFile, IntegerBeyondIntIsAnErrorNotAWrap) {
  io::Json j = io::parse_json(R"({"n": 3000000000, "m": -3000000000, "k": 7})", "n.json");
  io::JsonNode root(j, "n.json");
  EXPECT_EQ(root["k"].integer(), 7);
  EXPECT_THROW(root["n"].integer(), Error);
  EXPECT_THROW(root["m"].integer(), Error);
}
