#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "emosync/emosync.h"
#include "io/atomic_file.h"
#include "model/model_file.h"
#include "model/safetensors.h"
#include "runtime/model.h"
#include "support/test_support.h"

using namespace emosync;

namespace {
std::string shipped_bytes() {
  const std::string path = std::string(EMOSYNC_SOURCE_DIR) + "/models/default/emosync-v3.safetensors";
  auto bytes = io::read_file(path);
  return bytes;
}

struct Created {
  emosync_status status;
  std::string message;
};

Created create_from(const std::string& bytes) {
  emosync_params p;
  emosync_default_params(&p);
  p.model_data = bytes.data();
  p.model_size = bytes.size();
  emosync_context* ctx = nullptr;
  Created c{emosync_create(&p, &ctx), emosync_last_error(nullptr)};
  if (ctx != nullptr && c.status != EMOSYNC_OK) {
    EXPECT_EQ(c.message, emosync_last_error(ctx));
  }
  emosync_free(ctx);
  return c;
}
}  // namespace

TEST(Capi, ShippedModelBytesLoad) {
  const Created c = create_from(shipped_bytes());
  EXPECT_EQ(c.status, EMOSYNC_OK) << c.message;
}

TEST(Capi, TruncatedModelIsAClearError) {
  const std::string bytes = shipped_bytes();
  for (std::size_t keep : {std::size_t{0}, std::size_t{4}, std::size_t{100}, bytes.size() / 2, bytes.size() - 1}) {
    const Created c = create_from(keep == 0 ? std::string("x") : bytes.substr(0, keep));
    EXPECT_EQ(c.status, EMOSYNC_ERR_MODEL) << keep;
    EXPECT_NE(c.message.find("model bytes"), std::string::npos) << c.message;
  }
  // The same through a file: the message names the file.
  const std::string path = test_support::temp_path("capi", "truncated.safetensors");
  io::write_file_atomic(path, bytes.substr(0, bytes.size() / 3));
  emosync_params p;
  emosync_default_params(&p);
  p.model_path = path.c_str();
  emosync_context* ctx = nullptr;
  EXPECT_EQ(emosync_create(&p, &ctx), EMOSYNC_ERR_MODEL);
  EXPECT_NE(std::string(emosync_last_error(nullptr)).find("truncated.safetensors"), std::string::npos)
      << emosync_last_error(nullptr);
  emosync_free(ctx);
}

TEST(Capi, CorruptModelIsAClearError) {
  const std::string bytes = shipped_bytes();
  std::uint64_t header_len = 0;
  std::memcpy(&header_len, bytes.data(), 8);
  // Header length pointing past the end; garbage inside the JSON header; a tensor's
  // declared shape changed.
  std::string huge = bytes;
  const std::uint64_t big = bytes.size() * 4;
  std::memcpy(huge.data(), &big, 8);
  std::string garbled = bytes;
  for (std::size_t i = 8; i < 8 + 40; ++i) garbled[i] = static_cast<char>(0xFF);
  std::string reshaped = bytes;
  const auto pos = reshaped.find("[128,80,3]");
  ASSERT_NE(pos, std::string::npos);
  reshaped.replace(pos, 10, "[128,81,3]");
  for (const auto* damaged : {&huge, &garbled, &reshaped}) {
    const Created c = create_from(*damaged);
    EXPECT_EQ(c.status, EMOSYNC_ERR_MODEL);
    EXPECT_FALSE(c.message.empty());
    std::printf("damaged model: %s\n", c.message.c_str());
  }
}

TEST(Capi, WrongFormatVersionIsAClearError) {
  model::ModelFile m = model::parse_model(shipped_bytes(), "shipped model");
  model::SafeTensors st = model::with_metadata(m);
  st.metadata["format_version"] = "99";
  const Created c = create_from(model::safetensors_bytes(st));
  EXPECT_EQ(c.status, EMOSYNC_ERR_MODEL);
  EXPECT_NE(c.message.find("format_version is 99"), std::string::npos) << c.message;
}

TEST(Capi, EmbeddedDefaultIsTheShippedModel) {
  emosync_params p;
  emosync_default_params(&p);
  emosync_context* a = nullptr;
  ASSERT_EQ(emosync_create(&p, &a), EMOSYNC_OK) << emosync_last_error(nullptr);
  const std::string bytes = shipped_bytes();
  p.model_data = bytes.data();
  p.model_size = bytes.size();
  emosync_context* b = nullptr;
  ASSERT_EQ(emosync_create(&p, &b), EMOSYNC_OK);
  std::vector<float> pcm(16000);
  for (std::size_t i = 0; i < pcm.size(); ++i) pcm[i] = 0.1f * static_cast<float>((i * 7919) % 200) / 200.0f - 0.05f;
  float *fa = nullptr, *fb = nullptr;
  std::size_t na = 0, nb = 0;
  ASSERT_EQ(emosync_process(a, pcm.data(), pcm.size(), 16000, &fa, &na), EMOSYNC_OK);
  ASSERT_EQ(emosync_process(b, pcm.data(), pcm.size(), 16000, &fb, &nb), EMOSYNC_OK);
  ASSERT_EQ(na, 30u);
  ASSERT_EQ(na, nb);
  EXPECT_EQ(0, std::memcmp(fa, fb, na * 52 * sizeof(float)));  // same seed, same model, same frames
  emosync_frames_free(fa);
  emosync_frames_free(fb);
  emosync_free(a);
  emosync_free(b);
}
