// emosync serve's API and HTTP layer: good requests answer, bad ones get a 4xx naming the
// field, and nothing a client sends takes the server down.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>
#include <unistd.h>

#include "arkit/blendshapes.h"
#include "io/error.h"
#include "io/json_file.h"
#include "server/server.h"

namespace {
using emosync::io::Json;
using namespace emosync::server;

Json body_of(const Reply& r) { return Json::parse(r.body); }

Reply api(const std::string& method, const std::string& path, const std::string& body = "", Options opt = {}) {
  return handle_api(opt, method, path, body);
}

TEST(ServerApi, VocabListsChannelsSplitAndEmotions) {
  Reply r = api("GET", "/api/vocab");
  ASSERT_EQ(r.status, 200);
  Json j = body_of(r);
  ASSERT_EQ(j["channels"].size(), 52u);
  EXPECT_EQ(j["channels"][0], "eyeBlinkLeft");
  EXPECT_EQ(j["channels"][51], "tongueOut");
  EXPECT_EQ(j["split"]["LIPSYNC"].size(), 14u);
  EXPECT_EQ(j["split"]["EXPRESSION"].size(), 22u);
  EXPECT_EQ(j["split"]["SHARED"].size(), 16u);
  EXPECT_EQ(j["emotions"].size(), 16u);
  EXPECT_EQ(j["emotions"][0], "neutral");
  EXPECT_EQ(j["anchors"]["classes"]["joy"]["L5"].size(), 3u);
  EXPECT_FALSE(j["anchors"]["classes"].contains("neutral"));
  EXPECT_EQ(j["features"]["compile"].get<bool>(), have_compiler());
}

TEST(ServerApi, UnknownEndpointAndMethod) {
  EXPECT_EQ(api("GET", "/api/nope").status, 404);
  EXPECT_EQ(api("DELETE", "/api/vocab").status, 405);
  EXPECT_EQ(api("GET", "/api/compile").status, 405);
  EXPECT_NE(body_of(api("GET", "/api/nope"))["error"].get<std::string>().find("/api/nope"), std::string::npos);
}

struct BadCase {
  const char* path;
  const char* body;
  const char* field;  // must appear in the error message
};

TEST(ServerApi, BadBodiesName400AndTheField) {
  const BadCase cases[] = {
      {"/api/compile", "", "body"},
      {"/api/compile", "{not json", "body"},
      {"/api/compile", "[1,2,3]", "body"},
      {"/api/compile", R"({"emotion": "joyful-ish"})", "emotion"},
      {"/api/compile", R"({"emotion": 3})", "emotion"},
      {"/api/compile", R"({"emotion": "joy", "intensity": 140})", "intensity"},
      {"/api/compile", R"({"emotion": "joy", "intensity": "high"})", "intensity"},
      {"/api/compile", R"({"emotion": "joy", "vad": [0, 2, 0]})", "vad[1]"},
      {"/api/compile", R"({"emotion": "joy", "vad": [0, 0]})", "vad"},
      {"/api/compile", R"({"emotion": "joy", "weights": {"joy": 1}})", "emotion"},
      {"/api/compile", R"({"weights": {"glee": 1}})", "weights.glee"},
      {"/api/compile", R"({"weights": [1, 0]})", "weights"},
      {"/api/compile", R"({"weights": {"joy": 0}})", "weights"},
      {"/api/compile", R"({"emotion": "joy", "colour": "red"})", "colour"},
      {"/api/expression", R"({})", "text"},
      {"/api/expression", R"({"text": 5})", "text"},
      {"/api/expression", R"({"text": "[happy:80] hi", "duration": -1})", "duration"},
      {"/api/expression", R"({"text": "[happy:80] hi", "fps": 0})", "fps"},
      {"/api/expression", R"({"text": "[happy:80] hi", "words": "x"})", "words"},
      {"/api/expression", R"({"text": "[happy:80] hi", "words": [{"start": 0}]})", "words[0].end"},
      {"/api/expression", R"({"text": "[happy:80] hi", "words": [{"start": 1, "end": 0.5}]})", "words[0].end"},
  };
  for (const auto& c : cases) {
    Reply r = api("POST", c.path, c.body);
    if (!have_compiler() && std::string(c.body).size() > 2 && Json::accept(c.body) && Json::parse(c.body).is_object()) {
      EXPECT_EQ(r.status, 501) << c.path << " " << c.body;
      continue;
    }
    EXPECT_GE(r.status, 400) << c.path << " " << c.body;
    EXPECT_LT(r.status, 500) << c.path << " " << c.body << " -> " << r.body;
    std::string msg = body_of(r)["error"].get<std::string>();
    EXPECT_NE(msg.find(c.field), std::string::npos) << c.body << " -> " << msg;
  }
}

TEST(ServerApi, CompileAndExpressionWhenTheCompilerIsBuiltIn) {
  ASSERT_TRUE(have_compiler()) << "this tree has src/compiler: the server must link it";
  Reply r = api("POST", "/api/compile", R"({"emotion": "happy", "intensity": 100})");
  ASSERT_EQ(r.status, 200) << r.body;
  Json j = body_of(r);
  ASSERT_EQ(j["values"].size(), 52u);
  for (const auto& v : j["values"]) {
    EXPECT_GE(v.get<double>(), 0.0);
    EXPECT_LE(v.get<double>(), 1.0);
  }
  Json neutral = body_of(api("POST", "/api/compile", R"({"emotion": "neutral"})"));
  auto smile = *emosync::arkit::find("mouthSmileLeft");
  EXPECT_GT(j["values"][smile].get<double>(), neutral["values"][smile].get<double>() + 0.05);
  // An explicit VAD and a weight mix work too.
  EXPECT_EQ(api("POST", "/api/compile", R"({"weights": {"joy": 0.5, "sad": 0.5}, "vad": {"v": 0, "a": 0.1, "d": 0}})").status, 200);

  Reply e = api("POST", "/api/expression", R"({"text": "[happy:80] I got the job! [sad:40] But I have to move.", "duration": 4})");
  ASSERT_EQ(e.status, 200) << e.body;
  Json x = body_of(e);
  EXPECT_EQ(x["fps"].get<double>(), 30.0);
  EXPECT_EQ(x["frames"].size(), 120u);
  EXPECT_EQ(x["frames"][0].size(), 52u);
  EXPECT_EQ(x["conditioning"][0].size(), 19u);
  ASSERT_GE(x["segments"].size(), 2u);
  EXPECT_EQ(x["segments"][0]["emotion"], "joy");
  EXPECT_EQ(x["segments"].back()["emotion"], "sadness");
  EXPECT_GT(x["frames"][10][smile].get<double>(), x["frames"][110][smile].get<double>());
  // Bad tags are 400s that say what is wrong.
  Reply bad = api("POST", "/api/expression", R"({"text": "[glee:80] hi"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(body_of(bad)["error"].get<std::string>().find("glee"), std::string::npos);
  EXPECT_EQ(api("POST", "/api/expression", R"({"text": "[happy:80 hi"})").status, 400);
  EXPECT_EQ(api("POST", "/api/expression", R"({"text": "   "})").status, 400);
}

TEST(ServerApi, PresetsWriteNeedsAllowWriteAndIsValidated) {
  EXPECT_EQ(api("PUT", "/api/presets", "{}").status, 403);
  auto dir = std::filesystem::temp_directory_path() / ("emosync_server_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  Options opt;
  opt.allow_write = true;
  opt.presets = (dir / "presets.json").string();
  Json file = {{"version", "1.0"}, {"channel_order", Json::array()}, {"presets", Json::array()}};
  for (auto n : emosync::arkit::names()) file["channel_order"].push_back(std::string(n));
  Json p = {{"emotion", "joy"}, {"level", "L3"}, {"vad", {0.5, 0.3, 0.2}}, {"weights", {{"mouthSmileLeft", 0.7}}}};
  file["presets"].push_back(p);
  Reply ok = api("PUT", "/api/presets", file.dump(), opt);
  ASSERT_EQ(ok.status, 200) << ok.body;
  Reply back = api("GET", "/api/presets", "", opt);
  ASSERT_EQ(back.status, 200);
  EXPECT_EQ(body_of(back), file);
  file["presets"][0]["weights"]["mouthSmileLeft"] = 1.5;
  Reply bad = api("PUT", "/api/presets", file.dump(), opt);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(body_of(bad)["error"].get<std::string>().find("presets[0].weights.mouthSmileLeft"), std::string::npos);
  file["presets"][0]["weights"] = {{"mouthSmile", 0.5}};
  EXPECT_EQ(api("PUT", "/api/presets", file.dump(), opt).status, 400);
  file["channel_order"].erase(0);
  EXPECT_EQ(api("PUT", "/api/presets", file.dump(), opt).status, 400);
  EXPECT_EQ(body_of(api("GET", "/api/presets", "", opt)), body_of(back));  // failed writes changed nothing
  std::filesystem::remove_all(dir);
}

TEST(ServerAssets, EmbeddedAppAndPathChecks) {
  Options opt;
  Reply index = serve_asset(opt, "/");
  ASSERT_EQ(index.status, 200);
  EXPECT_NE(index.content_type.find("text/html"), std::string::npos);
  EXPECT_NE(index.body.find("emosync"), std::string::npos);
  EXPECT_EQ(serve_asset(opt, "/editor.html").status, 200);
  Reply js = serve_asset(opt, "/js/face.js");
  ASSERT_EQ(js.status, 200);
  EXPECT_NE(js.content_type.find("javascript"), std::string::npos);
  EXPECT_EQ(serve_asset(opt, "/vendor/three/three-gltf.js").status, 200);
  EXPECT_EQ(serve_asset(opt, "/nope.html").status, 404);
  EXPECT_EQ(serve_asset(opt, "/../CMakeLists.txt").status, 400);
  opt.web_dir = std::string(EMOSYNC_SOURCE_DIR) + "/web";
  EXPECT_EQ(serve_asset(opt, "/index.html").body, index.body);
  EXPECT_EQ(serve_asset(opt, "/js/../../CMakeLists.txt").status, 400);
  EXPECT_EQ(serve_asset(opt, "/package.json").status, 200);  // from disk everything under web/ is served
}

// A real server on a free port, driven with httplib::Client.
class ServerHttp : public ::testing::Test {
 protected:
  void SetUp() override {
    Options opt;
    opt.port = 0;
    opt.max_body = 64 * 1024;
    srv_ = std::make_unique<Server>(opt);
    port_ = srv_->bind();
    thread_ = std::thread([this] { srv_->listen(); });
    for (int i = 0; i < 200 && !srv_->running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  void TearDown() override {
    srv_->stop();
    thread_.join();
  }
  httplib::Client client() {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(10, 0);
    return c;
  }
  std::unique_ptr<Server> srv_;
  std::thread thread_;
  int port_ = 0;
};

TEST_F(ServerHttp, ServesApiAndAssets) {
  auto c = client();
  auto r = c.Get("/api/vocab");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(Json::parse(r->body)["channels"].size(), 52u);
  auto page = c.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("<html"), std::string::npos);
  auto missing = c.Get("/no/such/file.js");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST_F(ServerHttp, BadRequestsGet4xxAndTheServerLives) {
  auto c = client();
  auto r = c.Post("/api/compile", "{oops", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(Json::parse(r->body)["error"].get<std::string>().find("body"), std::string::npos);
  // Over the size limit: 413 with a JSON message.
  std::string big(100 * 1024, 'x');
  auto huge = c.Post("/api/expression", big, "application/json");
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->status, 413);
  EXPECT_NE(huge->body.find("larger than"), std::string::npos);
  // Random bytes to every endpoint: always a 4xx/5xx answer, never a dead server.
  std::mt19937 rng(7);
  for (int i = 0; i < 60; ++i) {
    std::string junk(static_cast<std::size_t>(rng() % 300), '\0');
    for (auto& ch : junk) ch = static_cast<char>(rng() % 256);
    const char* paths[] = {"/api/compile", "/api/expression", "/api/presets", "/api/vocab"};
    auto jr = c.Post(paths[i % 4], junk, "application/json");
    ASSERT_TRUE(jr) << "no answer for request " << i;
    EXPECT_GE(jr->status, 400);
    EXPECT_LT(jr->status, 500) << jr->body;
  }
  auto still = c.Get("/api/vocab");
  ASSERT_TRUE(still);
  EXPECT_EQ(still->status, 200);
}

TEST(ServerBind, PortInUseIsAnError) {
  Options opt;
  opt.port = 0;
  Server a(opt);
  int port = a.bind();
  opt.port = port;
  Server b(opt);
  EXPECT_THROW(b.bind(), emosync::Error);
}

}  // namespace
