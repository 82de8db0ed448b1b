#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "emotion/classes.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "scenarios/scenario.h"
#include "support/test_support.h"

using namespace emosync;
using namespace emosync::scenarios;

namespace fs = std::filesystem;
using emosync::test_support::error_of;

static std::string demo() { return std::string(EMOSYNC_SOURCE_DIR) + "/data/scenarios/demo.jsonl"; }

TEST(Scenarios, DemoSetIsValidAndCoversEveryClass) {
  LoadReport r = load_scenarios(demo(), true);
  EXPECT_TRUE(r.errors.empty());
  std::set<std::size_t> classes;
  for (const auto& s : r.scenarios)
    for (const auto& t : s.turns) classes.insert(t.emotion);
  EXPECT_EQ(classes.size(), emotion::kCount);
}

TEST(Scenarios, EveryBadLineIsReportedWithLineAndField) {
  std::string path = ::testing::TempDir() + "/bad_scenarios.jsonl";
  io::write_file_atomic(path,
                        R"({"id": "ok", "turns": [{"speaker": "SELF", "text": "hi", "emotion": "joy", "intensity": 50}]})" "\n"
                        R"({"id": "a", "turns": [{"speaker": "ME", "text": "hi", "emotion": "joy", "intensity": 50}]})" "\n"
                        "\n"
                        R"({"id": "b", "turns": [{"speaker": "SELF", "text": "hi", "emotion": "joyful", "intensity": 50}]})" "\n"
                        R"({"id": "c", "turns": [{"speaker": "SELF", "text": "hi", "emotion": "joy", "intensity": 150}]})" "\n"
                        R"({"id": "d", "turns": [{"speaker": "SELF", "text": "hi", "emotion": "joy"}]})" "\n"
                        R"({"id": "ok", "turns": [{"speaker": "SELF", "text": "hi", "emotion": "joy", "intensity": 5}]})" "\n"
                        "{not json\n"
                        R"({"id": "e", "turns": [{"speaker": "SELF", "text": "hi", "emotion": "sad", "vad": [0, 2, 0]}]})" "\n"
                        R"({"id": "f", "turns": [{"speaker": "SELF", "text": "hi", "emotion": "sad", "intensity": 5, "audio": "x.wav"}]})" "\n");
  LoadReport r = load_scenarios(path);
  ASSERT_EQ(r.scenarios.size(), 1u);
  ASSERT_EQ(r.errors.size(), 8u);
  EXPECT_NE(r.errors[0].find(":2: turns[0].speaker"), std::string::npos) << r.errors[0];
  EXPECT_NE(r.errors[1].find(":4: turns[0].emotion"), std::string::npos) << r.errors[1];
  EXPECT_NE(r.errors[2].find(":5: turns[0].intensity"), std::string::npos) << r.errors[2];
  EXPECT_NE(r.errors[3].find(":6: turns[0]"), std::string::npos) << r.errors[3];
  EXPECT_NE(r.errors[4].find(":7: id: duplicate"), std::string::npos) << r.errors[4];
  EXPECT_NE(r.errors[5].find(":8:3: invalid JSON"), std::string::npos) << r.errors[5];
  EXPECT_NE(r.errors[6].find(":9: turns[0].vad[1]"), std::string::npos) << r.errors[6];
  EXPECT_NE(r.errors[7].find(":10: turns[0]"), std::string::npos) << r.errors[7];
  EXPECT_THROW(load_scenarios(path, true), Error);
}

TEST(Scenarios, RoundTripAndResolvedVad) {
  LoadReport r = load_scenarios(demo(), true);
  for (const auto& s : r.scenarios) {
    Scenario back = parse_scenario(to_json_line(s), "mem", 1);
    ASSERT_EQ(back.turns.size(), s.turns.size());
    for (std::size_t i = 0; i < s.turns.size(); ++i) {
      EXPECT_EQ(back.turns[i].text, s.turns[i].text);
      EXPECT_EQ(back.turns[i].resolved_vad(), s.turns[i].resolved_vad());
    }
  }
  Turn t;
  t.emotion = emotion::parse("joy");
  t.intensity = 100;
  EXPECT_EQ(t.resolved_vad(), emotion::Anchors::standard().at(t.emotion, emotion::Level::L5));
}

namespace {
std::string line(const std::string& id, const std::string& turn_extra = "", const std::string& text = "hi") {
  return R"({"id": ")" + id + R"(", "turns": [{"speaker": "SELF", "text": ")" + text +
         R"(", "emotion": "joy", "intensity": 50)" + turn_extra + "}]}";
}
std::string scratch(const std::string& name) {
  std::string d = test_support::temp_path("scenarios", name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}
}  // namespace

// nlohmann threw out_of_range for 1e309 without a position, and the loader stopped
// at that line: every line must be reported, each with file:line, and parsing go on.
TEST(Scenarios, NumbersBeyondDoubleAreReportedPerLineAndParsingGoesOn) {
  std::string text = R"({"id": "a", "turns": [{"speaker": "SELF", "text": "hi", "emotion": "joy", "intensity": 1e309}]})"
                     "\n" + line("ok") + "\n" +
                     R"({"id": "b", "turns": [{"speaker": "SELF", "text": "hi", "emotion": "sad", "vad": [0, -1e999, 0]}]})"
                     "\n" R"({"id": "c", "turns": [], "weight": -1e400})" "\n";
  LoadReport r = parse_scenarios(text, "mem.jsonl");
  ASSERT_EQ(r.scenarios.size(), 1u);
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_NE(r.errors[0].find("mem.jsonl:1:"), std::string::npos) << r.errors[0];
  EXPECT_NE(r.errors[0].find("1e309"), std::string::npos) << r.errors[0];
  EXPECT_NE(r.errors[1].find("mem.jsonl:3:"), std::string::npos) << r.errors[1];
  EXPECT_NE(r.errors[2].find("mem.jsonl:4:"), std::string::npos) << r.errors[2];
  EXPECT_NE(error_of([&] { parse_scenarios(text, "mem.jsonl", true); }).find("mem.jsonl:1:"), std::string::npos);
}

// Ids name item folders: "../../evil" passed validate and then failed the build.
TEST(Scenarios, IdsAreSafeFileNameComponents) {
  for (std::string bad : std::vector<std::string>{"../../evil", "a/b", ".hidden", "..", "", "sp ace", "tab\\tid", "semi;colon", std::string(201, 'x')}) {
    std::string e = error_of([&] { parse_scenario(line(bad), "f.jsonl", 3); });
    EXPECT_NE(e.find("f.jsonl:3: id:"), std::string::npos) << bad << " -> " << e;
  }
  for (std::string good : std::vector<std::string>{"demo-job", "ge_00001", "rec-LJ001-0001.v2", std::string(200, 'x')})
    EXPECT_EQ(parse_scenario(line(good), "f.jsonl", 1).id, good);
}

TEST(Scenarios, TurnsAndTextHaveLimits) {
  std::string many = R"({"id": "m", "turns": [)";
  for (std::size_t i = 0; i <= kMaxTurns; ++i)
    many += std::string(i ? ", " : "") + R"({"speaker": "SELF", "text": "hi", "emotion": "joy", "intensity": 5})";
  many += "]}";
  EXPECT_NE(error_of([&] { parse_scenario(many, "f", 1); }).find("f:1: turns: 65 turns"), std::string::npos);
  std::string long_text(kMaxTextBytes + 1, 'a');
  EXPECT_NE(error_of([&] { parse_scenario(line("t", "", long_text), "f", 2); }).find("f:2: turns[0].text"),
            std::string::npos);
  EXPECT_NO_THROW(parse_scenario(line("t", "", std::string(kMaxTextBytes, 'a')), "f", 2));
}

// validate accepted missing recorded audio that the build then rejected: the loader
// checks every file a turn names, relative to the scenario file's folder.
TEST(Scenarios, RecordedFilesAreCheckedWhereTheBuildWillLook) {
  std::string d = scratch("recorded");
  io::write_file_atomic(d + "/take.wav", "RIFF");
  io::write_file_atomic(d + "/take.tsv", "0 0.1 AA\n");
  fs::create_directories(d + "/folder.wav");
  std::string text = line("good", R"(, "audio": "take.wav", "alignment": "take.tsv")") + "\n" +
                     line("missing", R"(, "audio": "gone.wav", "alignment": "take.tsv")") + "\n" +
                     line("folder", R"(, "audio": "folder.wav", "alignment": "take.tsv")") + "\n" +
                     line("words", R"(, "audio": "take.wav", "alignment": "take.tsv", "words": "w.tsv")") + "\n";
  io::write_file_atomic(d + "/s.jsonl", text);
  LoadReport r = load_scenarios(d + "/s.jsonl");
  ASSERT_EQ(r.scenarios.size(), 1u);
  EXPECT_EQ(r.scenarios[0].id, "good");
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_NE(r.errors[0].find("s.jsonl:2: turns[0].audio:"), std::string::npos) << r.errors[0];
  EXPECT_NE(r.errors[0].find("does not exist"), std::string::npos) << r.errors[0];
  EXPECT_NE(r.errors[1].find("s.jsonl:3: turns[0].audio:"), std::string::npos) << r.errors[1];
  EXPECT_NE(r.errors[1].find("not a regular file"), std::string::npos) << r.errors[1];
  EXPECT_NE(r.errors[2].find("s.jsonl:4: turns[0].words:"), std::string::npos) << r.errors[2];
  // From memory nothing is looked up (the fuzz entry point touches no file).
  EXPECT_TRUE(parse_scenarios(text, d + "/s.jsonl").errors.empty());
}

TEST(Scenarios, AFolderAnEmptyFileOrNoFileIsAnError) {
  std::string d = scratch("not_a_file");
  EXPECT_NE(error_of([&] { load_scenarios(d); }).find("is a folder"), std::string::npos);
  io::write_file_atomic(d + "/empty.jsonl", "\n  \n");
  EXPECT_NE(error_of([&] { load_scenarios(d + "/empty.jsonl"); }).find("empty.jsonl: no scenarios"), std::string::npos);
  EXPECT_NE(error_of([&] { load_scenarios(d + "/none.jsonl"); }).find("none.jsonl: no such"), std::string::npos);
}
