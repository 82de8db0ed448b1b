// The C API (include/emosync/emosync.h) over engine::Animator. Every entry point catches
// every C++ exception and turns it into a status code plus a message kept on the context
// (or, for emosync_create, in a thread-local string): nothing unwinds into C callers.
#include "emosync/emosync.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <string_view>

#include "arkit/blendshapes.h"
#include "engine/animator.h"
#include "io/error.h"
#include "runtime/model.h"
#include "timeline/timeline.h"
#ifdef EMOSYNC_HAS_ALIGN
#include "align/text_lips.h"
#endif

struct emosync_context {
  std::unique_ptr<emosync::engine::Animator> animator;
  std::string error;
  std::string model_version;
  // The text timeline as set (EMOSYNC_LIPS_TEXT aligns its text; its words, when given,
  // keep placing the tags).
  bool has_timeline = false;
  std::string tagged_text;
  std::vector<emosync::timeline::WordTiming> words;
  int lips = EMOSYNC_LIPS_AUDIO;
  // What the last emosync_process did with the lips (emosync_lips_report).
  emosync_lips_info lips_info{EMOSYNC_LIPS_AUDIO, EMOSYNC_LIPS_AUDIO, -1, ""};
  std::string lips_fallback;
#ifdef EMOSYNC_HAS_ALIGN
  emosync::align::AlignConfig align_config;
  std::unique_ptr<emosync::align::Aligner> aligner;  // created by the first EMOSYNC_LIPS_TEXT call
#endif
};

namespace {

thread_local std::string g_create_error;

// A bad argument found by the C layer before the C++ layer runs.
struct ArgumentError {
  std::string what;
};
struct StatusError {
  emosync_status status;
  std::string what;
};

// Runs f, mapping exceptions: emosync::Error -> `domain` (the kind of failure the call
// can have), ArgumentError -> EMOSYNC_ERR_ARGUMENT, StatusError -> its status, anything
// else -> EMOSYNC_ERR_INTERNAL.
template <typename F>
emosync_status guarded(std::string& error, emosync_status domain, F&& f) {
  try {
    f();
    error.clear();
    return EMOSYNC_OK;
  } catch (const ArgumentError& e) {
    error = e.what;
    return EMOSYNC_ERR_ARGUMENT;
  } catch (const StatusError& e) {
    error = e.what;
    return e.status;
  } catch (const emosync::Error& e) {
    error = e.what();
    return domain;
  } catch (const std::bad_alloc&) {
    error = "out of memory";
    return EMOSYNC_ERR_INTERNAL;
  } catch (const std::exception& e) {
    error = std::string("internal error: ") + e.what();
    return EMOSYNC_ERR_INTERNAL;
  } catch (...) {
    error = "internal error: unknown exception";
    return EMOSYNC_ERR_INTERNAL;
  }
}

void require(bool ok, const char* message) {
  if (!ok) throw ArgumentError{message};
}

void check_rate(int rate) {
  if (rate < emosync::engine::kMinSampleRate || rate > emosync::engine::kMaxSampleRate)
    throw ArgumentError{"sample_rate " + std::to_string(rate) + " is outside 8000..48000"};
}

// Non-finite samples are an audio error, told apart from the other checks here.
void check_samples(const float* pcm, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (!std::isfinite(pcm[i]))
      throw StatusError{EMOSYNC_ERR_AUDIO, "sample " + std::to_string(i) + " is not a finite number"};
}

// emosync_process's frames with the lips asked for by emosync_set_lips; records what was
// done in ctx.lips_info. The decision (align, check, blend or fall back) is the CLI's and
// the server's: align::align_transcript + align::apply_lips.
std::vector<float> process_with_lips(emosync_context& ctx, const float* pcm, size_t n, int rate) {
  ctx.lips_fallback.clear();
  ctx.lips_info = {ctx.lips, EMOSYNC_LIPS_AUDIO, -1, ""};
  if (ctx.lips != EMOSYNC_LIPS_TEXT) return ctx.animator->process(pcm, n, rate);
#ifdef EMOSYNC_HAS_ALIGN
  namespace align = emosync::align;
  if (!ctx.has_timeline)
    throw StatusError{EMOSYNC_ERR_STATE,
                      "emosync_process: EMOSYNC_LIPS_TEXT needs the transcript (call emosync_set_timeline first)"};
  emosync::audio::Audio speech;
  speech.samples.assign(pcm, pcm + n);
  speech.sample_rate = rate;
  const align::TranscriptAlignment t = align::align_transcript(ctx.aligner, ctx.align_config, speech, ctx.tagged_text);
  // Without words of the caller's, the tags start at their aligned words for this clip;
  // the timeline is set back afterwards, so the next clip is aligned afresh.
  const bool timed_here = t.matched && ctx.words.empty();
  if (timed_here) ctx.animator->set_timeline(ctx.tagged_text, t.words);
  std::vector<float> frames;
  try {
    frames = ctx.animator->process(pcm, n, rate);
  } catch (...) {
    if (timed_here) ctx.animator->set_timeline(ctx.tagged_text, ctx.words);
    throw;
  }
  if (timed_here) ctx.animator->set_timeline(ctx.tagged_text, ctx.words);
  const align::LipsOutcome o = align::apply_lips(align::LipSource::Text, t, frames, emosync::engine::kFps, speech);
  ctx.lips_fallback = o.fallback;
  ctx.lips_info.used = o.used == align::LipSource::Text ? EMOSYNC_LIPS_TEXT : EMOSYNC_LIPS_AUDIO;
  ctx.lips_info.confidence = o.confidence;
  return frames;
#else
  throw StatusError{EMOSYNC_ERR_ARGUMENT, "EMOSYNC_LIPS_TEXT: this build has no aligner"};
#endif
}

emosync_status no_context() {
  g_create_error = "context is NULL";
  return EMOSYNC_ERR_ARGUMENT;
}

}  // namespace

extern "C" {

void emosync_default_params(emosync_params* p) {
  if (p == nullptr) return;
  std::memset(p, 0, sizeof *p);
  p->model_path = nullptr;
  p->model_data = nullptr;
  p->model_size = 0;
  p->blinks = 1;
  p->fades = 1;
  p->smoothing = 0;
  p->normalize_loudness = 1;
  p->seed = 1;
}

emosync_status emosync_create(const emosync_params* p, emosync_context** out) {
  if (out != nullptr) *out = nullptr;
  std::unique_ptr<emosync_context> ctx;
  const emosync_status s = guarded(g_create_error, EMOSYNC_ERR_MODEL, [&] {
    require(out != nullptr, "emosync_create: out is NULL");
    emosync_params defaults;
    emosync_default_params(&defaults);
    const emosync_params& params = p != nullptr ? *p : defaults;
    ctx = std::make_unique<emosync_context>();
    std::shared_ptr<const emosync::runtime::Model> model;
    if (params.model_data != nullptr) {
      require(params.model_size > 0, "emosync_create: model_data is set but model_size is 0");
      const std::string_view bytes(static_cast<const char*>(params.model_data), params.model_size);
      model = std::make_shared<const emosync::runtime::Model>(emosync::runtime::Model::parse(
          bytes, "model bytes (" + std::to_string(params.model_size) + " bytes)"));
    } else if (params.model_path != nullptr) {
      model = std::make_shared<const emosync::runtime::Model>(emosync::runtime::Model::load(params.model_path));
    } else {
      // The embedded model lives as long as the program: share it without owning it.
      model = std::shared_ptr<const emosync::runtime::Model>(&emosync::runtime::Model::embedded_default(),
                                                             [](const emosync::runtime::Model*) {});
    }
    emosync::engine::Options options;
    options.post.blinks = params.blinks != 0;
    options.post.fades = params.fades != 0;
    options.post.smoothing = params.smoothing != 0;
    options.post.seed = params.seed;
    options.normalize_loudness = params.normalize_loudness != 0;
    ctx->model_version = model->stage();
    ctx->animator = std::make_unique<emosync::engine::Animator>(model, options);
  });
  if (s == EMOSYNC_OK) {
    *out = ctx.release();
  } else if (ctx && out != nullptr) {
    ctx->error = g_create_error;  // the caller may read the message from it, then free it
    *out = ctx.release();
  }
  return s;
}

void emosync_free(emosync_context* ctx) { delete ctx; }

const char* emosync_last_error(const emosync_context* ctx) {
  return ctx != nullptr ? ctx->error.c_str() : g_create_error.c_str();
}

const char* emosync_blendshape_name(int index) {
  static const auto* names = [] {
    auto* v = new std::string[EMOSYNC_BLENDSHAPES];  // NUL-terminated copies, never freed
    for (int i = 0; i < EMOSYNC_BLENDSHAPES; ++i) v[i] = std::string(emosync::arkit::names()[i]);
    return v;
  }();
  return index >= 0 && index < EMOSYNC_BLENDSHAPES ? names[index].c_str() : nullptr;
}

const char* emosync_version(void) { return EMOSYNC_VERSION_STRING; }

const char* emosync_model_version(const emosync_context* ctx) {
  return ctx != nullptr && ctx->animator ? ctx->model_version.c_str() : nullptr;
}

#define EMOSYNC_CONTEXT_OR_FAIL(ctx)                                                            \
  if ((ctx) == nullptr) return no_context();                                                   \
  if (!(ctx)->animator) {                                                                      \
    (ctx)->error = "context was not created successfully";                                     \
    return EMOSYNC_ERR_STATE;                                                                  \
  }

emosync_status emosync_set_conditioning(emosync_context* ctx, const float cond[19]) {
  EMOSYNC_CONTEXT_OR_FAIL(ctx)
  return guarded(ctx->error, EMOSYNC_ERR_ARGUMENT, [&] {
    require(cond != nullptr, "emosync_set_conditioning: cond is NULL");
    emosync::emotion::Conditioning c{};
    for (size_t i = 0; i < c.size(); ++i) c[i] = cond[i];
    ctx->animator->set_conditioning(c);
    ctx->has_timeline = false;
  });
}

emosync_status emosync_set_emotion(emosync_context* ctx, const char* name, float intensity) {
  EMOSYNC_CONTEXT_OR_FAIL(ctx)
  return guarded(ctx->error, EMOSYNC_ERR_ARGUMENT, [&] {
    require(name != nullptr, "emosync_set_emotion: name is NULL");
    ctx->animator->set_emotion(name, intensity);
    ctx->has_timeline = false;
  });
}

emosync_status emosync_set_timeline(emosync_context* ctx, const char* tagged_text, const char* words_tsv) {
  EMOSYNC_CONTEXT_OR_FAIL(ctx)
  return guarded(ctx->error, EMOSYNC_ERR_TIMELINE, [&] {
    require(tagged_text != nullptr, "emosync_set_timeline: tagged_text is NULL");
    std::vector<emosync::timeline::WordTiming> words;
    if (words_tsv != nullptr) words = emosync::timeline::parse_words_tsv(words_tsv, "words_tsv");
    ctx->animator->set_timeline(tagged_text, words);
    ctx->has_timeline = true;
    ctx->tagged_text = tagged_text;
    ctx->words = std::move(words);
  });
}

emosync_status emosync_process(emosync_context* ctx, const float* pcm, size_t n_samples, int sample_rate,
                               float** frames, size_t* n_frames) {
  EMOSYNC_CONTEXT_OR_FAIL(ctx)
  if (frames != nullptr) *frames = nullptr;
  if (n_frames != nullptr) *n_frames = 0;
  return guarded(ctx->error, EMOSYNC_ERR_AUDIO, [&] {
    require(frames != nullptr && n_frames != nullptr, "emosync_process: frames and n_frames must not be NULL");
    require(pcm != nullptr || n_samples == 0, "emosync_process: pcm is NULL");
    check_rate(sample_rate);
    check_samples(pcm, n_samples);
    const std::vector<float> out = process_with_lips(*ctx, pcm, n_samples, sample_rate);
    const size_t count = out.size() / EMOSYNC_BLENDSHAPES;
    if (count > 0) {
      auto* buffer = static_cast<float*>(std::malloc(out.size() * sizeof(float)));
      if (buffer == nullptr) throw std::bad_alloc();
      std::memcpy(buffer, out.data(), out.size() * sizeof(float));
      *frames = buffer;
    }
    *n_frames = count;
  });
}

void emosync_frames_free(float* frames) { std::free(frames); }

emosync_status emosync_set_lips(emosync_context* ctx, int lips, const char* align_model_dir, const char* align_dict) {
  EMOSYNC_CONTEXT_OR_FAIL(ctx)
  return guarded(ctx->error, EMOSYNC_ERR_ARGUMENT, [&] {
    require(lips == EMOSYNC_LIPS_AUDIO || lips == EMOSYNC_LIPS_TEXT,
            "emosync_set_lips: lips must be EMOSYNC_LIPS_AUDIO (0) or EMOSYNC_LIPS_TEXT (1)");
#ifdef EMOSYNC_HAS_ALIGN
    emosync::align::AlignConfig config;
    if (align_model_dir != nullptr) config.model_dir = align_model_dir;
    if (align_dict != nullptr) config.dict = align_dict;
    config.validate();
    if (config.model_dir != ctx->align_config.model_dir || config.dict != ctx->align_config.dict) ctx->aligner.reset();
    ctx->align_config = config;
#else
    (void)align_model_dir;
    (void)align_dict;
    require(lips == EMOSYNC_LIPS_AUDIO, "emosync_set_lips: EMOSYNC_LIPS_TEXT needs the aligner, which this build "
                                        "(WebAssembly) does not have");
#endif
    ctx->lips = lips;
  });
}

emosync_status emosync_lips_report(emosync_context* ctx, emosync_lips_info* out) {
  EMOSYNC_CONTEXT_OR_FAIL(ctx)
  return guarded(ctx->error, EMOSYNC_ERR_ARGUMENT, [&] {
    require(out != nullptr, "emosync_lips_report: out is NULL");
    *out = ctx->lips_info;
    out->fallback = ctx->lips_fallback.c_str();
  });
}

emosync_status emosync_stream_push(emosync_context* ctx, const float* pcm, size_t n_samples, int sample_rate) {
  EMOSYNC_CONTEXT_OR_FAIL(ctx)
  return guarded(ctx->error, EMOSYNC_ERR_AUDIO, [&] {
    require(pcm != nullptr || n_samples == 0, "emosync_stream_push: pcm is NULL");
    check_rate(sample_rate);
    if (ctx->animator->finished())
      throw StatusError{EMOSYNC_ERR_STATE, "emosync_stream_push after emosync_stream_finish (call emosync_reset)"};
    if (ctx->lips == EMOSYNC_LIPS_TEXT)
      throw StatusError{EMOSYNC_ERR_STATE,
                        "emosync_stream_push: EMOSYNC_LIPS_TEXT needs the whole clip (use emosync_process, or "
                        "emosync_set_lips(ctx, EMOSYNC_LIPS_AUDIO, NULL, NULL) to stream)"};
    check_samples(pcm, n_samples);
    ctx->animator->push(pcm, n_samples, sample_rate);
  });
}

emosync_status emosync_stream_finish(emosync_context* ctx) {
  EMOSYNC_CONTEXT_OR_FAIL(ctx)
  return guarded(ctx->error, EMOSYNC_ERR_STATE, [&] { ctx->animator->finish(); });
}

emosync_status emosync_stream_pull(emosync_context* ctx, float* out, size_t max_frames, size_t* n_frames) {
  EMOSYNC_CONTEXT_OR_FAIL(ctx)
  if (n_frames != nullptr) *n_frames = 0;
  return guarded(ctx->error, EMOSYNC_ERR_STATE, [&] {
    require(n_frames != nullptr, "emosync_stream_pull: n_frames is NULL");
    require(out != nullptr || max_frames == 0, "emosync_stream_pull: out is NULL");
    *n_frames = ctx->animator->pull(out, max_frames);
  });
}

emosync_status emosync_interrupt(emosync_context* ctx, float fade_ms) {
  EMOSYNC_CONTEXT_OR_FAIL(ctx)
  return guarded(ctx->error, EMOSYNC_ERR_ARGUMENT, [&] {
    require(std::isfinite(fade_ms) && fade_ms >= 0, "emosync_interrupt: fade_ms must be a finite number >= 0");
    ctx->animator->interrupt(fade_ms);
  });
}

emosync_status emosync_reset(emosync_context* ctx) {
  EMOSYNC_CONTEXT_OR_FAIL(ctx)
  return guarded(ctx->error, EMOSYNC_ERR_INTERNAL, [&] { ctx->animator->reset(); });
}

}  // extern "C"
