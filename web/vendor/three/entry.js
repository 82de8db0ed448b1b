export { Scene, PerspectiveCamera, WebGLRenderer, AmbientLight, DirectionalLight, Box3, Vector3, Color, Mesh, MeshStandardMaterial, SRGBColorSpace } from 'three';
export { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js';
export const REVISION_NOTE = 'three r187 + GLTFLoader, bundled by web/vendor/three/build.sh';
