#pragma once
// Everything a finished clip is exported as, in one call (for `emosync say` and
// `emosync animate`). write_all(dir, animation, wav_bytes) creates `dir` if needed
// and writes, each atomically:
//
//   animation.json     {fps, names, frames}                 export/animation.h
//   animation.csv      52 named columns, a row per frame    export/animation.h
//   animation.npy      float32 [frames, 52]                 export/animation.h
//   animation_llf.csv  Live Link Face CSV (Unreal)          export/live_link_face.h
//   animation.glb      glTF 2.0 binary: face mesh with 52 ARKit morph targets
//                      and the morph-weight animation       export/gltf.h
//   visemes.json       15-viseme track                      export/visemes.h
//   preview.html       self-contained player: the audio, the frames and the 2D
//                      face in one file                     export/preview.h
//
// The WAV itself is the caller's to write (it already has the audio writer); its
// bytes go into preview.html. Empty wav_bytes give a silent preview.
#include <string>
#include <string_view>
#include <vector>

#include "export/animation.h"

namespace emosync::exporter {

// Returns the paths written, in the order above.
std::vector<std::string> write_all(const std::string& dir, const Animation& a, std::string_view wav_bytes,
                                   const std::string& title = "emosync preview");

}  // namespace emosync::exporter
