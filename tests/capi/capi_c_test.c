/* The C API used from C (compiled as C99): the calls a host program makes, and the
 * errors it gets back. Exits non-zero on the first failed check. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emosync/emosync.h"

static int failures = 0;
#define CHECK(cond)                                                      \
  do {                                                                   \
    if (!(cond)) {                                                       \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                        \
    }                                                                    \
  } while (0)

/* A second of a voiced-speech-like signal: a 140 Hz buzz with a moving formant. */
static void make_audio(float* x, size_t n, int rate) {
  size_t i;
  for (i = 0; i < n; ++i) {
    double t = (double)i / rate;
    double env = 0.5 + 0.5 * sin(2 * 3.14159265 * 3 * t);
    x[i] = (float)(0.2 * env * sin(2 * 3.14159265 * 140 * t) * (1 + 0.5 * sin(2 * 3.14159265 * 700 * t)));
  }
}

int main(void) {
  emosync_params p;
  emosync_context* ctx = NULL;
  float* frames = NULL;
  size_t n_frames = 0, i, got = 0, total = 0;
  float cond[EMOSYNC_CONDITIONING_DIM];
  float pulled[10 * EMOSYNC_BLENDSHAPES];
  const int rate = 22050;
  float* audio = (float*)malloc(sizeof(float) * rate);
  make_audio(audio, (size_t)rate, rate);

  emosync_default_params(&p);
  CHECK(p.model_path == NULL && p.model_data == NULL);
  CHECK(p.blinks == 1 && p.fades == 1 && p.smoothing == 0 && p.normalize_loudness == 1);

  CHECK(emosync_create(&p, &ctx) == EMOSYNC_OK);
  if (ctx == NULL) {
    fprintf(stderr, "create failed: %s\n", emosync_last_error(NULL));
    return 1;
  }
  CHECK(strcmp(emosync_model_version(ctx), "v3") == 0);
  CHECK(strlen(emosync_version()) > 0);
  CHECK(strcmp(emosync_blendshape_name(0), "eyeBlinkLeft") == 0);
  CHECK(strcmp(emosync_blendshape_name(17), "jawOpen") == 0);
  CHECK(emosync_blendshape_name(52) == NULL && emosync_blendshape_name(-1) == NULL);

  /* Offline: 1 s at 22.05 kHz -> 30 frames of 52 values in 0..1. */
  CHECK(emosync_set_emotion(ctx, "joy", 80.0f) == EMOSYNC_OK);
  CHECK(emosync_process(ctx, audio, (size_t)rate, rate, &frames, &n_frames) == EMOSYNC_OK);
  CHECK(n_frames == 30 && frames != NULL);
  for (i = 0; frames != NULL && i < n_frames * EMOSYNC_BLENDSHAPES; ++i) CHECK(frames[i] >= 0.0f && frames[i] <= 1.0f);
  emosync_frames_free(frames);

  /* Conditioning and timelines. */
  memset(cond, 0, sizeof cond);
  cond[0] = 1.0f;
  CHECK(emosync_set_conditioning(ctx, cond) == EMOSYNC_OK);
  CHECK(emosync_set_timeline(ctx, "[happy:80] Hello there. [sad:40] Goodbye.", NULL) == EMOSYNC_OK);
  CHECK(emosync_set_timeline(ctx, "[happy:80] Hello there.", "0.1\t0.4\tHello\n0.45\t0.9\tthere\n") == EMOSYNC_OK);
  CHECK(emosync_set_timeline(ctx, "[happy:80 Hello", NULL) == EMOSYNC_ERR_TIMELINE);
  CHECK(strstr(emosync_last_error(ctx), "line 1") != NULL);
  CHECK(emosync_set_timeline(ctx, "[joy] Hi", "0.1 oops\n") == EMOSYNC_ERR_TIMELINE);
  CHECK(emosync_set_emotion(ctx, "blorf", 50.0f) == EMOSYNC_ERR_ARGUMENT);
  CHECK(strstr(emosync_last_error(ctx), "blorf") != NULL);

  /* Streaming: 20 ms chunks (441 samples, 50 of them), pull as frames come; 30 frames in all. */
  CHECK(emosync_reset(ctx) == EMOSYNC_OK);
  for (i = 0; i + 441 <= (size_t)rate; i += 441) {
    CHECK(emosync_stream_push(ctx, audio + i, 441, rate) == EMOSYNC_OK);
    CHECK(emosync_stream_pull(ctx, pulled, 10, &got) == EMOSYNC_OK);
    total += got;
  }
  CHECK(emosync_stream_finish(ctx) == EMOSYNC_OK);
  do {
    CHECK(emosync_stream_pull(ctx, pulled, 10, &got) == EMOSYNC_OK);
    total += got;
  } while (got > 0);
  CHECK(total == 30);
  CHECK(emosync_stream_push(ctx, audio, 100, rate) == EMOSYNC_ERR_STATE);
  CHECK(strstr(emosync_last_error(ctx), "finish") != NULL);

  /* Interrupt: everything at rest after the fade. */
  CHECK(emosync_reset(ctx) == EMOSYNC_OK);
  CHECK(emosync_stream_push(ctx, audio, (size_t)rate / 2, rate) == EMOSYNC_OK);
  CHECK(emosync_interrupt(ctx, 0.0f) == EMOSYNC_OK);
  CHECK(emosync_stream_finish(ctx) == EMOSYNC_OK);
  CHECK(emosync_stream_pull(ctx, pulled, 10, &got) == EMOSYNC_OK);
  CHECK(got == 10);
  for (i = 0; i < got * EMOSYNC_BLENDSHAPES; ++i) CHECK(pulled[i] == 0.0f);
  CHECK(emosync_interrupt(ctx, -5.0f) == EMOSYNC_ERR_ARGUMENT);

  /* Bad arguments and audio. */
  CHECK(emosync_process(ctx, audio, 100, 7999, &frames, &n_frames) == EMOSYNC_ERR_ARGUMENT);
  CHECK(strstr(emosync_last_error(ctx), "7999") != NULL);
  CHECK(emosync_process(ctx, NULL, 100, rate, &frames, &n_frames) == EMOSYNC_ERR_ARGUMENT);
  audio[5] = NAN;
  CHECK(emosync_process(ctx, audio, 100, rate, &frames, &n_frames) == EMOSYNC_ERR_AUDIO);
  CHECK(frames == NULL && n_frames == 0);
  CHECK(emosync_set_emotion(NULL, "joy", 50) == EMOSYNC_ERR_ARGUMENT);
  emosync_free(ctx);
  emosync_free(NULL);

  /* Model errors, with a message from emosync_last_error(NULL). */
  ctx = NULL;
  p.model_path = "no/such/model.safetensors";
  CHECK(emosync_create(&p, &ctx) == EMOSYNC_ERR_MODEL);
  CHECK(strstr(emosync_last_error(NULL), "no/such/model.safetensors") != NULL);
  emosync_free(ctx);
  ctx = NULL;
  p.model_path = NULL;
  p.model_data = "not a model at all";
  p.model_size = 18;
  CHECK(emosync_create(&p, &ctx) == EMOSYNC_ERR_MODEL);
  CHECK(strlen(emosync_last_error(NULL)) > 0);
  emosync_free(ctx);
  CHECK(emosync_create(&p, NULL) == EMOSYNC_ERR_ARGUMENT);

  free(audio);
  if (failures == 0) printf("capi C test: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
