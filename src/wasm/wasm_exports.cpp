// Functions the browser wrapper (web/js/lipsync-wasm.js) needs beside the C API of
// include/emosync/emosync.h: a create call that takes its options as arguments (so
// JavaScript never lays out emosync_params by hand) and the text emotion tagger.
// Like the C API they never let an exception escape; failures leave a message for
// emosync_wasm_last_error().
#include <emscripten/emscripten.h>

#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emosync/emosync.h"
#include "textemotion/tagger.h"

namespace {

// The wrapper calls one function at a time from one thread (the page or a worker).
std::string g_error;
std::string g_result;

// context_json: [{"self": bool, "text": "..."}], oldest first; empty string: no context.
std::vector<emosync::textemotion::Turn> parse_context(const char* context_json) {
  std::vector<emosync::textemotion::Turn> turns;
  if (!context_json || !*context_json) return turns;
  nlohmann::json j = nlohmann::json::parse(context_json, nullptr, false);
  if (j.is_discarded() || !j.is_array()) throw std::runtime_error("context: must be a JSON array of {self, text}");
  for (std::size_t i = 0; i < j.size(); ++i) {
    const auto& t = j[i];
    std::string where = "context[" + std::to_string(i) + "]";
    if (!t.is_object() || !t.contains("text") || !t["text"].is_string())
      throw std::runtime_error(where + ".text: must be a string");
    emosync::textemotion::Turn turn;
    turn.text = t["text"].get<std::string>();
    if (t.contains("self")) {
      if (!t["self"].is_boolean()) throw std::runtime_error(where + ".self: must be true or false");
      turn.self = t["self"].get<bool>();
    }
    turns.push_back(std::move(turn));
  }
  return turns;
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE const char* emosync_wasm_last_error(void) { return g_error.c_str(); }

// Creates a context with the given model bytes (model == NULL: the embedded default)
// and switches. Returns NULL on failure (message in emosync_wasm_last_error()).
EMSCRIPTEN_KEEPALIVE emosync_context* emosync_wasm_create(const void* model, size_t model_size, int blinks,
                                                          int fades, int smoothing, int normalize_loudness,
                                                          uint32_t seed) {
  emosync_params p;
  emosync_default_params(&p);
  if (model) {
    p.model_data = model;
    p.model_size = model_size;
  }
  p.blinks = blinks;
  p.fades = fades;
  p.smoothing = smoothing;
  p.normalize_loudness = normalize_loudness;
  p.seed = seed;
  emosync_context* ctx = nullptr;
  if (emosync_create(&p, &ctx) == EMOSYNC_OK) {
    g_error.clear();
    return ctx;
  }
  g_error = ctx ? emosync_last_error(ctx) : emosync_last_error(nullptr);
  if (g_error.empty()) g_error = "emosync_create failed";
  emosync_free(ctx);
  return nullptr;
}

// Tags plain text with the shipped text emotion model. Returns JSON
//   {"tagged": "[joy:70] ...", "version": 1, "emotions": [...], "sentences": [...]}
// (sentences as `emosync tag --json` writes them), valid until the next call; NULL on
// failure.
EMSCRIPTEN_KEEPALIVE const char* emosync_wasm_tag(const char* text, const char* context_json) {
  try {
    if (!text) throw std::runtime_error("text: must not be NULL");
    const auto& tagger = emosync::textemotion::Tagger::embedded();
    auto sentences = tagger.tag(text, parse_context(context_json));
    nlohmann::json j = emosync::textemotion::to_json(sentences);
    j["tagged"] = emosync::textemotion::to_tagged_text(sentences);
    g_result = j.dump();
    g_error.clear();
    return g_result.c_str();
  } catch (const std::exception& e) {
    g_error = e.what();
  } catch (...) {
    g_error = "tagging failed";
  }
  return nullptr;
}

}  // extern "C"
