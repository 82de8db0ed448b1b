#pragma once
// preview.html: one self-contained page that plays a clip's speech with the web
// viewer's 2D face (web/js/face.js, compiled into the binary, so there is one face)
// following the blendshapes. Everything is inside the file: the WAV as a base64
// data: URI, the frames as the animation JSON, the face and the player script. A
// Content-Security-Policy forbids every fetch, so it opens from file:// with no
// network and no server.
//
// Player: the face is drawn for the audio element's currentTime on every animation
// frame (requestAnimationFrame), interpolating linearly between animation frames;
// play/pause (button or space bar) and a scrub bar that seeks the audio. Without
// audio (empty wav_bytes) a wall clock plays the frames instead.
// For tests and embedding: body[data-ready] is set once the first frame is drawn,
// and window.emosyncPreview = {seek(t), play(), pause(), time(), duration()}.
#include <string>
#include <string_view>

#include "export/animation.h"

namespace emosync::exporter {

// wav_bytes: a RIFF/WAVE file (any rate) or empty; `title` is shown and escaped.
std::string preview_html(const Animation& a, std::string_view wav_bytes, const std::string& title = "emosync preview");
void write_preview_html(const std::string& path, const Animation& a, std::string_view wav_bytes,
                        const std::string& title = "emosync preview");

// The embedded face module rewritten as inline script (its import of the channel
// list replaced by the list itself). Throws if web/js/face.js grew an import this
// rewrite does not know.
std::string preview_face_script();

}  // namespace emosync::exporter
