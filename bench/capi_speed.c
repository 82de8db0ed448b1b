/* Native speed of the C API, the counterpart of bench/wasm_bench.mjs: the same length of
 * speech-like audio (voiced syllables with pauses, 16 kHz) through emosync_process on one
 * thread, best and median of the runs, as x real time by this thread's CPU time.
 * Usage: build/bench/capi_speed [seconds, default 60] [runs, default 5]
 * Written in C on purpose: it also shows the header compiles and links from C. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "emosync/emosync.h"

static double cpu_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int by_value(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

/* About 4 syllables a second, a pause every third, a 100-140 Hz voice with two
 * formant-like peaks (tests/wasm/audio.mjs makes the same kind of signal). */
static void speech_like(float* out, size_t n, int rate) {
  const double kPi = 3.14159265358979323846;
  const double formants[5][2] = {{700, 1200}, {300, 2300}, {500, 900}, {400, 1900}, {650, 1700}};
  double phase = 0, seconds = (double)n / rate;
  for (size_t i = 0; i < n; ++i) {
    double t = (double)i / rate, slot = t / 0.25;
    long k = (long)slot;
    double u = slot - k, env = 0;
    if (k % 3 != 2 && t > 0.2 && t < seconds - 0.2) {
      double s = sin(kPi * (u / 0.8 < 1 ? u / 0.8 : 1));
      env = s * s;
    }
    double f0 = 100 + 40 * sin(2 * kPi * 0.7 * t), f1 = formants[k % 5][0], f2 = formants[k % 5][1], s = 0;
    phase += 2 * kPi * f0 / rate;
    for (int h = 1; h * f0 < 4000; ++h) {
      double f = h * f0, a = (f - f1) / 120, b = (f - f2) / 180;
      s += (1 / (1 + a * a) + 0.5 / (1 + b * b)) * sin(h * phase);
    }
    out[i] = (float)(0.25 * env * s);
  }
}

int main(int argc, char** argv) {
  double seconds = argc > 1 ? atof(argv[1]) : 60;
  int runs = argc > 2 ? atoi(argv[2]) : 5;
  if (!(seconds > 0) || runs < 1 || runs > 1000) {
    fprintf(stderr, "usage: capi_speed [seconds > 0] [runs 1..1000]\n");
    return 2;
  }
  const int rate = 16000;
  size_t n = (size_t)(seconds * rate + 0.5);
  float* pcm = malloc(n * sizeof(float));
  double* ms = malloc((size_t)runs * sizeof(double));
  if (!pcm || !ms) return 1;
  speech_like(pcm, n, rate);

  emosync_params p;
  emosync_default_params(&p);
  emosync_context* ctx = NULL;
  if (emosync_create(&p, &ctx) != EMOSYNC_OK) {
    fprintf(stderr, "capi_speed: %s\n", ctx ? emosync_last_error(ctx) : emosync_last_error(NULL));
    return 1;
  }
  float* frames = NULL;
  size_t n_frames = 0;
  /* Warm-up: first-touch of the model's memory. */
  if (emosync_process(ctx, pcm, n < 5u * rate ? n : 5u * rate, rate, &frames, &n_frames) != EMOSYNC_OK) {
    fprintf(stderr, "capi_speed: %s\n", emosync_last_error(ctx));
    return 1;
  }
  emosync_frames_free(frames);
  for (int r = 0; r < runs; ++r) {
    double t0 = cpu_ms();
    if (emosync_process(ctx, pcm, n, rate, &frames, &n_frames) != EMOSYNC_OK) {
      fprintf(stderr, "capi_speed: %s\n", emosync_last_error(ctx));
      return 1;
    }
    ms[r] = cpu_ms() - t0;
    emosync_frames_free(frames);
  }
  qsort(ms, (size_t)runs, sizeof(double), by_value);
  printf("native C API, one thread: %zu frames, best %.1f ms = %.0fx real time, median %.0fx\n", n_frames, ms[0],
         seconds * 1e3 / ms[0], seconds * 1e3 / ms[runs / 2]);
  emosync_free(ctx);
  free(pcm);
  free(ms);
  return 0;
}
