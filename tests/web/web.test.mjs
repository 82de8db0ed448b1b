// Browser tests of the viewer and the preset editor (issue 9): a real `emosync serve`
// (EMOSYNC_BIN) on a free port, Debian's chromium driven by playwright-core.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeGlb, makeWav } from './glb.mjs';
import { encodeWav, speechLike } from '../wasm/audio.mjs';
import { pixelDiff } from '../support/pixels.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', '..', 'web', 'package.json'));
const { chromium } = require('playwright-core');
const BIN = process.env.EMOSYNC_BIN;
const CHROMIUM = process.env.EMOSYNC_CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.EMOSYNC_SCREENSHOT_DIR || mkdtempSync(join(tmpdir(), 'emosync-shots-'));
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-unsafe-swiftshader'];
const work = mkdtempSync(join(tmpdir(), 'emosync-web-'));

let server, base, browser, vocab;

// Starts `emosync serve --port 0 ...args` and reads the URL it prints.
async function startServer(args) {
  const proc = spawn(BIN, ['serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`emosync serve printed no URL: ${out}`)), 15000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) { clearTimeout(timer); resolve(`http://127.0.0.1:${m[1]}`); }
    });
    proc.on('exit', (code) => reject(new Error(`emosync serve exited with ${code}`)));
  });
  return { proc, url };
}

before(async () => {
  assert.ok(BIN, 'EMOSYNC_BIN must name the emosync binary (ctest sets it)');
  mkdirSync(SHOTS, { recursive: true });
  ({ proc: server, url: base } = await startServer([]));
  vocab = await (await fetch(`${base}/api/vocab`)).json();
  // launch() gives chromium a fresh, empty profile directory of its own each time.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill('SIGTERM');
});

// A page that records console errors and uncaught exceptions.
async function open(path, { acceptDownloads = false, origin = null } = {}) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto((origin || base) + path);
  await page.waitForSelector('body[data-ready]', { timeout: 20000 });
  return { page, errors, context };
}


test('the API answers and validates', async () => {
  assert.equal(vocab.channels.length, 52);
  const bad = await fetch(`${base}/api/compile`, { method: 'POST', body: '{"emotion": "glee"}' });
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).error, /emotion/);
  const huge = await fetch(`${base}/api/expression`, { method: 'POST', body: 'x'.repeat(21 * 1024 * 1024) }).catch((e) => ({ status: 413, e }));
  assert.equal(huge.status, 413);
  assert.equal((await fetch(`${base}/api/vocab`)).status, 200, 'the server survives an oversized body');
});

test('viewer and editor load with no console errors', async () => {
  for (const path of ['/', '/editor.html']) {
    const { page, errors, context } = await open(path);
    await page.waitForTimeout(300);
    assert.deepEqual(errors, [], `${path}: console errors`);
    assert.equal(await page.locator('svg.face-svg').count() >= 1, true);
    await context.close();
  }
});

test('every one of the 52 sliders changes the face', async () => {
  const { page, errors, context } = await open('/editor.html');
  assert.equal(await page.locator('#sliders input[type=range]').count(), 52);
  for (const g of ['LIPSYNC', 'SHARED', 'EXPRESSION'])
    assert.equal(await page.locator(`fieldset[data-group=${g}] input[type=range]`).count(), vocab.split[g].length, g);
  // Start from an all-zero preset so each channel is seen alone.
  await page.evaluate(() => { const p = window.emosyncEditor; p.select('joy', 'L3'); });
  for (const s of await page.locator('#sliders input[type=range]').all()) await s.fill('0');
  const face = page.locator('#face-edit svg');
  const before = await face.screenshot();
  const dead = [];
  for (const name of vocab.channels) {
    const s = page.locator(`#s-${name}`);
    await s.fill('1');
    const shot = await face.screenshot();
    const n = await pixelDiff(page, before, shot);
    if (!(n > 40)) dead.push(`${name} (${n} px)`);
    await s.fill('0');
  }
  assert.deepEqual(dead, [], 'channels that move nothing visible');
  const back = await face.screenshot();
  assert.equal(await pixelDiff(page, before, back), 0, 'all sliders at 0 gives the same face again');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a preset saves and reloads identically', async () => {
  const { page, errors, context } = await open('/editor.html', { acceptDownloads: true });
  await page.evaluate(() => window.emosyncEditor.select('anger', 'L5'));
  await page.locator('#s-browDownLeft').fill('0.876');
  await page.locator('#s-jawOpen').fill('0.25');
  const edited = await page.evaluate(() => window.emosyncEditor.current());
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
  const file = join(work, 'presets.json');
  await download.saveAs(file);
  const text = readFileSync(file, 'utf8');
  const saved = JSON.parse(text);
  assert.ok(Array.isArray(saved.presets) && Array.isArray(saved.channel_order) && 'version' in saved);
  const anger = saved.presets.find((p) => p.emotion === 'anger' && p.level === 'L5');
  assert.ok(anger, 'anger L5 is in the saved file');
  assert.equal(anger.weights.browDownLeft, 0.876);
  assert.equal(anger.weights.jawOpen, 0.25);
  await context.close();

  // A fresh page: load the file back; the editor shows the same values and saves the same bytes.
  const second = await open('/editor.html', { acceptDownloads: true });
  await second.page.setInputFiles('#load', file);
  await second.page.waitForFunction(() => document.getElementById('status').textContent.includes('presets.json'));
  await second.page.evaluate(() => window.emosyncEditor.select('anger', 'L5'));
  assert.deepEqual(await second.page.evaluate(() => window.emosyncEditor.current()), edited);
  assert.equal(Number(await second.page.locator('#s-browDownLeft').inputValue()), 0.876);
  assert.equal(await second.page.evaluate(() => window.emosyncEditor.serialise()), text);
  assert.deepEqual([...errors, ...second.errors], []);
  await second.context.close();
});

test('the compiler reference and the VAD pad drive the second face', async (t) => {
  if (!vocab.features.compile) return t.skip('server built without the compiler');
  const { page, errors, context } = await open('/editor.html');
  await page.evaluate(() => window.emosyncEditor.select('joy', 'L5'));
  await page.waitForFunction(() => Array.isArray(window.emosyncEditor.compilerValues()));
  assert.notEqual(await page.locator('#s-mouthSmileLeft ~ .ref').textContent(), '–');
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(SHOTS, 'editor.png') });
  const face = page.locator('#face-compiler svg');
  const pad = page.locator('#vadpad');
  const box = await pad.boundingBox();
  await pad.click({ position: { x: box.width * 0.95, y: box.height * 0.1 } });  // high valence, high arousal
  await page.waitForFunction(() => document.getElementById('compiler-caption').textContent.startsWith('compiler at V'));
  await page.waitForTimeout(200);
  const hi = await face.screenshot();
  await pad.click({ position: { x: box.width * 0.05, y: box.height * 0.9 } });  // low valence, low arousal
  await page.waitForFunction(() => document.getElementById('compiler-caption').textContent.includes('V -0.9'));
  await page.waitForTimeout(200);
  const lo = await face.screenshot();
  assert.ok(await pixelDiff(page, hi, lo) > 200, 'moving across the VAD pad changes the compiled face');
  await page.screenshot({ path: join(SHOTS, 'editor-vad.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the viewer animates a generated file, scrubs and plays', async () => {
  const { page, errors, context } = await open('/');
  // 2 s at 30 fps, channels in alphabetical order (mapped by name): jawOpen and browInnerUp move.
  const names = [...vocab.channels].sort();
  const frames = [];
  for (let f = 0; f < 60; f++) frames.push(names.map((n) => (n === 'jawOpen' ? f / 59 : n === 'browInnerUp' ? 1 - f / 59 : 0)));
  const file = join(work, 'anim.json');
  writeFileSync(file, JSON.stringify({ fps: 30, names, frames }));
  await page.setInputFiles('#anim-file', file);
  await page.waitForSelector('body[data-loaded="60"]');
  const jaw = vocab.channels.indexOf('jawOpen');
  await page.evaluate(() => window.emosync.seek(0));
  const v0 = await page.evaluate(() => window.emosync.values());
  const s0 = await page.locator('#face svg').screenshot();
  await page.evaluate(() => window.emosync.seek(1.99));
  const v1 = await page.evaluate(() => window.emosync.values());
  const s1 = await page.locator('#face svg').screenshot();
  assert.ok(v0[jaw] < 0.01 && v1[jaw] > 0.99, `jawOpen ${v0[jaw]} -> ${v1[jaw]}`);
  assert.ok(await pixelDiff(page, s0, s1) > 300, 'the face moves between the first and last frame');
  // The scrub bar seeks.
  await page.locator('#scrub').fill('0.5');
  const mid = await page.evaluate(() => window.emosync.values());
  assert.ok(Math.abs(mid[jaw] - 0.5) < 0.05, `scrub to the middle: jawOpen ${mid[jaw]}`);
  // Playing advances time and draws frames.
  await page.evaluate(() => window.emosync.seek(0));
  const drawn = await page.evaluate(() => window.emosync.player.framesDrawn);
  await page.click('#play');
  await page.waitForTimeout(700);
  const p = await page.evaluate(() => ({ t: window.emosync.player.t, n: window.emosync.player.framesDrawn }));
  assert.ok(p.t > 0.3, `time advanced to ${p.t}`);
  assert.ok(p.n > drawn + 5, 'frames were drawn while playing');
  await page.click('#play');
  // A WAV sets the clock: its duration is the timeline's length.
  const wav = join(work, 'tone.wav');
  writeFileSync(wav, makeWav(2.5));
  await page.locator('#text').fill('');
  await page.setInputFiles('#wav-file', wav);
  await page.waitForFunction(() => window.emosync.player.hasAudio);
  assert.ok(Math.abs(await page.evaluate(() => document.getElementById('audio').duration) - 2.5) < 0.05);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the viewer generates an expression from tagged text', async (t) => {
  if (!vocab.features.expression) return t.skip('server built without the compiler');
  const { page, errors, context } = await open('/');
  await page.locator('#text').fill('[happy:90] I got the job, this is wonderful! [sad:80] But I have to move away from all of you.');
  await page.locator('#duration').fill('6');
  await page.click('#generate');
  await page.waitForSelector('body[data-loaded="180"]');
  const smile = vocab.channels.indexOf('mouthSmileLeft');
  await page.evaluate(() => window.emosync.seek(0.5));
  const happy = await page.evaluate(() => window.emosync.values());
  const sHappy = await page.locator('#face svg').screenshot();
  await page.evaluate(() => window.emosync.seek(5.5));
  const sad = await page.evaluate(() => window.emosync.values());
  const sSad = await page.locator('#face svg').screenshot();
  assert.ok(happy[smile] > sad[smile] + 0.05, `smile ${happy[smile]} (happy) vs ${sad[smile]} (sad)`);
  assert.ok(await pixelDiff(page, sHappy, sSad) > 300);
  // The curves and the timeline were drawn (not blank).
  const inked = await page.evaluate(() => ['curves', 'timeline'].map((id) => {
    const c = document.getElementById(id), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] > 200) n++;
    return n;
  }));
  assert.ok(inked[0] > 500 && inked[1] > 500, `curves/timeline pixels ${inked}`);
  await page.evaluate(() => window.emosync.seek(1.2));
  await page.screenshot({ path: join(SHOTS, 'viewer.png') });
  // A bad tag is reported, not thrown.
  await page.locator('#text').fill('[glee] hello');
  await page.click('#generate');
  await page.waitForFunction(() => document.getElementById('status').classList.contains('error'));
  assert.match(await page.locator('#status').textContent(), /glee/);
  assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
  await context.close();
});

test('a .glb with ARKit morph targets loads and its missing names are reported', async () => {
  const { page, errors, context } = await open('/');
  const file = join(work, 'face.glb');
  writeFileSync(file, makeGlb(['jawOpen', 'eyeBlinkLeft', 'blendShape1.mouthSmileLeft', 'grin_extra']));
  await page.setInputFiles('#glb-file', file);
  await page.waitForSelector('body[data-glb]');
  assert.equal(await page.evaluate(() => document.body.dataset.glb), '3');
  const r = await page.evaluate(() => window.emosync.player.glbReport);
  assert.deepEqual(r.found.sort(), ['eyeBlinkLeft', 'jawOpen', 'mouthSmileLeft']);
  assert.equal(r.missing.length, 49);
  assert.ok(r.missing.includes('tongueOut') && !r.missing.includes('jawOpen'));
  assert.deepEqual(r.extra, ['grin_extra']);
  const report = await page.locator('#glb-report').textContent();
  assert.match(report, /3\/52 ARKit morph targets/);
  assert.match(report, /missing: .*tongueOut/);
  // Driving it sets the morph influences by name.
  await page.evaluate(() => { const v = new Array(52).fill(0); v[17] = 0.75; window.emosync.player.glb.set(v); });
  const infl = await page.evaluate(() => window.emosync.player.glb.bindings.find((b) => b.channel === 17).mesh.morphTargetInfluences);
  assert.equal(infl[0], 0.75);
  await page.screenshot({ path: join(SHOTS, 'viewer-glb.png') });
  assert.deepEqual(errors.filter((e) => !/WebGL|GPU/i.test(e)), []);
  await context.close();
});

test('with --allow-write the editor saves presets back to the server', async () => {
  const file = join(work, 'served-presets.json');
  writeFileSync(file, await (await fetch(`${base}/api/presets`)).text());
  const w = await startServer(['--presets', file, '--allow-write']);
  try {
    const { page, errors, context } = await open('/editor.html', { origin: w.url });
    assert.equal(await page.locator('#save-server').isVisible(), true);
    await page.evaluate(() => window.emosyncEditor.select('fear', 'L1'));
    await page.locator('#s-eyeWideLeft').fill('0.654');
    await page.click('#save-server');
    await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('saved'));
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(saved.presets.find((p) => p.emotion === 'fear' && p.level === 'L1').weights.eyeWideLeft, 0.654);
    assert.deepEqual(errors, []);
    await context.close();
    // The read-only server hides the button.
    const ro = await open('/editor.html');
    assert.equal(await ro.page.locator('#save-server').isVisible(), false);
    await ro.context.close();
  } finally {
    w.proc.kill('SIGTERM');
  }
});

test('the server sends the WebAssembly runtime with the right MIME types', async () => {
  assert.equal(vocab.features.wasm, true, 'emosync must be built after scripts/build-wasm (scripts/setup does both)');
  const wasm = await fetch(`${base}/wasm/emosync.wasm`);
  assert.equal(wasm.status, 200);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  assert.deepEqual([...new Uint8Array(await wasm.arrayBuffer()).subarray(0, 4)], [0, 0x61, 0x73, 0x6d], 'starts with \\0asm');
  for (const path of ['/wasm/emosync.mjs', '/js/lipsync-wasm.js', '/js/live.js']) {
    const res = await fetch(base + path);
    assert.equal(res.status, 200, path);
    assert.match(res.headers.get('content-type'), /^text\/javascript/, path);
  }
});

test('Live: speech and tagged text animate the face with the WebAssembly runtime in the page', async () => {
  const { page, errors, context } = await open('/');
  const jaw = vocab.channels.indexOf('jawOpen'), smile = vocab.channels.indexOf('mouthSmileLeft');
  // Per-channel means over frame ranges of the loaded animation.
  const mean = (ch, from, to) => page.evaluate(([c, a, b]) => {
    const f = window.emosync.player.anim.frames.slice(a, b);
    return f.reduce((s, x) => s + x[c], 0) / f.length;
  }, [ch, from, to]);
  const range = (ch) => page.evaluate((c) => {
    const v = window.emosync.player.anim.frames.map((x) => x[c]);
    return [Math.min(...v), Math.max(...v)];
  }, ch);

  const wav = join(work, 'speech.wav');
  writeFileSync(wav, encodeWav([speechLike(6, 22050)], 22050));
  await page.locator('#text').fill('[happy:100] I got the job, this is wonderful news for all of us! [sad:100] But I have to move away from every one of you.');
  await page.setInputFiles('#live-wav', wav);
  await page.click('#live-run');
  await page.waitForSelector('body[data-live]', { timeout: 120000 });
  assert.equal(await page.evaluate(() => document.body.dataset.live), '180', await page.locator('#live-status').textContent());
  assert.equal(await page.evaluate(() => document.body.dataset.loaded), '180');
  assert.match(await page.locator('#live-status').textContent(), /180 frames computed in this page/);
  assert.ok(await page.evaluate(() => window.emosync.player.hasAudio), 'the audio plays with the face');
  const [jawLo, jawHi] = await range(jaw);
  assert.ok(jawHi > jawLo + 0.05, `the jaw follows the syllables: ${jawLo}..${jawHi}`);
  const happy = await mean(smile, 15, 60), sad = await mean(smile, 120, 170);
  assert.ok(happy > sad + 0.05, `smile while happy ${happy} vs sad ${sad}`);
  await page.evaluate(() => window.emosync.seek(0.9));
  const s0 = await page.locator('#face svg').screenshot();
  await page.screenshot({ path: join(SHOTS, 'viewer-live.png') });
  await page.evaluate(() => window.emosync.seek(5.2));
  const s1 = await page.locator('#face svg').screenshot();
  assert.ok(await pixelDiff(page, s0, s1) > 300, 'the face differs between the happy and the sad part');

  // Ogg Vorbis (sox is in .ci/apt-packages.txt) goes through the browser's decoder.
  const ogg = join(work, 'speech.ogg');
  execFileSync('sox', [wav, ogg]);
  await page.evaluate(() => { delete document.body.dataset.live; });
  await page.setInputFiles('#live-wav', ogg);
  await page.click('#live-run');
  await page.waitForFunction(() => Number(document.body.dataset.live) > 0, null, { timeout: 60000 });
  const oggFrames = Number(await page.evaluate(() => document.body.dataset.live));
  assert.ok(Math.abs(oggFrames - 180) <= 1, `ogg: ${oggFrames} frames`);
  assert.ok((await range(jaw))[1] > 0.05, 'ogg: the jaw moves');

  // Text alone: the expression over its speaking time, lips at rest.
  await page.setInputFiles('#live-wav', []);
  await page.locator('#text').fill('[joy:100] What a lovely surprise to see you all here today! [anger:100] And who ate my cake?');
  await page.evaluate(() => { delete document.body.dataset.live; });
  await page.click('#live-run');
  await page.waitForFunction(() => Number(document.body.dataset.live) > 60, null, { timeout: 60000 });
  const n = Number(await page.evaluate(() => document.body.dataset.live));
  assert.ok((await range(jaw))[1] < 0.05, 'no audio: the mouth stays at rest');
  assert.ok(await mean(smile, 5, Math.floor(n / 3)) > await mean(smile, n - 20, n) + 0.05, 'joy smiles more than anger');

  // Plain text is tagged by the text emotion model in the page.
  await page.locator('#text').fill('I got the job, this is the best day of my life! But I have to move away from all of you.');
  await page.click('#live-tag');
  await page.waitForSelector('body[data-tagged="2"]');
  assert.match(await page.locator('#text').inputValue(), /^\[[a-z]+(:\d+)?\] I got the job.*\[[a-z]+(:\d+)?\] But I have/);

  // A file the browser cannot decode is reported in the panel.
  const bad = join(work, 'not-audio.wav');
  writeFileSync(bad, 'this is not audio at all');
  await page.setInputFiles('#live-wav', bad);
  await page.click('#live-run');
  await page.waitForSelector('body[data-live="error"]');
  assert.match(await page.locator('#live-status').textContent(), /not-audio\.wav: the browser cannot decode/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Live: "Animate on the server" posts the speech and text to /api/animate', async () => {
  const { page, errors, context } = await open('/');
  const jaw = vocab.channels.indexOf('jawOpen'), smile = vocab.channels.indexOf('mouthSmileLeft');
  const column = (ch, from, to) => page.evaluate(([c, a, b]) => window.emosync.player.anim.frames.slice(a, b).map((x) => x[c]), [ch, from, to]);
  const meanOf = (v) => v.reduce((s, x) => s + x, 0) / v.length;

  const wav = join(work, 'speech-server.wav');
  writeFileSync(wav, encodeWav([speechLike(6, 22050)], 22050));
  await page.locator('#text').fill('[happy:100] I got the job, this is wonderful news for all of us! [sad:100] But I have to move away from every one of you.');
  await page.setInputFiles('#live-wav', wav);
  await page.click('#live-server');
  await page.waitForSelector('body[data-live]', { timeout: 60000 });
  const status = await page.locator('#live-status').textContent();
  assert.equal(await page.evaluate(() => document.body.dataset.live), '180', status);
  assert.match(status, /180 frames computed by the server \(POST \/api\/animate, tags as given\)/);
  assert.ok(await page.evaluate(() => window.emosync.player.hasAudio), 'the audio plays with the face');
  const jawAll = await column(jaw, 0, 180);
  assert.ok(Math.max(...jawAll) > Math.min(...jawAll) + 0.05, 'the jaw follows the syllables');
  const happy = meanOf(await column(smile, 15, 60)), sad = meanOf(await column(smile, 120, 170));
  assert.ok(happy > sad + 0.05, `smile while happy ${happy} vs sad ${sad}`);

  // "server: lips from the text" sends lips=text; this speech-like noise cannot be
  // aligned, so the panel says the lips stayed the audio's, and why.
  await page.check('#live-lips-text');
  await page.click('#live-server');
  await page.waitForSelector('body[data-live]', { timeout: 60000 });
  assert.match(await page.locator('#live-status').textContent(), /180 frames .*; lips from the audio \(align: /);
  await page.uncheck('#live-lips-text');

  // The server's 4xx message reaches the panel.
  await page.locator('#text').fill('[glee:80] I got the job!');
  await page.click('#live-server');
  await page.waitForSelector('body[data-live="error"]');
  assert.match(await page.locator('#live-status').textContent(), /speech-server\.wav: text: line 1, column 2: unknown emotion 'glee'/);
  assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
  await context.close();
});
