// The WebAssembly runtime under node (issue 7): every method of LipSyncWasmWrapper
// (web/js/lipsync-wasm.js) against the module scripts/build-wasm writes to web/wasm/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LipSyncWasmWrapper, LipSyncError, decodeWav } from '../../web/js/lipsync-wasm.js';
import { speechLike, encodeWav, quantise16 } from './audio.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const wasmPath = join(root, 'web', 'wasm', 'emosync.mjs');
const split = JSON.parse(readFileSync(join(root, 'data', 'arkit', 'channel_split.json'), 'utf8'));
const D = 52;

let lipsync, names, progress;
const speech = speechLike(3, 16000);

before(async () => {
  assert.ok(existsSync(wasmPath), `${wasmPath} is missing: run scripts/build-wasm`);
  lipsync = new LipSyncWasmWrapper({ wasmPath });
  progress = [];
  await lipsync.init({ onProgress: (stage, percent) => progress.push([stage, percent]) });
  names = lipsync.names;
});

after(() => lipsync && lipsync.dispose());

const idx = (name) => names.indexOf(name);
const channelMean = (r, chans, from = 0, to = r.frame_count) => {
  let s = 0;
  for (let f = from; f < to; f++) for (const c of chans) s += r.blendshapes[f * D + c];
  return s / ((to - from) * chans.length);
};
const maxAbsDiff = (a, b) => {
  assert.equal(a.length, b.length, 'same length');
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};
async function rejects(promise, code, pattern) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof LipSyncError, `a LipSyncError, got ${e}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, pattern);
    return true;
  });
}
const throws = (fn, code, pattern) => rejects(Promise.resolve().then(fn), code, pattern);

test('init reports progress and the V2 properties', () => {
  assert.equal(lipsync.ready, true);
  assert.equal(lipsync.modelVersion, 'v3');
  assert.equal(lipsync.blendshapeDim, 52);
  assert.equal(names.length, 52);
  assert.equal(names[0], 'eyeBlinkLeft');
  assert.equal(names[17], 'jawOpen');
  assert.equal(names[51], 'tongueOut');
  const stages = progress.map(([s]) => s);
  for (const s of ['wasm', 'compile', 'ready']) assert.ok(stages.includes(s), `stage ${s} in ${stages}`);
  assert.deepEqual(progress.at(-1), ['ready', 100]);
  assert.ok(progress.every(([, p]) => p >= 0 && p <= 100));
});

test('processAudio: 30 fps frames of 52 values in [0, 1]; the jaw follows the syllables', () => {
  const r = lipsync.processAudio(speech);
  assert.equal(r.fps, 30);
  assert.equal(r.mode, 'offline');
  assert.equal(r.frame_count, 90);  // 3 s
  assert.ok(r.blendshapes instanceof Float32Array);
  assert.equal(r.blendshapes.length, 90 * 52);
  assert.deepEqual(r.names, names);
  assert.ok(r.blendshapes.every((x) => Number.isFinite(x) && x >= 0 && x <= 1));
  const jaw = Array.from({ length: r.frame_count }, (_, f) => r.blendshapes[f * D + idx('jawOpen')]);
  assert.ok(Math.max(...jaw) > Math.min(...jaw) + 0.05, `jawOpen moves: ${Math.min(...jaw)}..${Math.max(...jaw)}`);
  // Same input, same frames (blink randomness is seeded).
  assert.equal(maxAbsDiff(lipsync.processAudio(speech).blendshapes, r.blendshapes), 0);
  // Silence keeps the mouth at rest.
  const quiet = lipsync.processAudio(new Float32Array(16000));
  assert.equal(quiet.frame_count, 30);
  assert.ok(channelMean(quiet, [idx('jawOpen')]) < 0.05);
});

test('processFile reads WAV (PCM16, float32, stereo, any rate) from ArrayBuffer, typed array or Blob', async () => {
  const wav16 = encodeWav([speech], 16000, 'pcm16');
  const expected = lipsync.processAudio(quantise16(speech));
  for (const input of [wav16.buffer, wav16, new Blob([wav16])]) {
    const r = await lipsync.processFile(input);
    assert.equal(r.mode, 'offline');
    assert.equal(maxAbsDiff(r.blendshapes, expected.blendshapes), 0);
  }
  // Stereo: the channels are averaged.
  const half = Float32Array.from(speech, (x) => x * 0.5);
  const stereo = await lipsync.processFile(encodeWav([speech, new Float32Array(speech.length)], 16000, 'float32'));
  assert.ok(maxAbsDiff(stereo.blendshapes, lipsync.processAudio(half).blendshapes) < 1e-6);
  // 44.1 kHz float: the runtime resamples; same clock.
  const s44 = speechLike(3, 44100);
  const r44 = await lipsync.processFile(encodeWav([s44], 44100, 'float32'));
  assert.equal(r44.frame_count, 90);
  const jaw16 = channelMean(expected, [idx('jawOpen')]), jaw44 = channelMean(r44, [idx('jawOpen')]);
  assert.ok(Math.abs(jaw16 - jaw44) < 0.05, `jawOpen mean at 16 kHz ${jaw16} vs 44.1 kHz ${jaw44}`);
  const d = decodeWav(encodeWav([s44], 44100, 'float32'));
  assert.equal(d.sampleRate, 44100);
  assert.equal(maxAbsDiff(d.pcm, s44), 0);
});

test('processAudioBuffer takes an AudioBuffer (channels averaged, its own rate)', () => {
  const s48 = speechLike(2, 48000);
  const buffer = { sampleRate: 48000, numberOfChannels: 2, length: s48.length, duration: 2,
    getChannelData: (c) => (c === 0 ? s48 : Float32Array.from(s48, (x) => -0.5 * x)) };
  const r = lipsync.processAudioBuffer(buffer);
  assert.equal(r.frame_count, 60);
  const mono = Float32Array.from(s48, (x) => (x - 0.5 * x) / 2);
  const viaFile = lipsync._process(mono, 48000, 'test');  // the same samples through the same path
  assert.ok(maxAbsDiff(r.blendshapes, viaFile.blendshapes) < 1e-6);
  assert.throws(() => lipsync.processAudioBuffer({ length: 3 }), /AudioBuffer/);
});

test('processAudioChunk: null until a frame is ready; chunked frames equal offline frames', () => {
  const offline = lipsync.processAudio(speech);
  assert.equal(lipsync.processAudioChunk(speech.subarray(0, 100), false), null, 'too little audio for a frame');
  lipsync.reset();
  for (const size of [160, 1000, 4096, 7919]) {
    const parts = [];
    let results = 0;
    for (let at = 0; at < speech.length; at += size) {
      const isLast = at + size >= speech.length;
      const r = lipsync.processAudioChunk(speech.subarray(at, at + size), isLast);
      if (r) {
        assert.equal(r.mode, 'streaming');
        assert.equal(r.fps, 30);
        parts.push(r.blendshapes);
        results++;
      } else {
        assert.equal(isLast, false, 'the last chunk always returns a result');
      }
    }
    assert.ok(results >= 1);
    const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { all.set(p, at); at += p.length; }
    assert.equal(all.length, offline.blendshapes.length, `chunk ${size}: frame count`);
    const d = maxAbsDiff(all, offline.blendshapes);
    assert.ok(d < 1e-5, `chunk ${size}: max difference ${d}`);
  }
  // An empty last chunk finishes the stream too.
  lipsync.processAudioChunk(speech.subarray(0, 8000), false);
  const tail = lipsync.processAudioChunk(new Float32Array(0), true);
  assert.ok(tail && tail.frame_count > 0);
  assert.throws(() => lipsync.processAudioChunk([0.1, 0.2], false), /Float32Array/);
});

test('reset drops a half-pushed stream', () => {
  const offline = lipsync.processAudio(speech);
  lipsync.processAudioChunk(speechLike(1, 16000).map((x) => -x), false);
  lipsync.reset();
  const r = lipsync.processAudioChunk(speech, true);
  assert.ok(maxAbsDiff(r.blendshapes, offline.blendshapes) < 1e-5);
});

test('getFrame returns one frame and rejects bad indices', () => {
  const r = lipsync.processAudio(speech);
  const f = lipsync.getFrame(r, 45);
  assert.ok(f instanceof Float32Array);
  assert.equal(f.length, 52);
  assert.deepEqual(f, r.blendshapes.slice(45 * 52, 46 * 52));
  for (const bad of [-1, 90, 1.5, '3'])
    assert.throws(() => lipsync.getFrame(r, bad), (e) => e instanceof LipSyncError && /index/.test(e.message));
  assert.throws(() => lipsync.getFrame({}, 0), /result/);
});

test('setEmotion (name + intensity, or 19 numbers) changes the expression channels, not the clock', () => {
  const expression = split.EXPRESSION.map(idx);
  const smile = [idx('mouthSmileLeft'), idx('mouthSmileRight')];
  lipsync.setEmotion('neutral', 0);
  const neutral = lipsync.processAudio(speech);
  lipsync.setEmotion('joy', 100);
  const joy = lipsync.processAudio(speech);
  lipsync.setEmotion('anger', 100);
  const anger = lipsync.processAudio(speech);
  assert.equal(joy.frame_count, neutral.frame_count);
  const diff = (a, b, chans) => {
    let s = 0;
    for (let f = 0; f < a.frame_count; f++) for (const c of chans) s += Math.abs(a.blendshapes[f * D + c] - b.blendshapes[f * D + c]);
    return s / (a.frame_count * chans.length);
  };
  assert.ok(diff(joy, neutral, expression) > 0.01, `joy vs neutral on EXPRESSION: ${diff(joy, neutral, expression)}`);
  assert.ok(diff(joy, anger, expression) > 0.01, `joy vs anger on EXPRESSION: ${diff(joy, anger, expression)}`);
  assert.ok(channelMean(joy, smile) > channelMean(neutral, smile) + 0.05, 'joy smiles');
  // The 19-dim form: joy's one-hot (class 1) + its L5 anchor VAD is what ('joy', 100) means.
  const anchors = JSON.parse(readFileSync(join(root, 'data', 'emotion', 'emotion_vad_anchors.json'), 'utf8'));
  const vec = new Array(19).fill(0);
  vec[1] = 1;
  vec.splice(16, 3, ...anchors.classes.joy.L5);
  lipsync.setEmotion(vec);
  const joyVec = lipsync.processAudio(speech);
  assert.ok(maxAbsDiff(joyVec.blendshapes, joy.blendshapes) < 1e-5, 'setEmotion(vec19) == setEmotion(name, intensity)');
  vec[1] = 0;
  vec[13] = 1;  // anger's one-hot with joy's VAD: a different face again
  lipsync.setEmotion(Float32Array.from(vec));
  assert.ok(diff(lipsync.processAudio(speech), joy, expression) > 0.005, 'the one-hot part matters');
  lipsync.setEmotion('neutral', 0);
});

test('setEmotion rejects unknown names, bad intensities and bad vectors', async () => {
  await throws(() => lipsync.setEmotion('glee', 50), 'argument', /glee/);
  await throws(() => lipsync.setEmotion('joy', 'lots'), 'argument', /intensity/);
  await throws(() => lipsync.setEmotion('joy', 150), 'argument', /intensity|150/);
  await throws(() => lipsync.setEmotion(new Array(18).fill(0)), 'argument', /19/);
  await throws(() => lipsync.setEmotion([...new Array(18).fill(0), NaN]), 'argument', /\[18\]/);
  // Finite but out of range (issue 18: 1e30 gave all-NaN frames): weights 0..1, VAD -1..1.
  await throws(() => lipsync.setEmotion([...new Array(17).fill(0), 1e30, 0]), 'argument', /\[17\] \(arousal\) = 1e\+30 is outside -1\.\.1/);
  await throws(() => lipsync.setEmotion([0, 2, ...new Array(17).fill(0)]), 'argument', /\[1\] \(joy weight\) = 2 is outside 0\.\.1/);
  await throws(() => lipsync.setEmotion(42), 'argument', /emotion name/);
});

test('processFileWithTimeline: tagged text places each emotion at its words, then the constant emotion applies again', async () => {
  const s = speechLike(8, 16000);
  const wav = encodeWav([s], 16000, 'pcm16');
  const smile = [idx('mouthSmileLeft'), idx('mouthSmileRight')];
  lipsync.setEmotion('neutral', 0);
  const before = await lipsync.processFile(wav);
  const r = await lipsync.processFileWithTimeline(wav,
    '[happy:100] I got the job, this is wonderful news for all of us! [sad:100] But I have to move away from every one of you.');
  assert.equal(r.frame_count, 240);
  const early = channelMean(r, smile, 15, 75), late = channelMean(r, smile, 180, 230);
  assert.ok(early > late + 0.05, `smile in the happy part ${early} vs the sad part ${late}`);
  assert.equal(maxAbsDiff((await lipsync.processFile(wav)).blendshapes, before.blendshapes), 0, 'the timeline was for one call');
  // Word timings given explicitly: the sad words come first here.
  const words = 'But I have to move away'.split(' ').map((word, i) => ({ word, start: 0.3 + i * 0.5, end: 0.7 + i * 0.5 }));
  const happyWords = 'I got the job'.split(' ').map((word, i) => ({ word, start: 5 + i * 0.5, end: 5.4 + i * 0.5 }));
  const timed = await lipsync.processFileWithTimeline(wav,
    { text: '[sad:100] But I have to move away [happy:100] I got the job', words: [...words, ...happyWords] });
  assert.ok(channelMean(timed, smile, 180, 230) > channelMean(timed, smile, 15, 75) + 0.05, 'emotions follow the given timings');
  await rejects(lipsync.processFileWithTimeline(wav, '[glee] hello there'), 'timeline', /glee/);
  await rejects(lipsync.processFileWithTimeline(wav, { text: '[joy] hi', words: [{ word: 'hi', start: 2, end: 1 }] }), 'argument', /before start/);
  await rejects(lipsync.processFileWithTimeline(wav, 7), 'argument', /tagged text/);
});

test('tagText tags plain text per sentence with probabilities and VAD', () => {
  const t = lipsync.tagText('I got the job, this is the best day of my life! I am so scared of the dark.');
  assert.match(t.tagged, /^\[[a-z]+(:\d+)?\] I got the job/);
  assert.equal(t.sentences.length, 2);
  assert.equal(t.emotions.length, 16);
  for (const s of t.sentences) {
    assert.equal(s.vad.length, 3);
    const sum = Object.values(s.probs).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 0.01, `probabilities sum to ${sum}`);
    assert.ok(t.emotions.includes(s.emotion));
  }
  assert.ok(t.sentences[0].vad[0] > t.sentences[1].vad[0], 'the happy sentence has the higher valence');
  const withContext = lipsync.tagText('Really?', { context: [{ self: false, text: 'You won the lottery.' }] });
  assert.equal(withContext.sentences.length, 1);
  assert.throws(() => lipsync.tagText(5), /string/);
  assert.throws(() => lipsync.tagText('hi', { context: [{ self: 'yes', text: 'x' }] }), /self/);
});

test('bad audio gives clear errors', async () => {
  await throws(() => lipsync.processAudio([0.1, 0.2]), 'argument', /Float32Array/);
  await throws(() => lipsync.processAudio(Float32Array.of(0, NaN, 0)), 'audio', /.+/);
  const mp3 = new Uint8Array([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 0, 0xff, 0xfb, 0x90, 0x00]);
  await rejects(lipsync.processFile(mp3), 'format', /MP3.*WAV/);
  await rejects(lipsync.processFile(new TextEncoder().encode('OggS and then some')), 'format', /OGG/);
  await rejects(lipsync.processFile(new Uint8Array(0)), 'format', /empty/);
  await rejects(lipsync.processFile(encodeWav([speech], 16000).slice(0, 30)), 'format', /fmt/);
  const noData = encodeWav([new Float32Array(0)], 16000).slice(0, 36);
  await rejects(lipsync.processFile(noData), 'format', /no data chunk/);
  const pcm12 = encodeWav([speech.subarray(0, 100)], 16000);
  new DataView(pcm12.buffer).setUint16(34, 12, true);
  await rejects(lipsync.processFile(pcm12), 'format', /12 bits/);
  const slow = encodeWav([speech.subarray(0, 4000)], 4000);
  await rejects(lipsync.processFile(slow), 'argument', /4000/);
  await rejects(lipsync.processFile('speech.wav'), 'argument', /File, Blob, ArrayBuffer/);
});

test('a corrupt model fails init with a message; init twice and use after dispose are errors', async () => {
  const w = new LipSyncWasmWrapper({ wasmPath });
  await throws(() => w.processAudio(speech), 'state', /init/);
  await rejects(w.init({ model: new Uint8Array(1000).fill(7) }), 'model', /.+/);
  assert.equal(w.ready, false);
  // A damaged model file is named in the message, not only its byte count.
  const dir = mkdtempSync(join(tmpdir(), 'emosync-wasm-'));
  const damaged = join(dir, 'damaged.safetensors');
  writeFileSync(damaged, readFileSync(join(root, 'models', 'default', 'emosync-v3.safetensors')).subarray(0, 5000));
  await rejects(w.init({ model: damaged }), 'model', /damaged\.safetensors.*not a valid safetensors file/);
  rmSync(dir, { recursive: true, force: true });
  await rejects(new LipSyncWasmWrapper({ wasmPath: join(root, 'web', 'wasm', 'missing.mjs') }).init(), 'state', /build-wasm/);
  const v = new LipSyncWasmWrapper({ wasmPath });
  await v.init();
  await rejects(v.init(), 'state', /already/);
  v.dispose();
  assert.equal(v.ready, false);
  await throws(() => v.processAudio(speech), 'state', /init/);
  v.dispose();  // twice is fine
});
