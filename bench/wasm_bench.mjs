// Speed of the WebAssembly runtime under node (issue 7 target: >= 300x real time for
// features + model + post), printed as ratios. Run after scripts/build-wasm:
//
//   node bench/wasm_bench.mjs [seconds of audio, default 60] [runs, default 5]
//
// Offline: one buffer of speech-like audio at 16 kHz through processAudio (loudness,
// log-mel, model, blinks/fades), best and median of the runs. Times are the process's
// CPU time (user + system), so other work on a busy machine does not count; wall time
// is printed beside it. Streaming: the same audio
// in 10 ms chunks through processAudioChunk, compute per chunk. Tagger: sentences/s.
// When the native C API benchmark is built (build/bench/capi_speed, or the path in
// EMOSYNC_NATIVE_BENCH) it runs on the same length and the native/WASM ratio is printed.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LipSyncWasmWrapper } from '../web/js/lipsync-wasm.js';
import { speechLike } from '../tests/wasm/audio.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const seconds = Number(process.argv[2] || 60);
const runs = Number(process.argv[3] || 5);
if (!(seconds > 0) || !(runs >= 1)) {
  console.error('usage: node bench/wasm_bench.mjs [seconds > 0] [runs >= 1]');
  process.exit(2);
}

const lipsync = new LipSyncWasmWrapper({ wasmPath: join(root, 'web', 'wasm', 'emosync.mjs') });
let t0 = performance.now();
await lipsync.init();
const initMs = performance.now() - t0;
const pcm = speechLike(seconds, 16000);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
lipsync.processAudio(pcm.subarray(0, 16000 * Math.min(seconds, 5)));  // warm-up: JIT tiers, model parse
const offline = [], offlineWall = [];
for (let r = 0; r < runs; r++) {
  t0 = performance.now();
  const c0 = cpuMs();
  const res = lipsync.processAudio(pcm);
  offline.push(cpuMs() - c0);
  offlineWall.push(performance.now() - t0);
  if (res.frame_count !== Math.ceil(seconds * 30)) throw new Error(`frame count ${res.frame_count}`);
}
const best = Math.min(...offline), med = median(offline);

const chunk = 160;  // 10 ms
const perChunk = [];
for (let r = 0; r < Math.min(runs, 3); r++) {
  const c0 = cpuMs();
  let n = 0;
  for (let at = 0; at < pcm.length; at += chunk, n++) lipsync.processAudioChunk(pcm.subarray(at, at + chunk), at + chunk >= pcm.length);
  perChunk.push((cpuMs() - c0) / n);
}

const sentences = ['I got the job, this is the best day of my life!', 'But I have to move away from all of you.',
  'Why would anyone do that to me?', 'Thank you so much for coming.'];
lipsync.tagText(sentences.join(' '));
let c0 = cpuMs();
const tagRuns = 25;
for (let r = 0; r < tagRuns; r++) lipsync.tagText(sentences.join(' '));
const tagPerSec = (tagRuns * sentences.length) / ((cpuMs() - c0) / 1000);

const x = (ms) => (seconds * 1000) / ms;
console.log(`emosync WASM under node ${process.version}, ${seconds} s of 16 kHz speech-like audio, ${runs} runs`);
console.log(`init (fetch, compile, model): ${initMs.toFixed(0)} ms`);
console.log(`offline features+model+post: best ${best.toFixed(1)} ms CPU = ${x(best).toFixed(0)}x real time, median ${x(med).toFixed(0)}x (target >= 300x: ${x(best) >= 300 ? 'met' : 'NOT met'}); wall: best ${x(Math.min(...offlineWall)).toFixed(0)}x`);
console.log(`streaming, 10 ms chunks: ${(median(perChunk) * 1000).toFixed(1)} us per chunk = ${(10 / median(perChunk)).toFixed(0)}x real time`);
console.log(`text tagger: ${tagPerSec.toFixed(0)} sentences/s`);

const native = process.env.EMOSYNC_NATIVE_BENCH || join(root, 'build', 'bench', 'capi_speed');
if (existsSync(native)) {
  const out = execFileSync(native, [String(seconds), String(runs)], { encoding: 'utf8' });
  const m = out.match(/best [\d.]+ ms = ([\d.]+)x/);
  process.stdout.write(out);
  if (m) console.log(`native / WASM (best runs): ${(Number(m[1]) / x(best)).toFixed(2)}x`);
} else {
  console.log(`native comparison: ${native} not built (cmake --build build --target capi_speed)`);
}
lipsync.dispose();
