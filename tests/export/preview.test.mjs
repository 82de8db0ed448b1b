// preview.html in a real browser: written by `emosync convert` from a lipsync clip
// (espeak-ng speech + the rule-based teacher), opened from file:// in Debian's
// chromium through playwright-core. No console errors, nothing fetched but the file
// itself and its data: URIs, seeking moves the face, playing advances the clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pixelDiff } from '../support/pixels.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', '..', 'web', 'package.json'));
const { chromium } = require('playwright-core');
const BIN = process.env.EMOSYNC_BIN;
const CHROMIUM = process.env.EMOSYNC_CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.EMOSYNC_SCREENSHOT_DIR || mkdtempSync(join(tmpdir(), 'emosync-shots-'));
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'];
const work = mkdtempSync(join(tmpdir(), 'emosync-preview-'));
let browser, page, errors, requests;

function emosync(args) {
  const r = spawnSync(BIN, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `emosync ${args[0]}: ${r.stderr}`);
}

before(async () => {
  assert.ok(BIN, 'EMOSYNC_BIN must name the emosync binary (ctest sets it)');
  mkdirSync(SHOTS, { recursive: true });
  const wav = join(work, 'speech.wav'), events = join(work, 'events.tsv'), lips = join(work, 'lips.npy');
  emosync(['tts', 'Hello there! Open wide and say papa.', '-o', wav, '--events', events]);
  emosync(['teacher', '--events', events, '--audio', wav, '-o', lips]);
  emosync(['convert', lips, '--audio', wav, '-o', join(work, 'preview.html')]);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const context = await browser.newContext({ viewport: { width: 600, height: 760 } });
  page = await context.newPage();
  errors = [];
  requests = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(join(work, 'preview.html')).href);
  await page.waitForSelector('body[data-ready]', { timeout: 20000 });
});

after(async () => {
  if (browser) await browser.close();
});


test('opens from file:// with no console errors and fetches nothing', async () => {
  assert.deepEqual(errors, []);
  const foreign = requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'));
  assert.deepEqual(foreign, []);
  const info = await page.evaluate(() => ({
    svg: !!document.querySelector('#stage svg'),
    audio: !!document.querySelector('audio[src^="data:audio/wav;base64,"]'),
    duration: window.emosyncPreview.duration(),
  }));
  assert.ok(info.svg, 'the face is drawn');
  assert.ok(info.audio, 'the audio is embedded');
  assert.ok(info.duration > 1, `duration ${info.duration}`);
});

test('seeking moves the face to that moment', async () => {
  // The moment the jaw is widest, from the embedded frames.
  const { restT, openT } = await page.evaluate(() => {
    const clip = JSON.parse(document.getElementById('emosync-animation').textContent);
    const jaw = clip.names.indexOf('jawOpen');
    let best = 0;
    clip.frames.forEach((f, i) => { if (f[jaw] > clip.frames[best][jaw]) best = i; });
    return { restT: 0, openT: best / clip.fps };
  });
  assert.ok(openT > 0);
  const stage = page.locator('#stage');
  await page.evaluate((t) => window.emosyncPreview.seek(t), restT);
  const rest = await stage.screenshot();
  // Seek through the scrub bar, as a person would.
  await page.locator('#scrub').evaluate((el, t) => { el.value = String(t); el.dispatchEvent(new Event('input')); }, openT);
  await page.waitForFunction((t) => Math.abs(window.emosyncPreview.time() - t) < 0.05, openT);
  const open = await stage.screenshot();
  writeFileSync(join(SHOTS, 'preview.png'), await page.screenshot());
  const changed = await pixelDiff(page, rest, open);
  assert.ok(changed > 300, `only ${changed} pixels changed between t=0 and t=${openT.toFixed(2)} s`);
  assert.match(await page.locator('#time').textContent(), new RegExp(`^${openT.toFixed(2)} / `));
  // Back to the start: the same picture as before.
  await page.evaluate(() => window.emosyncPreview.seek(0));
  assert.ok((await pixelDiff(page, rest, await stage.screenshot())) < 50);
  assert.deepEqual(errors, []);
});

test('play advances the audio clock and the face with it; pause stops it', async () => {
  await page.evaluate(() => window.emosyncPreview.seek(0));
  await page.locator('#play').click();
  await page.waitForFunction(() => window.emosyncPreview.time() > 0.3, null, { timeout: 10000 });
  assert.equal(await page.locator('#play').textContent(), 'Pause');
  const scrubbed = await page.evaluate(() => Number(document.getElementById('scrub').value));
  assert.ok(scrubbed > 0.1, `the scrub bar follows playback (${scrubbed})`);
  await page.locator('#play').click();
  const t1 = await page.evaluate(() => window.emosyncPreview.time());
  await page.waitForTimeout(300);
  const t2 = await page.evaluate(() => window.emosyncPreview.time());
  assert.equal(t1, t2);
  assert.deepEqual(errors, []);
});
