#include <gtest/gtest.h>

#include <set>

#include "emotion/classes.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "scenarios/scenario.h"

using namespace emosync;
using namespace emosync::scenarios;

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
  EXPECT_NE(r.errors[5].find(":8: invalid JSON"), std::string::npos) << r.errors[5];
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
