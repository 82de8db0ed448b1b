// Kill `emosync dataset build` mid-run, restart it, and check the data set is whole:
// every item once, manifest and files agree, nothing half-written left behind.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <signal.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "dataset/shard_store.h"

namespace fs = std::filesystem;

static pid_t start_build(const std::string& scen, const std::string& out) {
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 2);
    execl(EMOSYNC_BIN, EMOSYNC_BIN, "dataset", "build", "--scenarios", scen.c_str(), "-o", out.c_str(), "--jobs",
          "2", static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

static std::size_t manifest_lines(const std::string& out) {
  std::ifstream in(fs::path(out) / "shard-00-of-01" / "manifest.jsonl");
  std::size_t n = 0;
  for (std::string l; std::getline(in, l);) n += !l.empty();
  return n;
}

TEST(DatasetResume, KilledBuildResumesToACompleteSet) {
  std::string scen = std::string(EMOSYNC_SOURCE_DIR) + "/data/scenarios/demo.jsonl";
  fs::path out = fs::path(::testing::TempDir()) / "resume_ds";
  fs::remove_all(out);
  pid_t pid = start_build(scen, out.string());
  // Wait for the first items, then kill without warning.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (manifest_lines(out.string()) < 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  std::size_t before = manifest_lines(out.string());
  ASSERT_GE(before, 2u);
  ASSERT_LT(before, 11u) << "the build finished before it could be killed";

  pid = start_build(scen, out.string());
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);

  emosync::dataset::VerifyReport r = emosync::dataset::verify(out.string());
  EXPECT_TRUE(r.problems.empty()) << r.problems.front();
  EXPECT_EQ(r.items, 11u);  // every demo scenario exactly once
  std::set<std::string> ids;
  for (const auto& e : emosync::dataset::read_manifest((out / "shard-00-of-01").string())) ids.insert(e.id());
  EXPECT_EQ(ids.size(), 11u);
  for (const auto& d : fs::directory_iterator(out / "shard-00-of-01" / "items"))
    EXPECT_EQ(d.path().filename().string().rfind(".tmp", 0), std::string::npos);
}
