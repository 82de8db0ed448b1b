// 3D: a user's .glb whose morph targets carry ARKit names, driven by the same 52 values
// as the 2D face. three.js is vendored (web/vendor/three), never fetched from a CDN.
import * as THREE from '../vendor/three/three-gltf.js';
import { CHANNELS } from './vocab.js';

const LOWER = Object.fromEntries(CHANNELS.map((n, i) => [n.toLowerCase(), i]));
// Common prefixes of exported morph names ("blendShape1.jawOpen", "ARKit_JawOpen").
function arkitIndex(name) {
  const base = String(name).split(/[.:|/]/).pop().replace(/^(arkit|bs|blendshape)_?/i, '');
  const i = LOWER[base.toLowerCase()];
  return i === undefined ? -1 : i;
}

export class GlbView {
  constructor(canvas) {
    this.canvas = canvas;
    this.bindings = [];  // {mesh, slot, channel}
    this.renderer = null;
    try {
      this.renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
      this.renderer.outputColorSpace = THREE.SRGBColorSpace;
    } catch (e) {
      this.renderError = String(e && e.message ? e.message : e);
    }
    this.scene = new THREE.Scene();
    this.scene.background = new THREE.Color(0x111419);
    this.camera = new THREE.PerspectiveCamera(30, canvas.width / canvas.height, 0.01, 100);
    this.scene.add(new THREE.AmbientLight(0xffffff, 0.8));
    const key = new THREE.DirectionalLight(0xffffff, 1.6);
    key.position.set(1, 2, 3);
    this.scene.add(key);
  }

  // Parses a .glb; returns {meshes, targets, found, missing, extra}.
  async load(arrayBuffer) {
    const gltf = await new Promise((resolve, reject) => new THREE.GLTFLoader().parse(arrayBuffer, '', resolve, reject));
    if (this.root) this.scene.remove(this.root);
    this.root = gltf.scene;
    this.scene.add(this.root);
    this.bindings = [];
    const found = new Set(), extra = new Set();
    let meshes = 0, targets = 0;
    this.root.traverse((o) => {
      if (!o.isMesh || !o.morphTargetDictionary) return;
      meshes++;
      for (const [name, slot] of Object.entries(o.morphTargetDictionary)) {
        targets++;
        const ch = arkitIndex(name);
        if (ch < 0) { extra.add(name); continue; }
        found.add(CHANNELS[ch]);
        this.bindings.push({ mesh: o, slot, channel: ch });
      }
    });
    // Frame the model.
    const box = new THREE.Box3().setFromObject(this.root);
    const size = box.getSize(new THREE.Vector3()), centre = box.getCenter(new THREE.Vector3());
    const r = Math.max(size.x, size.y, size.z, 1e-3);
    this.camera.position.set(centre.x, centre.y, centre.z + r * 2.2);
    this.camera.lookAt(centre);
    this.camera.near = r / 100; this.camera.far = r * 100; this.camera.updateProjectionMatrix();
    this.render();
    const missing = CHANNELS.filter((n) => !found.has(n));
    return { meshes, targets, found: [...found], missing, extra: [...extra] };
  }

  set(values) {
    for (const b of this.bindings) b.mesh.morphTargetInfluences[b.slot] = values[b.channel];
    this.render();
  }

  render() {
    if (this.renderer && this.root) this.renderer.render(this.scene, this.camera);
  }
}
