// Writes a small glTF 2.0 binary (.glb) by hand: one mesh of two triangles with one
// morph target per name (names in mesh.extras.targetNames, as exporters write them).
export function makeGlb(targetNames) {
  const base = [-1, -1, 0, 1, -1, 0, 1, 1, 0, -1, -1, 0, 1, 1, 0, -1, 1, 0];
  const arrays = [new Float32Array(base)];
  targetNames.forEach((_, k) => {
    const d = new Float32Array(base.length);
    for (let i = 0; i < d.length; i += 3) { d[i] = 0.1 * (k + 1); d[i + 1] = (i / 3) % 2 ? 0.2 : -0.2; }
    arrays.push(d);
  });
  const accessors = [], bufferViews = [];
  let offset = 0;
  for (const a of arrays) {
    const min = [Infinity, Infinity, Infinity], max = [-Infinity, -Infinity, -Infinity];
    for (let i = 0; i < a.length; i++) { min[i % 3] = Math.min(min[i % 3], a[i]); max[i % 3] = Math.max(max[i % 3], a[i]); }
    bufferViews.push({ buffer: 0, byteOffset: offset, byteLength: a.byteLength });
    accessors.push({ bufferView: bufferViews.length - 1, componentType: 5126, count: a.length / 3, type: 'VEC3', min, max });
    offset += a.byteLength;
  }
  const gltf = {
    asset: { version: '2.0', generator: 'emosync tests/web/glb.mjs' },
    scene: 0, scenes: [{ nodes: [0] }], nodes: [{ mesh: 0, name: 'face' }],
    meshes: [{ name: 'face', primitives: [{ attributes: { POSITION: 0 }, targets: targetNames.map((_, k) => ({ POSITION: k + 1 })) }],
      weights: targetNames.map(() => 0), extras: { targetNames } }],
    accessors, bufferViews, buffers: [{ byteLength: offset }],
  };
  const pad = (n) => (4 - (n % 4)) % 4;
  let json = Buffer.from(JSON.stringify(gltf));
  json = Buffer.concat([json, Buffer.alloc(pad(json.length), 0x20)]);
  let bin = Buffer.concat(arrays.map((a) => Buffer.from(a.buffer)));
  bin = Buffer.concat([bin, Buffer.alloc(pad(bin.length))]);
  const header = Buffer.alloc(12);
  header.writeUInt32LE(0x46546c67, 0);
  header.writeUInt32LE(2, 4);
  header.writeUInt32LE(12 + 8 + json.length + 8 + bin.length, 8);
  const chunk = (type, data) => { const h = Buffer.alloc(8); h.writeUInt32LE(data.length, 0); h.writeUInt32LE(type, 4); return Buffer.concat([h, data]); };
  return Buffer.concat([header, chunk(0x4e4f534a, json), chunk(0x004e4942, bin)]);
}

// 16-bit mono PCM WAV of a tone.
export function makeWav(seconds, rate = 16000) {
  const n = Math.round(seconds * rate);
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0); b.writeUInt32LE(36 + n * 2, 4); b.write('WAVE', 8); b.write('fmt ', 12);
  b.writeUInt32LE(16, 16); b.writeUInt16LE(1, 20); b.writeUInt16LE(1, 22); b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28); b.writeUInt16LE(2, 32); b.writeUInt16LE(16, 34); b.write('data', 36); b.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 220 * i) / rate)), 44 + i * 2);
  return b;
}
