#pragma once
// glTF 2.0 export: a small face-shaped mesh with one morph target per ARKit
// blendshape and an animation of its morph weights, so any glTF viewer (three.js,
// Blender, Babylon, the glTF sample viewer) plays the clip and a rig builder can
// copy the weights track onto a head whose targets carry the same names.
//
//   meshes[0].extras.targetNames  the 52 ARKit names in canonical order (the
//                                 convention three.js's GLTFLoader and Blender's
//                                 importer read to name morph targets)
//   meshes[0].weights             52 zeros (the rest pose)
//   animations[0]                 one channel {node 0, path "weights"}, LINEAR
//                                 sampler: input = frame times i / fps, output =
//                                 frames x 52 weights (the animation's values)
//
// The mesh is an 11 x 13 vertex oval shield; each target moves the vertices near
// the feature its channel names (lids, brows, jaw, lip corners ...) in that
// channel's direction, so a viewer shows something recognisable. A clip with no
// frames gets no animation. Buffers are little-endian, as glTF requires.
#include <string>

#include "export/animation.h"

namespace emosync::exporter {

// .gltf: JSON with the buffer embedded as a base64 data: URI.
std::string gltf_text(const Animation& a);
// .glb: the binary container (JSON chunk + BIN chunk).
std::string glb_bytes(const Animation& a);
void write_gltf(const std::string& path, const Animation& a);
void write_glb(const std::string& path, const Animation& a);

}  // namespace emosync::exporter
