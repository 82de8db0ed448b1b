/* emosync C API: speech (+ emotion) -> 52 ARKit blendshapes at 30 fps.
 *
 * Plain C (C99 and later, C++ too). Every function that can fail returns an
 * emosync_status; on failure the message is read with emosync_last_error(ctx)
 * (or emosync_last_error(NULL) for emosync_create). No function lets a C++
 * exception escape. A context is not thread-safe: use one per thread.
 *
 * Frames are row-major float arrays [n_frames x EMOSYNC_BLENDSHAPES] in ARKit
 * order (emosync_blendshape_name), values 0..1, frame i at time i / 30 s. */
#ifndef EMOSYNC_EMOSYNC_H
#define EMOSYNC_EMOSYNC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EMOSYNC_BLENDSHAPES 52
#define EMOSYNC_CONDITIONING_DIM 19
#define EMOSYNC_FPS 30

typedef enum {
  EMOSYNC_OK = 0,
  EMOSYNC_ERR_ARGUMENT = 1, /* NULL pointer, rate outside 8000..48000, unknown emotion, ... */
  EMOSYNC_ERR_MODEL = 2,    /* model file missing, corrupt, truncated or of another version */
  EMOSYNC_ERR_AUDIO = 3,    /* PCM that cannot be used (NaN/inf samples, rate change mid-stream) */
  EMOSYNC_ERR_TIMELINE = 4, /* tagged text or words TSV that does not parse */
  EMOSYNC_ERR_STATE = 5,    /* call out of order (push after finish, ...) */
  EMOSYNC_ERR_INTERNAL = 6  /* anything else (out of memory, ...) */
} emosync_status;

typedef struct emosync_context emosync_context; /* opaque */

typedef struct {
  const char* model_path;                    /* NULL: the embedded default model */
  const void* model_data; size_t model_size; /* model bytes; used when model_data != NULL */
  int blinks, fades, smoothing, normalize_loudness; /* 1 = on (defaults: 1,1,0,1) */
  uint32_t seed;                             /* blink randomness; same seed -> same frames */
} emosync_params;

/* Fills *p with the defaults: embedded model, blinks/fades/loudness on, smoothing off, seed 1. */
void emosync_default_params(emosync_params* p);

/* Loads the model and creates a context. On failure *out may hold a context for the
 * message (free it with emosync_free), or use emosync_last_error(NULL). */
emosync_status emosync_create(const emosync_params* p, emosync_context** out);
void emosync_free(emosync_context* ctx); /* NULL is allowed */

/* The message of the last failed call on ctx ("" if none). ctx NULL: the
 * thread-local last error of emosync_create. Valid until the next call on ctx. */
const char* emosync_last_error(const emosync_context* ctx);
const char* emosync_blendshape_name(int index); /* 0..51, NULL otherwise */
const char* emosync_version(void);
const char* emosync_model_version(const emosync_context* ctx); /* "v3" */

/* Emotion: constant conditioning, a named class (+ intensity 0..100), or a tagged
 * text timeline. Each replaces the previous one; takes effect for the next
 * process call, or for the frames of the stream not yet computed.
 * cond: 16 class weights in 0..1 (neutral, joy, amusement, excitement, gratitude,
 * affection, surprise, curiosity, confusion, sadness, sulk, apology, fear, anger,
 * disgust, embarrassment), then valence, arousal, dominance in -1..1 (0.001 of
 * slack for rounding). A value outside its range or not finite is
 * EMOSYNC_ERR_ARGUMENT, the message naming its index; the previous emotion stays. */
emosync_status emosync_set_conditioning(emosync_context* ctx, const float cond[19]);
emosync_status emosync_set_emotion(emosync_context* ctx, const char* name, float intensity);
/* words_tsv: "start_s<TAB>end_s<TAB>word" lines giving word timings; NULL: the
 * tagged words run at 5 syllables a second of the speech detected in the audio (the
 * emotion holds through silence), the same for emosync_process and streaming. */
emosync_status emosync_set_timeline(emosync_context* ctx, const char* tagged_text,
                                    const char* words_tsv);

/* Whole buffer: mono float PCM at any rate 8000..48000; *frames is malloc'd
 * [n_frames x 52], free with emosync_frames_free. n_frames = round(duration * 30). */
emosync_status emosync_process(emosync_context* ctx, const float* pcm, size_t n_samples,
                               int sample_rate, float** frames, size_t* n_frames);
void emosync_frames_free(float* frames);

/* Lips from the transcript (native builds; issue 17, docs/align.md).
 * EMOSYNC_LIPS_AUDIO (the default): the model's lips, from the speech alone.
 * EMOSYNC_LIPS_TEXT: emosync_process aligns the timeline's text (emosync_set_timeline;
 * tags are ignored by the aligner) to the speech, and the LIPSYNC and SHARED channels
 * come from a rule-based teacher driven by the aligned phones, blended with the model
 * (the model keeps the EXPRESSION channels). When no words_tsv was given, the tags then
 * start at their aligned words too. Better for an exact transcript of clear speech;
 * the audio is better for loose transcripts, singing, shouting, noise.
 * Fallback: when the alignment fails (the model not installed, silence, more than 600 s
 * or 4000 words, a transcript that does not match the speech: confidence < 0.5), the
 * call still succeeds with the audio lips and the spread tags, and emosync_lips_report
 * says why. Errors: an unknown `lips` is EMOSYNC_ERR_ARGUMENT (so is EMOSYNC_LIPS_TEXT in
 * a build without the aligner, i.e. WebAssembly); emosync_process with EMOSYNC_LIPS_TEXT
 * and no text timeline, or streaming (emosync_stream_push) with it, is EMOSYNC_ERR_STATE:
 * the alignment needs the whole clip and its transcript.
 * align_model_dir / align_dict: a pocketsphinx acoustic model folder and its pronouncing
 * dictionary; NULL: the Debian pocketsphinx-en-us paths. Copied; kept until changed. */
typedef enum {
  EMOSYNC_LIPS_AUDIO = 0,
  EMOSYNC_LIPS_TEXT = 1
} emosync_lips;
emosync_status emosync_set_lips(emosync_context* ctx, int lips, const char* align_model_dir,
                                const char* align_dict);

/* Which lips the last emosync_process used. */
typedef struct {
  int requested, used;    /* emosync_lips */
  double confidence;      /* the alignment's, 0..1; -1 when nothing was aligned */
  const char* fallback;   /* why the text lips were not used ("" when they were, or were
                           * not requested); valid until the next call on ctx */
} emosync_lips_info;
emosync_status emosync_lips_report(emosync_context* ctx, emosync_lips_info* out);

/* Streaming of any size, pull frames as they become ready. The pulled
 * frames equal emosync_process on the concatenated audio. One sample rate per stream;
 * after finish, pull the rest, then emosync_reset starts a new stream. */
emosync_status emosync_stream_push(emosync_context* ctx, const float* pcm, size_t n_samples,
                                   int sample_rate);
emosync_status emosync_stream_finish(emosync_context* ctx);
/* Copies up to max_frames ready frames into out ([max_frames x 52]); *n_frames = count. */
emosync_status emosync_stream_pull(emosync_context* ctx, float* out, size_t max_frames,
                                   size_t* n_frames);
emosync_status emosync_interrupt(emosync_context* ctx, float fade_ms); /* face to rest within fade_ms of stream time */
emosync_status emosync_reset(emosync_context* ctx);

#ifdef __cplusplus
}
#endif

#endif /* EMOSYNC_EMOSYNC_H */
