// The glTF files `emosync convert` writes, checked by the Khronos glTF validator
// (npm gltf-validator, web/node_modules): zero errors and zero warnings, for the
// embedded .gltf and the binary .glb, on a real clip from `emosync expression`.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', '..', 'web', 'package.json'));
const validator = require('gltf-validator');
const BIN = process.env.EMOSYNC_BIN;
const work = mkdtempSync(join(tmpdir(), 'emosync-gltf-'));

function emosync(args) {
  const r = spawnSync(BIN, args, { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

before(() => {
  assert.ok(BIN, 'EMOSYNC_BIN must name the emosync binary (ctest sets it)');
  const r = emosync(['expression', '[happy:80] I got the job! [sad:50] But I have to move.', '-o', join(work, 'clip.json')]);
  assert.equal(r.code, 0, r.err);
  const c = emosync(['convert', join(work, 'clip.json'), '-o', join(work, 'clip.gltf'), '-o', join(work, 'clip.glb')]);
  assert.equal(c.code, 0, c.err);
});

async function validate(name) {
  const bytes = new Uint8Array(readFileSync(join(work, name)));
  const report = await validator.validateBytes(bytes, { uri: name, maxIssues: 50 });
  const listed = report.issues.messages.map((m) => `${m.code} ${m.pointer || ''}: ${m.message}`).join('\n');
  assert.equal(report.issues.numErrors, 0, listed);
  assert.equal(report.issues.numWarnings, 0, listed);
  return report;
}

test('the embedded .gltf is valid glTF 2.0 with 52 morph targets and a weights animation', async () => {
  const report = await validate('clip.gltf');
  assert.equal(report.info.version, '2.0');
  assert.equal(report.info.animationCount, 1);
  assert.equal(report.info.hasMorphTargets, true);
  assert.equal(report.info.totalVertexCount, 143);
  const doc = JSON.parse(readFileSync(join(work, 'clip.gltf'), 'utf8'));
  assert.equal(doc.meshes[0].extras.targetNames.length, 52);
  assert.equal(doc.meshes[0].extras.targetNames[17], 'jawOpen');
  assert.equal(doc.animations[0].channels[0].target.path, 'weights');
  assert.equal(doc.animations[0].samplers[0].interpolation, 'LINEAR');
  const clip = JSON.parse(readFileSync(join(work, 'clip.json'), 'utf8'));
  const input = doc.accessors[doc.animations[0].samplers[0].input];
  assert.equal(input.count, clip.frames.length);
  assert.ok(Math.abs(input.max[0] - (clip.frames.length - 1) / 30) < 1e-5);
});

test('the .glb is valid glTF 2.0', async () => {
  const report = await validate('clip.glb');
  assert.equal(report.info.animationCount, 1);
  assert.equal(report.mimeType, 'model/gltf-binary');
});

test('convert names the path of an output it cannot write', () => {
  const r = emosync(['convert', join(work, 'clip.json'), '-o', join(work, 'clip.fbx')]);
  assert.notEqual(r.code, 0);
  assert.match(r.err, /clip\.fbx: unknown output format/);
  assert.match(r.err, /llf\.csv/);
});

test('convert turns a written Live Link Face CSV back into the same animation', () => {
  const c = emosync(['convert', join(work, 'clip.json'), '-o', join(work, 'clip.llf.csv'), '-o', join(work, 'clip.visemes.json')]);
  assert.equal(c.code, 0, c.err);
  const back = emosync(['convert', join(work, 'clip.llf.csv'), '-o', join(work, 'back.json')]);
  assert.equal(back.code, 0, back.err);
  const a = JSON.parse(readFileSync(join(work, 'clip.json'), 'utf8'));
  const b = JSON.parse(readFileSync(join(work, 'back.json'), 'utf8'));
  assert.equal(b.frames.length, a.frames.length);
  let worst = 0;
  a.frames.forEach((f, i) => f.forEach((v, c) => { worst = Math.max(worst, Math.abs(v - b.frames[i][c])); }));
  assert.ok(worst < 1e-6, `max difference ${worst}`);
  const v = JSON.parse(readFileSync(join(work, 'clip.visemes.json'), 'utf8'));
  assert.deepEqual(v.names, ['sil', 'PP', 'FF', 'TH', 'DD', 'kk', 'CH', 'SS', 'nn', 'RR', 'aa', 'E', 'ih', 'oh', 'ou']);
  assert.equal(v.frames.length, a.frames.length);
});
