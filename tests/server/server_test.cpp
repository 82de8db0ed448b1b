// emosync serve's API and HTTP layer: good requests answer, bad ones get a 4xx naming the
// field, and nothing a client sends takes the server down.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "align/text_lips.h"
#include "arkit/blendshapes.h"
#include "audio/audio.h"
#include "io/error.h"
#include "io/json_file.h"
#include "server/server.h"
#include "teacher/teacher.h"
#include "tts/tts.h"
#include "validate/lip_measures.h"

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
  EXPECT_TRUE(j["features"]["compile"].get<bool>());
  EXPECT_TRUE(j["features"]["animate"].get<bool>());
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
    EXPECT_GE(r.status, 400) << c.path << " " << c.body;
    EXPECT_LT(r.status, 500) << c.path << " " << c.body << " -> " << r.body;
    std::string msg = body_of(r)["error"].get<std::string>();
    EXPECT_NE(msg.find(c.field), std::string::npos) << c.body << " -> " << msg;
  }
}

TEST(ServerApi, CompileAndExpression) {
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
  Reply unclosed = api("POST", "/api/expression", R"({"text": "[happy:80 hi"})");
  EXPECT_EQ(unclosed.status, 400);
  EXPECT_NE(body_of(unclosed)["error"].get<std::string>().find("line 1, column 1"), std::string::npos) << unclosed.body;
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

TEST(ServerApi, PresetsSaveFailureNamesTheFile) {
  Options opt;
  opt.allow_write = true;
  // Its folder is a file: the save must fail.
  const auto blocker = std::filesystem::temp_directory_path() / ("emosync_not_a_dir_" + std::to_string(::getpid()));
  std::ofstream(blocker) << "a file";
  opt.presets = (blocker / "presets.json").string();
  Json file = {{"version", "1.0"}, {"channel_order", Json::array()}, {"presets", Json::array()}};
  for (auto n : emosync::arkit::names()) file["channel_order"].push_back(std::string(n));
  Reply r = api("PUT", "/api/presets", file.dump(), opt);
  EXPECT_EQ(r.status, 500);
  const std::string msg = body_of(r)["error"].get<std::string>();
  EXPECT_EQ(msg.rfind("presets: cannot save: ", 0), 0u) << msg;
  EXPECT_NE(msg.find("emosync_not_a_dir_"), std::string::npos) << msg;
  std::filesystem::remove(blocker);
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
// The test sentence, spoken once by espeak-ng (in a forked process): tests that serve it
// over HTTP speak it before their server starts, because a fork while the server's
// threads allocate can leave the child stuck in ASan's allocator (its lock is not
// taken around fork; glibc's malloc's is).
const emosync::tts::TtsResult& speech() {
  static const emosync::tts::TtsResult r = [] {
    return emosync::tts::make_tts({})->synthesize("I got the job and we are moving to the sea.");
  }();
  return r;
}
const std::string& speech_wav() {
  static const std::string bytes = emosync::audio::wav16_bytes(speech().audio);
  return bytes;
}
std::string speech_words_tsv() {
  std::string tsv;
  for (const auto& w : speech().words) tsv += std::to_string(w.start_s) + "\t" + std::to_string(w.end_s) + "\t" + w.text + "\n";
  return tsv;
}

class ServerHttp : public ::testing::Test {
 protected:
  void SetUp() override {
    Options opt;
    opt.max_body = 64 * 1024;
    start(opt);
  }
  void start(Options opt) {
    opt.port = 0;
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
    const char* paths[] = {"/api/compile", "/api/expression", "/api/presets", "/api/vocab", "/api/animate"};
    const char* types[] = {"application/json", "audio/wav"};
    auto jr = c.Post(paths[i % 5], junk, types[i % 2]);
    ASSERT_TRUE(jr) << "no answer for request " << i;
    EXPECT_GE(jr->status, 400);
    EXPECT_LT(jr->status, 500) << jr->body;
  }
  auto still = c.Get("/api/vocab");
  ASSERT_TRUE(still);
  EXPECT_EQ(still->status, 200);
}

// --- POST /api/animate --------------------------------------------------------------

// Real speech from espeak-ng (22,050 Hz) with its word timings, as an uploaded WAV.
Request animate_request(std::vector<std::pair<std::string, std::string>> params, const std::string& wav = speech_wav()) {
  Request r;
  r.method = "POST";
  r.path = "/api/animate";
  r.content_type = "audio/wav";
  r.body = wav;
  r.params = std::move(params);
  return r;
}

Reply animate(std::vector<std::pair<std::string, std::string>> params, Options opt = {}) {
  return handle_api(opt, animate_request(std::move(params)));
}

// Column c of the frames: min, max, mean.
struct Stats {
  double min = 1e9, max = -1e9, mean = 0;
};
Stats channel(const Json& frames, const char* name) {
  const std::size_t c = *emosync::arkit::find(name);
  Stats s;
  for (const auto& f : frames) {
    double v = f[c].get<double>();
    s.min = std::min(s.min, v);
    s.max = std::max(s.max, v);
    s.mean += v / static_cast<double>(frames.size());
  }
  return s;
}

TEST(ServerAnimate, SpeechWithTaggedTextGivesTheFaceAt30Fps) {
  Reply r = animate({{"text", "[joy:80] I got the job and we are moving to the sea."}, {"blinks", "0"}});
  ASSERT_EQ(r.status, 200) << r.body;
  Json j = body_of(r);
  const double seconds = speech().audio.duration_s();
  EXPECT_EQ(j["fps"].get<int>(), 30);
  EXPECT_NEAR(j["seconds"].get<double>(), seconds, 1e-6);
  EXPECT_EQ(j["names"].size(), 52u);
  EXPECT_EQ(j["names"][0], "eyeBlinkLeft");
  EXPECT_EQ(j["tagged"], "[joy:80] I got the job and we are moving to the sea.");
  const auto frames = static_cast<double>(j["frames"].size());
  EXPECT_NEAR(frames, std::ceil(seconds * 30), 1.0);
  ASSERT_EQ(j["frames"][0].size(), 52u);
  for (const auto& f : j["frames"])
    for (const auto& v : f) {
      ASSERT_GE(v.get<double>(), 0.0);
      ASSERT_LE(v.get<double>(), 1.0);
    }
  // The jaw opens and closes with the syllables.
  Stats jaw = channel(j["frames"], "jawOpen");
  EXPECT_GT(jaw.max - jaw.min, 0.1) << "jawOpen " << jaw.min << ".." << jaw.max;
  // blinks=0: the lids stay still.
  Stats blink = channel(j["frames"], "eyeBlinkLeft");
  EXPECT_LT(blink.max - blink.min, 0.2);
  // No `lips`: the audio lips, nothing aligned, no reason.
  EXPECT_EQ(j["lips"], Json({{"requested", "audio"}, {"used", "audio"}})) << j["lips"];
}

TEST(ServerAnimate, JoySmilesMoreThanSadness) {
  Reply joy = animate({{"emotion", "joy:90"}});
  Reply sad = animate({{"emotion", "sadness:90"}});
  ASSERT_EQ(joy.status, 200) << joy.body;
  ASSERT_EQ(sad.status, 200) << sad.body;
  Json jj = body_of(joy), js = body_of(sad);
  EXPECT_EQ(jj["tagged"], "[joy:90]");
  EXPECT_EQ(jj["frames"].size(), js["frames"].size());
  double smile_joy = channel(jj["frames"], "mouthSmileLeft").mean, smile_sad = channel(js["frames"], "mouthSmileLeft").mean;
  EXPECT_GT(smile_joy, smile_sad + 0.1) << smile_joy << " vs " << smile_sad;
  // The same speech moves the jaw whatever the emotion.
  EXPECT_GT(channel(js["frames"], "jawOpen").max, 0.12);
}

TEST(ServerAnimate, PlainTextIsTaggedByTheTextModelAndWordTimingsAreUsed) {
  Reply plain = animate({{"text", "I am so happy, I got the job!"}});
  ASSERT_EQ(plain.status, 200) << plain.body;
  Json p = body_of(plain);
  EXPECT_EQ(p["tagged"].get<std::string>().rfind("[", 0), 0u) << p["tagged"];
  EXPECT_NE(p["how"].get<std::string>().find("text-emotion model"), std::string::npos);
  Reply off = animate({{"text", "I am so happy, I got the job!"}, {"autotag", "0"}});
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(body_of(off)["tagged"], "I am so happy, I got the job!");

  // Word timings from the TTS put the change from joy to sadness at "moving".
  Reply timed = animate({{"text", "[joy:100] I got the job and we are [sadness:100] moving to the sea."},
                         {"words", speech_words_tsv()}, {"blinks", "0"}});
  ASSERT_EQ(timed.status, 200) << timed.body;
  Json t = body_of(timed);
  double moving = 0;
  for (const auto& w : speech().words)
    if (w.text.find("moving") != std::string::npos) moving = w.start_s;
  ASSERT_GT(moving, 0.5);
  const std::size_t smile = *emosync::arkit::find("mouthSmileLeft");
  auto mean_smile = [&](double from, double to) {
    double sum = 0;
    int n = 0;
    for (std::size_t f = 0; f < t["frames"].size(); ++f)
      if (f / 30.0 >= from && f / 30.0 < to) sum += t["frames"][f][smile].get<double>(), ++n;
    return sum / std::max(n, 1);
  };
  const double seconds = speech().audio.duration_s();
  EXPECT_GT(mean_smile(0, moving - 0.8), mean_smile(moving + 0.8, seconds) + 0.1);
}

struct BadAnimate {
  std::vector<std::pair<std::string, std::string>> params;
  std::string body;          // "" : the speech WAV
  std::string content_type;  // "" : audio/wav
  int status;
  const char* field;  // must appear in the error message
};

TEST(ServerAnimate, EveryBadRequestGets4xxNamingTheField) {
  const std::string wav = speech_wav();
  const BadAnimate cases[] = {
      {{}, "EMPTY", "", 400, "audio"},
      {{}, "RIFF\x10\x00\x00\x00WAVEjunkjunk, not audio", "", 400, "audio"},
      {{}, "", "application/json", 415, "Content-Type"},
      {{{"emotion", "glee"}}, "", "", 400, "emotion: unknown emotion 'glee'"},
      {{{"emotion", "joy:150"}}, "", "", 400, "emotion: intensity"},
      {{{"emotion", "joy:lots"}}, "", "", 400, "emotion: intensity"},
      {{{"text", "[joy:80 I got the job"}}, "", "", 400, "text: line 1, column 1"},
      {{{"text", "I got it.\n[glee] Oh"}}, "", "", 400, "text: line 2, column 2: unknown emotion 'glee'"},
      {{{"text", "   "}}, "", "", 400, "text"},
      {{{"text", "hi"}, {"emotion", "joy"}}, "", "", 400, "emotion"},
      {{{"words", "0 0.5 hi"}}, "", "", 400, "words"},
      {{{"text", "hi"}, {"words", "0.5 0.2 hi"}}, "", "", 400, "words:1"},
      {{{"text", "hi there"}, {"words", "0 0.2 hi\nzero 1 there"}}, "", "", 400, "words:2"},
      {{{"text", "hi"}, {"words", "30 31 hi"}}, "", "", 400, "words: the last word ends at 31"},
      {{{"text", "hi"}, {"colour", "red"}}, "", "", 400, "colour: unknown field"},
      {{{"blinks", "maybe"}}, "", "", 400, "blinks"},
      {{{"seed", "-1"}}, "", "", 400, "seed"},
      {{{"text", "hi"}, {"text", "ho"}}, "", "", 400, "text: given more than once"},
      {{{"audio", "x"}}, "", "", 400, "audio"},
      // Every field arrives as a string (query or multipart part): a `lips` that is not
      // one of the two names, empty or in another case included, is refused.
      {{{"lips", "video"}}, "", "", 400, "lips: 'video' is not a lip source (audio | text)"},
      {{{"lips", ""}}, "", "", 400, "lips: '' is not a lip source"},
      {{{"lips", "TEXT"}}, "", "", 400, "lips: 'TEXT'"},
      {{{"lips", "1"}}, "", "", 400, "lips: '1'"},
      {{{"lips", "text"}}, "", "", 400, "lips: text needs 'text'"},
      {{{"lips", "text"}, {"emotion", "joy"}}, "", "", 400, "lips: text needs 'text'"},
      {{{"lips", "audio"}, {"lips", "text"}}, "", "", 400, "lips: given more than once"},
      {{{"text", std::string(200000, 'a')}}, "", "", 413, "text"},
  };
  for (const auto& c : cases) {
    Request req = animate_request(c.params, c.body.empty() ? wav : c.body == "EMPTY" ? "" : c.body);
    if (!c.content_type.empty()) req.content_type = c.content_type;
    Reply r = handle_api({}, req);
    const std::string what = c.params.empty() ? c.body.substr(0, 20) : c.params[0].first + "=" + c.params[0].second.substr(0, 30);
    EXPECT_EQ(r.status, c.status) << what << " -> " << r.body;
    std::string msg = body_of(r)["error"].get<std::string>();
    EXPECT_NE(msg.find(c.field), std::string::npos) << what << " -> " << msg;
  }
  // Multipart without the audio part.
  Request parts;
  parts.method = "POST";
  parts.path = "/api/animate";
  parts.content_type = "multipart/form-data; boundary=x";
  parts.parts.push_back({"text", "", "", "[joy] hi"});
  Reply no_audio = handle_api({}, parts);
  EXPECT_EQ(no_audio.status, 400);
  EXPECT_NE(body_of(no_audio)["error"].get<std::string>().find("audio: missing"), std::string::npos) << no_audio.body;
  // Limits: seconds of speech and bytes of body.
  Options short_limit;
  short_limit.max_audio_s = 1;
  Reply too_long = animate({}, short_limit);
  EXPECT_EQ(too_long.status, 413);
  EXPECT_NE(body_of(too_long)["error"].get<std::string>().find("audio: longer than 1 s"), std::string::npos) << too_long.body;
  Options small_body;
  small_body.max_body = 1000;
  Reply too_big = animate({}, small_body);
  EXPECT_EQ(too_big.status, 413);
  EXPECT_NE(body_of(too_big)["error"].get<std::string>().find("body"), std::string::npos);
  EXPECT_EQ(api("GET", "/api/animate").status, 405);
}

// Over HTTP: the raw WAV with query parameters, and multipart/form-data with TSV words.
class ServerHttpAnimate : public ServerHttp {
 protected:
  void SetUp() override {
    speech_wav();  // before the server's threads: see speech()
    start(Options{});
  }
};

TEST_F(ServerHttpAnimate, RawBodyAndMultipartBothAnimate) {
  auto c = client();
  c.set_read_timeout(60, 0);
  auto raw = c.Post("/api/animate?text=%5Bjoy%3A70%5D%20I%20got%20the%20job!&blinks=0", speech_wav(), "audio/wav");
  ASSERT_TRUE(raw);
  ASSERT_EQ(raw->status, 200) << raw->body;
  Json r = Json::parse(raw->body);
  EXPECT_EQ(r["tagged"], "[joy:70] I got the job!");
  EXPECT_NEAR(static_cast<double>(r["frames"].size()), std::ceil(speech().audio.duration_s() * 30), 1.0);

  httplib::MultipartFormDataItems items = {
      {"audio", speech_wav(), "speech.wav", "audio/wav"},
      {"text", "[sadness:60] I got the job and we are moving to the sea.", "", ""},
      {"words", speech_words_tsv(), "", ""},
  };
  auto multi = c.Post("/api/animate", items);
  ASSERT_TRUE(multi);
  ASSERT_EQ(multi->status, 200) << multi->body;
  Json m = Json::parse(multi->body);
  EXPECT_EQ(m["tagged"], "[sadness:60] I got the job and we are moving to the sea.");
  EXPECT_EQ(m["frames"].size(), r["frames"].size());

  auto bad = c.Post("/api/animate?emotion=glee", speech_wav(), "audio/wav");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(Json::parse(bad->body)["error"].get<std::string>().find("emotion"), std::string::npos);
  // Requests in parallel share the model and the text tagger: same answers as one alone.
  std::vector<std::string> bodies(3);
  std::vector<std::thread> threads;
  for (auto& b : bodies)
    threads.emplace_back([&b, this] {
      auto cc = client();
      cc.set_read_timeout(60, 0);
      auto res = cc.Post("/api/animate?text=%5Bjoy%3A70%5D%20I%20got%20the%20job!&blinks=0", speech_wav(), "audio/wav");
      if (res) b = res->body;
    });
  for (auto& th : threads) th.join();
  for (const auto& b : bodies) EXPECT_EQ(b, raw->body);

  httplib::MultipartFormDataItems junk = {{"audio", "not a wav at all", "x.wav", "audio/wav"}};
  auto bad_audio = c.Post("/api/animate", junk);
  ASSERT_TRUE(bad_audio);
  EXPECT_EQ(bad_audio->status, 400);
  EXPECT_NE(Json::parse(bad_audio->body)["error"].get<std::string>().find("audio"), std::string::npos);
}

// lips=text over HTTP: the server keeps its aligners and lends one per alignment.
class ServerHttpLips : public ServerHttp {
 protected:
  void SetUp() override {
    speech_wav();  // before the server's threads: see speech()
    Options o;
    o.aligners = pool_;
    start(o);
  }
  std::shared_ptr<AlignerPool> pool_ = std::make_shared<AlignerPool>();
};

TEST_F(ServerHttpLips, TextLipsBorrowTheServersAlignersAndGiveThemBack) {
  const std::string url = "/api/animate?text=%5Bjoy%3A70%5D%20I%20got%20the%20job%20and%20we%20are%20moving%20to%20the%20sea.&blinks=0";
  auto post = [&](const std::string& lips) {
    auto c = client();
    c.set_read_timeout(120, 0);
    auto res = c.Post(url + "&lips=" + lips, speech_wav(), "audio/wav");
    return res ? std::make_pair(res->status, res->body) : std::make_pair(0, std::string());
  };
  EXPECT_EQ(pool_->idle(), 0u);
  const auto first = post("text");
  ASSERT_EQ(first.first, 200) << first.second;
  const Json lips = Json::parse(first.second)["lips"];
  EXPECT_EQ(lips["requested"], "text");
  // Whatever the aligner made of espeak-ng's voice, it decoded and was given back.
  ASSERT_TRUE(lips.contains("confidence")) << lips;
  EXPECT_EQ(lips.contains("reason"), lips["used"] == "audio") << lips;
  EXPECT_EQ(pool_->idle(), 1u);
  // The next request reuses it (no second model) and answers as a fresh aligner did:
  // nothing of the previous clip carries over.
  const auto second = post("text");
  ASSERT_EQ(second.first, 200) << second.second;
  EXPECT_TRUE(second.second == first.second) << Json::parse(second.second)["lips"] << " vs " << lips;
  EXPECT_EQ(pool_->idle(), 1u);
  // In parallel each alignment has an aligner to itself (pocketsphinx decodes one
  // utterance at a time): same answers as one alone, and no more aligners than requests.
  std::vector<std::pair<int, std::string>> replies(3);
  std::vector<std::thread> threads;
  for (auto& r : replies) threads.emplace_back([&r, &post] { r = post("text"); });
  for (auto& th : threads) th.join();
  for (const auto& r : replies) {
    EXPECT_EQ(r.first, 200);
    if (r.second != first.second) ADD_FAILURE() << "a parallel reply differs: lips " << (r.first == 200 ? Json::parse(r.second)["lips"].dump() : r.second) << " vs " << lips;
  }
  EXPECT_GE(pool_->idle(), 1u);
  EXPECT_LE(pool_->idle(), replies.size());
  // lips=audio never borrows one.
  const std::size_t idle = pool_->idle();
  const auto audio = post("audio");
  ASSERT_EQ(audio.first, 200) << audio.second;
  EXPECT_EQ(Json::parse(audio.second)["lips"], Json({{"requested", "audio"}, {"used", "audio"}}));
  EXPECT_EQ(pool_->idle(), idle);
  auto c = client();
  auto bad = c.Post(url + "&lips=words", speech_wav(), "audio/wav");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(Json::parse(bad->body)["error"].get<std::string>().find("lips"), std::string::npos) << bad->body;
}

// lips=text on LJ Speech clips of ../shared/data (its own ctest entry, label shared_data;
// fails, never skips, without the data): with their transcripts the clips seal more p/b/m
// than the audio lips, measured against the corpus's own phones; another clip's
// transcript falls back to the audio lips with the C API's reason.
class ServerLipsData : public ServerHttp {
 protected:
  void SetUp() override { start(Options{}); }
  Json post(const std::string& wav, const std::string& text, const std::string& lips) {
    auto c = client();
    c.set_read_timeout(120, 0);
    httplib::MultipartFormDataItems items = {
        {"audio", wav, "speech.wav", "audio/wav"}, {"text", text, "", ""}, {"lips", lips, "", ""}};
    auto res = c.Post("/api/animate", items);
    if (!res) ADD_FAILURE() << "no reply";
    if (!res) return Json();
    EXPECT_EQ(res->status, 200) << res->body;
    return Json::parse(res->body);
  }
};

const std::filesystem::path kLj = std::filesystem::path(EMOSYNC_SOURCE_DIR) / ".." / "shared" / "data" / "speech" / "ljspeech";

std::string read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

emosync::validate::LipScores lj_scores(const Json& reply, const std::string& id) {
  emosync::teacher::Animation a;
  a.fps = reply["fps"].get<double>();
  a.frames = reply["frames"].size();
  for (const auto& f : reply["frames"])
    for (const auto& v : f) a.data.push_back(v.get<float>());
  return emosync::validate::lip_scores(a, emosync::teacher::read_alignment_tsv((kLj / "phones" / (id + ".tsv")).string()));
}

TEST_F(ServerLipsData, TextLipsSealMoreThanAudioLipsAndAnotherTranscriptFallsBack) {
  ASSERT_TRUE(std::filesystem::is_directory(kLj))
      << "\n\n*** shared data missing: " << kLj.string()
      << " does not exist. This test needs ../shared/data/speech beside the repository. ***\n";
  std::map<std::string, std::string> text;  // metadata.csv: id|raw|normalised
  std::ifstream meta(kLj / "metadata.csv");
  for (std::string line; std::getline(meta, line);) {
    const auto a = line.find('|'), b = line.rfind('|');
    if (a != std::string::npos) text[line.substr(0, a)] = line.substr(b + 1);
  }
  // LJ001-0001 and four held-out clips, as the C API's test (tests/capi/capi_lips_test.cpp).
  const std::vector<std::string> ids = {"LJ001-0001", "LJ001-0025", "LJ001-0026", "LJ001-0027", "LJ001-0028"};
  emosync::validate::LipScores audio_lips, text_lips;
  for (const auto& id : ids) {
    ASSERT_TRUE(text.count(id)) << id << " is not in " << (kLj / "metadata.csv").string();
    const std::string wav = read_bytes(kLj / "wav" / (id + ".wav"));
    ASSERT_FALSE(wav.empty()) << id;
    const Json model = post(wav, text.at(id), "audio");
    const Json aligned = post(wav, text.at(id), "text");
    ASSERT_TRUE(model.contains("lips") && aligned.contains("lips")) << id;
    EXPECT_EQ(model["lips"], Json({{"requested", "audio"}, {"used", "audio"}})) << id;
    EXPECT_EQ(aligned["lips"]["requested"], "text") << id;
    EXPECT_EQ(aligned["lips"]["used"], "text") << id << ": " << aligned["lips"];
    EXPECT_GE(aligned["lips"].value("confidence", -1.0), 0.5) << id;
    EXPECT_FALSE(aligned["lips"].contains("reason")) << id << ": " << aligned["lips"];
    ASSERT_EQ(aligned["frames"].size(), model["frames"].size()) << id;
    audio_lips.add(lj_scores(model, id));
    text_lips.add(lj_scores(aligned, id));
  }
  std::printf("server, %zu LJ Speech clips: audio lips sealed %zu/%zu = %.3f (AUC %.3f); text lips sealed %zu/%zu = "
              "%.3f (AUC %.3f)\n",
              ids.size(), audio_lips.sealed, audio_lips.bilabials, audio_lips.sealed_rate(),
              audio_lips.articulation_auc(), text_lips.sealed, text_lips.bilabials, text_lips.sealed_rate(),
              text_lips.articulation_auc());
  ASSERT_GE(text_lips.bilabials, 20u);
  // How the text lips compare with a model's audio lips depends on the model (the default
  // model seals these clips well by itself; the held-out figure is test_lips_text's): the
  // text lips must seal and articulate near-perfectly.
  EXPECT_GE(text_lips.sealed_rate(), 0.9);
  EXPECT_GE(text_lips.articulation_auc(), 0.95);

  // Another clip's transcript: still 200, the audio lips exactly, and why.
  const std::string wav = read_bytes(kLj / "wav" / "LJ001-0026.wav");
  const Json wrong = post(wav, text.at("LJ001-0027"), "text");
  const Json model = post(wav, text.at("LJ001-0027"), "audio");
  ASSERT_TRUE(wrong.contains("lips")) << wrong;
  std::printf("LJ001-0026 with LJ001-0027's transcript: %s\n", wrong["lips"].dump().c_str());
  EXPECT_EQ(wrong["lips"]["requested"], "text");
  EXPECT_EQ(wrong["lips"]["used"], "audio");
  const std::string reason = wrong["lips"].value("reason", "");
  EXPECT_NE(reason.find("align:"), std::string::npos) << wrong["lips"];
  EXPECT_LT(wrong["lips"].value("confidence", -1.0), 0.5);
  EXPECT_EQ(wrong["frames"], model["frames"]);
  // The reason in the words the C API and `animate` give: the shared decision's own.
  std::unique_ptr<emosync::align::Aligner> aligner;
  const auto speech = emosync::audio::read_audio((kLj / "wav" / "LJ001-0026.wav").string());
  EXPECT_EQ(reason, emosync::align::align_transcript(aligner, {}, speech, wrong["tagged"].get<std::string>()).failure);
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

// --- Issue 18: other sites and slow clients ------------------------------------------

// A raw connection, for what httplib::Client will not send: absolute paths as they are,
// bad Host headers, lying Content-Lengths, bodies one byte at a time.
class RawConnection {
 public:
  explicit RawConnection(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
  }
  ~RawConnection() { ::close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  bool connected() const { return connected_; }
  // False once the server has closed the connection.
  bool send(const std::string& bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
  }
  // What the server sends until it closes the connection or `wait_s` passes.
  std::string reply(double wait_s) {
    std::string got;
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int>(wait_s * 1000));
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()).count();
      if (left <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) break;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) break;
      got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
  }

 private:
  int fd_;
  bool connected_ = false;
};

int status_of(const std::string& reply) { return reply.rfind("HTTP/1.1 ", 0) == 0 ? std::atoi(reply.c_str() + 9) : -1; }
std::string error_of(const std::string& reply) {
  const auto at = reply.find("\r\n\r\n");
  if (at == std::string::npos) return "";
  Json j = Json::parse(reply.substr(at + 4), nullptr, false);
  return j.is_object() && j.contains("error") ? j["error"].get<std::string>() : "";
}

// One request over a raw connection; `head` is the request line and any headers.
std::string raw_request(int port, const std::string& head, const std::string& body = "", double wait_s = 5) {
  RawConnection c(port);
  EXPECT_TRUE(c.connected());
  c.send(head + "\r\n\r\n" + body);
  return c.reply(wait_s);
}

// A folder with the web app's files and links that lead out of it.
struct WebDir {
  std::filesystem::path root, web, outside;
  WebDir() {
    root = std::filesystem::temp_directory_path() / ("emosync_webdir_" + std::to_string(::getpid()));
    web = root / "web";
    outside = root / "secret.txt";
    std::filesystem::create_directories(web / "js");
    std::filesystem::create_directories(root / "private");
    std::ofstream(web / "index.html") << "<html>viewer</html>";
    std::ofstream(web / "js" / "a..b.js") << "// dots inside a name are fine";
    std::ofstream(outside) << "root:x:0:0 CONTENT-OUTSIDE";
    std::ofstream(root / "private" / "key.txt") << "CONTENT-OUTSIDE key";
    std::filesystem::create_symlink(outside, web / "link.txt");
    std::filesystem::create_directory_symlink(root / "private", web / "private");
  }
  ~WebDir() { std::filesystem::remove_all(root); }
};

TEST(ServerAssets, WebDirPathsNeverLeaveTheFolder) {
  WebDir d;
  Options opt;
  opt.web_dir = d.web.string();
  EXPECT_EQ(serve_asset(opt, "/").body, "<html>viewer</html>");
  EXPECT_EQ(serve_asset(opt, "/js/a..b.js").status, 200);
  // An absolute path, as "//" (also what "/%2f" decodes to): refused, never read.
  for (const std::string& p : {"/" + d.outside.string(), std::string("//etc/passwd"), std::string("/js//a..b.js")}) {
    Reply r = serve_asset(opt, p);
    EXPECT_EQ(r.status, 400) << p;
    EXPECT_NE(body_of(r)["error"].get<std::string>().find("path: "), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("CONTENT-OUTSIDE"), std::string::npos) << p;
  }
  EXPECT_EQ(serve_asset(opt, "/js/./a..b.js").status, 400);
  EXPECT_EQ(serve_asset(opt, "/%2e%2e/secret.txt").status, 400);  // encoded twice: a '%' is left
  EXPECT_EQ(serve_asset(opt, std::string("/index.html\0.png", 16)).status, 400);
  // Links that lead out of the folder are refused after resolving them.
  for (const char* p : {"/link.txt", "/private/key.txt"}) {
    Reply r = serve_asset(opt, p);
    EXPECT_EQ(r.status, 403) << p << " -> " << r.body;
    EXPECT_NE(body_of(r)["error"].get<std::string>().find("outside the web folder"), std::string::npos) << r.body;
  }
  Reply utf = serve_asset(opt, "/\xff\xfe.html");
  EXPECT_EQ(utf.status, 400);
  EXPECT_NE(body_of(utf)["error"].get<std::string>().find("path: not valid UTF-8"), std::string::npos) << utf.body;
}

TEST(ServerHost, LoopbackNamesAndTheBoundHostOnly) {
  for (const char* h : {"localhost", "LOCALHOST:8080", "127.0.0.1", "127.0.0.1:80", "127.4.5.6:1", "[::1]", "[::1]:8080"})
    EXPECT_TRUE(host_allowed(h, "127.0.0.1")) << h;
  for (const char* h : {"", "evil.example", "evil.example:8080", "localhost.evil.example", "127.0.0.1.evil.example",
                        "128.0.0.1", "127.0.0.256", "127.0.0", "localhost:http", "[::2]:80", "0.0.0.0"})
    EXPECT_FALSE(host_allowed(h, "127.0.0.1")) << h;
  EXPECT_TRUE(host_allowed("studio.lan:8080", "studio.lan"));
  EXPECT_TRUE(host_allowed("0.0.0.0:8080", "0.0.0.0"));
  EXPECT_TRUE(host_allowed("[fe80::1]:8080", "fe80::1"));
}

TEST(ServerApi, InvalidUtf8Gives400NamingTheField) {
  for (const auto& [field, value] : std::vector<std::pair<std::string, std::string>>{
           {"text", "[joy:80] caf\xc3"}, {"text", "\xed\xa0\x80 surrogate"}, {"emotion", "joy\xff"},
           {"words", "0 0.5 \xc0\xaf"}, {"blinks", "\xf5"}}) {
    std::vector<std::pair<std::string, std::string>> params = {{field, value}};
    if (field == "words") params.push_back({"text", "[joy] hi"});
    Reply r = animate(params);
    EXPECT_EQ(r.status, 400) << field << " -> " << r.body;
    EXPECT_NE(body_of(r)["error"].get<std::string>().find(field + ": not valid UTF-8"), std::string::npos) << r.body;
  }
  Request parts;
  parts.method = "POST";
  parts.path = "/api/animate";
  parts.content_type = "multipart/form-data; boundary=x";
  parts.parts.push_back({"audio", "speech.wav", "audio/wav", speech_wav()});
  parts.parts.push_back({"text", "", "", "hi \xe2\x82"});
  Reply multi = handle_api({}, parts);
  EXPECT_EQ(multi.status, 400);
  EXPECT_NE(body_of(multi)["error"].get<std::string>().find("text: not valid UTF-8 (byte 3)"), std::string::npos) << multi.body;
  Reply path = api("GET", "/api/\xff");
  EXPECT_EQ(path.status, 400);
  EXPECT_NE(body_of(path)["error"].get<std::string>().find("path: not valid UTF-8"), std::string::npos) << path.body;
  Reply json = api("POST", "/api/expression", "{\"text\": \"[joy] caf\xc3\"}");
  EXPECT_EQ(json.status, 400);
  EXPECT_NE(body_of(json)["error"].get<std::string>().find("body:1:"), std::string::npos) << json.body;
  // Valid multi-byte text still animates.
  EXPECT_EQ(animate({{"text", "[joy:80] caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"}}).status, 200);
}

class ServerHttpWebDir : public ServerHttp {
 protected:
  void SetUp() override {
    Options opt;
    opt.web_dir = dir_.web.string();
    start(opt);
  }
  WebDir dir_;
};

TEST_F(ServerHttpWebDir, AbsoluteAndEncodedPathsAreRefused) {
  const std::string host = "\r\nHost: 127.0.0.1:" + std::to_string(port_);
  EXPECT_EQ(status_of(raw_request(port_, "GET /index.html HTTP/1.1" + host)), 200);
  const std::string secret = dir_.outside.string();
  for (const std::string& target : {"/" + secret, "/%2f" + secret.substr(1), std::string("/%2fetc%2fpasswd"),
                                    std::string("//etc/passwd"), std::string("/%2e%2e/secret.txt"), std::string("/link.txt"),
                                    std::string("/index.html%00.png"), std::string("/%ff")}) {
    const std::string reply = raw_request(port_, "GET " + target + " HTTP/1.1" + host);
    const int status = status_of(reply);
    EXPECT_TRUE(status == 400 || status == 403) << target << " -> " << reply.substr(0, 200);
    EXPECT_EQ(reply.find("CONTENT-OUTSIDE"), std::string::npos) << target;
    EXPECT_EQ(reply.find("root:"), std::string::npos) << target;
    EXPECT_NE(error_of(reply).find("path: "), std::string::npos) << target << " -> " << reply;
  }
}

TEST_F(ServerHttp, HostHeaderMustNameThisMachine) {
  const std::string port = std::to_string(port_);
  for (const std::string& h : std::vector<std::string>{"localhost:" + port, "127.0.0.1:" + port, "127.0.0.1", "[::1]:" + port, "LocalHost"})
    EXPECT_EQ(status_of(raw_request(port_, "GET /api/vocab HTTP/1.1\r\nHost: " + h)), 200) << h;
  for (const std::string& h : std::vector<std::string>{"evil.example", "evil.example:" + port, "127.0.0.1.evil.example:" + port}) {
    for (const char* req : {"GET /api/vocab HTTP/1.1", "GET / HTTP/1.1", "POST /api/compile HTTP/1.1"}) {
      const std::string reply = raw_request(port_, std::string(req) + "\r\nHost: " + h + "\r\nContent-Length: 2", "{}");
      EXPECT_EQ(status_of(reply), 403) << req << " Host: " << h;
      EXPECT_NE(error_of(reply).find("Host: '" + h + "' is not this server"), std::string::npos) << reply;
    }
  }
  const std::string none = raw_request(port_, "GET /api/vocab HTTP/1.0");
  EXPECT_EQ(status_of(none), 400);
  EXPECT_NE(error_of(none).find("Host: missing"), std::string::npos) << none;
}

TEST_F(ServerHttp, BadContentLengthsAreRefusedBeforeTheBody) {
  const std::string host = "\r\nHost: localhost";
  struct Case {
    std::string headers;
    int status;
    const char* field;
  };
  const Case cases[] = {
      {"Content-Length: 99999999999", 413, "body: Content-Length 99999999999 is larger than the limit of 65536 bytes"},
      {"Content-Length: 99999999999999999999999", 413, "body: Content-Length"},
      {"Content-Length: 65537", 413, "body: Content-Length 65537"},
      {"Content-Length: 65537\r\nExpect: 100-continue", 413, "body: Content-Length 65537"},
      {"Content-Length: -1", 400, "Content-Length: must be one whole number"},
      {"Content-Length: 1e3", 400, "Content-Length: must be one whole number"},
      {"Content-Length: 5\r\nContent-Length: 6", 400, "Content-Length: must be one whole number"},
      {"Transfer-Encoding: chunked", 411, "Transfer-Encoding"},
      {"Content-Type: application/json", 411, "Content-Length: missing"},
  };
  for (const auto& c : cases) {
    // The body never comes: the answer must not wait for it.
    const auto t0 = std::chrono::steady_clock::now();
    const std::string reply = raw_request(port_, "POST /api/expression HTTP/1.1" + host + "\r\n" + c.headers, "", 3);
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(status_of(reply), c.status) << c.headers << " -> " << reply.substr(0, 300);
    EXPECT_NE(error_of(reply).find(c.field), std::string::npos) << c.headers << " -> " << reply;
    EXPECT_LT(took, 2.0) << c.headers;
  }
  // Expect: 100-continue with a good length still gets its 100 and then the answer.
  const std::string ok = raw_request(port_, "POST /api/compile HTTP/1.1" + host + "\r\nContent-Length: 19\r\nExpect: 100-continue",
                                     R"({"emotion": "joy"})" "\n");
  EXPECT_NE(ok.find("HTTP/1.1 200"), std::string::npos) << ok.substr(0, 300);
}

TEST_F(ServerHttp, InvalidUtf8InTheQueryOrPathIs400) {
  auto c = client();
  auto r = c.Post("/api/animate?text=%5Bjoy%5D%20caf%C3", "RIFF", "audio/wav");  // the fields are checked first
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(Json::parse(r->body)["error"].get<std::string>().find("text: not valid UTF-8"), std::string::npos) << r->body;
  const std::string reply = raw_request(port_, "GET /js/%ff%fe.js HTTP/1.1\r\nHost: localhost");
  EXPECT_EQ(status_of(reply), 400);
  EXPECT_NE(error_of(reply).find("path: not valid UTF-8"), std::string::npos) << reply;
}

// Slow uploads hold at most max_uploads workers, each for at most upload_timeout_s; the
// rest are refused at once, and other requests are answered meanwhile.
TEST_F(ServerHttp, SlowUploadsCannotTakeEveryWorker) {
  TearDown();
  Options opt;
  opt.threads = 4;
  opt.max_uploads = 2;
  opt.io_timeout_s = 2;        // a byte every 100 ms never trips it: only the upload deadline does
  opt.upload_timeout_s = 1;
  start(opt);
  const int kSlow = 4;
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < kSlow; ++i) {
    slow.push_back(std::make_unique<RawConnection>(port_));
    ASSERT_TRUE(slow.back()->connected());
    slow.back()->send("POST /api/compile HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                      "Content-Length: 1000\r\n\r\n{");
  }
  std::atomic<bool> drip{true};
  std::thread dripper([&] {
    while (drip) {
      for (auto& s : slow) s->send(" ");
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  // Meanwhile other requests are answered at once.
  const auto t0 = std::chrono::steady_clock::now();
  auto c = client();
  c.set_read_timeout(3, 0);
  for (int i = 0; i < 5; ++i) {
    auto r = c.Get("/api/vocab");
    ASSERT_TRUE(r) << "request " << i << " not answered while slow uploads run";
    EXPECT_EQ(r->status, 200);
  }
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 1.0);
  // Two uploads were refused at once (503), two ran out of time (408) after about 1 s.
  int busy = 0, late = 0;
  for (auto& s : slow) {
    const std::string reply = s->reply(4);
    const int status = status_of(reply);
    busy += status == 503;
    late += status == 408;
    if (status == 503) {
      EXPECT_NE(error_of(reply).find("server: busy"), std::string::npos) << reply;
    } else {
      EXPECT_NE(error_of(reply).find("body: not received within 1 s"), std::string::npos) << reply;
    }
  }
  drip = false;
  dripper.join();
  EXPECT_EQ(busy, 2);
  EXPECT_EQ(late, 2);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 4.0);
  // The slots are free again.
  auto after = c.Post("/api/compile", R"({"emotion": "joy"})", "application/json");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200) << after->body;
}

// Headers that come one byte at a time lose the connection after io_timeout_s, however
// steadily they come: such clients cannot take every worker either.
TEST_F(ServerHttp, SlowHeadersCannotTakeEveryWorker) {
  TearDown();
  Options opt;
  opt.threads = 2;
  opt.io_timeout_s = 0.5;
  start(opt);
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 4; ++i) {
    slow.push_back(std::make_unique<RawConnection>(port_));
    ASSERT_TRUE(slow.back()->connected());
  }
  std::atomic<bool> drip{true};
  std::thread dripper([&] {
    const std::string head = "GET /api/vocab HTTP/1.1\r\nX-Slow: " + std::string(1000, 'a');
    for (std::size_t i = 0; drip && i < head.size(); ++i) {
      for (auto& s : slow) s->send(head.substr(i, 1));
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto t0 = std::chrono::steady_clock::now();
  auto c = client();
  c.set_read_timeout(5, 0);
  auto r = c.Get("/api/vocab");
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  drip = false;
  dripper.join();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_LT(took, 2.0) << "the slow header senders held the workers";
}

// A client that stops sending mid-body loses its connection after io_timeout_s.
TEST_F(ServerHttp, StalledBodyEndsAfterTheReadTimeout) {
  TearDown();
  Options opt;
  opt.io_timeout_s = 0.3;
  opt.upload_timeout_s = 30;
  start(opt);
  RawConnection c(port_);
  ASSERT_TRUE(c.connected());
  const auto t0 = std::chrono::steady_clock::now();
  c.send("POST /api/compile HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n{\"emotion\"");
  const std::string reply = c.reply(5);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 2.0);
  EXPECT_EQ(status_of(reply), 400) << reply;
  EXPECT_NE(error_of(reply).find("body: ended before Content-Length bytes arrived"), std::string::npos) << reply;
}

}  // namespace
