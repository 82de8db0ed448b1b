#include "export/preview.h"

#include <optional>
#include <sstream>

#include "arkit/blendshapes.h"
#include "export/text.h"
#include "io/atomic_file.h"
#include "io/error.h"

namespace emosync::embedded {
std::optional<std::string_view> preview_assets(std::string_view key);
}

namespace emosync::exporter {
namespace {

constexpr const char* kFaceKey = "web/js/face.js";

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// Inside <script> the only sequence that matters is "</": JSON allows "<\/" for it.
std::string script_safe_json(const std::string& json) {
  std::string out;
  out.reserve(json.size());
  for (std::size_t i = 0; i < json.size(); ++i) {
    out += json[i];
    if (json[i] == '<' && i + 1 < json.size() && json[i + 1] == '/') out += '\\';
  }
  return out;
}

const char* kStyle = R"CSS(
  body { margin: 0; background: #171a20; color: #e6e8ec; font: 14px system-ui, sans-serif; }
  main { max-width: 560px; margin: 0 auto; padding: 16px; }
  h1 { font-size: 16px; font-weight: 600; margin: 0 0 10px; }
  #stage svg { width: 100%; height: auto; display: block; border-radius: 8px; }
  .controls { display: flex; gap: 10px; align-items: center; margin-top: 10px; }
  #scrub { flex: 1; }
  button { background: #2d6cdf; color: #fff; border: 0; border-radius: 6px; padding: 6px 14px; font: inherit; min-width: 72px; }
  #time { font-variant-numeric: tabular-nums; min-width: 110px; text-align: right; }
  .info { color: #9aa3ad; margin-top: 8px; font-size: 12px; }
)CSS";

// The player: keyed to the audio clock, so the face never drifts from the sound.
const char* kPlayer = R"JS(
const clip = JSON.parse(document.getElementById('emosync-animation').textContent);
const audio = document.getElementById('emosync-audio');
const face = new Face(document.getElementById('stage'), { id: 'preview' });
const playButton = document.getElementById('play');
const scrub = document.getElementById('scrub');
const timeLabel = document.getElementById('time');
const frameCount = clip.frames.length;
const clipEnd = frameCount / clip.fps;
let duration = clipEnd;
let playing = false, clockStart = 0, clockPos = 0;  // the wall clock used when there is no audio

function frameAt(t) {
  const values = {};
  if (!frameCount) return values;
  const x = Math.max(0, Math.min(frameCount - 1, t * clip.fps));
  const i = Math.floor(x), k = Math.min(frameCount - 1, i + 1), w = x - i;
  const a = clip.frames[i], b = clip.frames[k];
  clip.names.forEach((name, c) => { values[name] = a[c] + (b[c] - a[c]) * w; });
  return values;
}
function now() {
  if (audio) return audio.currentTime;
  return playing ? Math.min(duration, (performance.now() - clockStart) / 1000) : clockPos;
}
function show(t) {
  face.set(frameAt(t));
  scrub.value = String(t);
  timeLabel.textContent = `${t.toFixed(2)} / ${duration.toFixed(2)} s`;
}
function tick() {
  if (!playing) return;
  const t = now();
  show(t);
  if (!audio && t >= duration) { pause(); return; }
  requestAnimationFrame(tick);
}
function play() {
  if (playing) return Promise.resolve();
  playing = true;
  playButton.textContent = 'Pause';
  if (!audio) { if (clockPos >= duration) clockPos = 0; clockStart = performance.now() - clockPos * 1000; requestAnimationFrame(tick); return Promise.resolve(); }
  requestAnimationFrame(tick);
  return audio.play().catch((e) => { pause(); throw e; });
}
function pause() {
  if (!audio) clockPos = now();
  playing = false;
  playButton.textContent = 'Play';
  if (audio) audio.pause();
  show(now());
}
function seek(t) {
  t = Math.max(0, Math.min(duration, Number(t) || 0));
  if (audio) audio.currentTime = t; else { clockPos = t; clockStart = performance.now() - t * 1000; }
  show(t);
}
playButton.addEventListener('click', () => (playing ? pause() : play().catch(() => {})));
scrub.addEventListener('input', () => seek(scrub.value));
document.addEventListener('keydown', (e) => { if (e.code === 'Space' && e.target === document.body) { e.preventDefault(); playButton.click(); } });
if (audio) {
  audio.addEventListener('loadedmetadata', () => { duration = Math.max(clipEnd, audio.duration || 0); scrub.max = String(duration); show(now()); });
  audio.addEventListener('ended', () => { playing = false; playButton.textContent = 'Play'; show(now()); });
  audio.addEventListener('seeked', () => { if (!playing) show(now()); });
}
scrub.max = String(duration);
show(0);
window.emosyncPreview = { seek, play, pause, time: now, duration: () => duration };
document.body.dataset.ready = '1';
)JS";

}  // namespace

std::string preview_face_script() {
  auto face = embedded::preview_assets(kFaceKey);
  if (!face) throw Error(std::string("preview: ") + kFaceKey + " is not compiled in");
  std::string channels = "const CHANNELS = [";
  for (std::size_t c = 0; c < arkit::kCount; ++c) {
    channels += c ? ", '" : "'";
    channels += arkit::names()[c];
    channels += "'";
  }
  channels += "];  // inlined by emosync's preview writer (was imported from vocab.js)";

  std::istringstream in{std::string(*face)};
  std::string line, out;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.rfind("import ", 0) == 0) {
      if (line.find("CHANNELS") == std::string::npos || line.find("./vocab.js") == std::string::npos)
        throw Error(std::string(kFaceKey) + ":" + std::to_string(n) + ": import the preview cannot inline: " + line);
      out += channels;
    } else {
      out += line;
    }
    out += '\n';
  }
  if (out.find("</script") != std::string::npos)
    throw Error(std::string(kFaceKey) + ": contains '</script', which cannot be inlined into HTML");
  return out;
}

std::string preview_html(const Animation& a, std::string_view wav_bytes, const std::string& title) {
  if (!wav_bytes.empty() && (wav_bytes.size() < 12 || wav_bytes.substr(0, 4) != "RIFF" || wav_bytes.substr(8, 4) != "WAVE"))
    throw Error("preview: the audio is not a WAV file (no RIFF/WAVE header)");
  std::string frames = script_safe_json(animation_json(a));
  std::string t = html_escape(title);
  std::string out;
  out.reserve(frames.size() + wav_bytes.size() * 4 / 3 + 32768);
  out += "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  // No fetches at all: the page must work from file:// on a machine with no network.
  out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
         "style-src 'unsafe-inline'; media-src data:; img-src data:\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta name=\"generator\" content=\"emosync\">\n<title>" + t + "</title>\n<style>" + kStyle + "</style>\n";
  out += "</head>\n<body>\n<main>\n<h1>" + t + "</h1>\n<div id=\"stage\"></div>\n";
  out += "<div class=\"controls\"><button id=\"play\" type=\"button\">Play</button>"
         "<input id=\"scrub\" type=\"range\" min=\"0\" max=\"0\" step=\"0.001\" value=\"0\" aria-label=\"time\">"
         "<span id=\"time\"></span></div>\n";
  char info[160];
  std::snprintf(info, sizeof info, "%zu frames x 52 ARKit blendshapes at %g fps (%.2f s)%s", a.frames, a.fps,
                a.frames / a.fps, wav_bytes.empty() ? ", no audio" : "");
  out += std::string("<p class=\"info\">") + info + "</p>\n</main>\n";
  if (!wav_bytes.empty())
    out += "<audio id=\"emosync-audio\" preload=\"auto\" src=\"data:audio/wav;base64," + text::base64(wav_bytes) +
           "\"></audio>\n";
  out += "<script type=\"application/json\" id=\"emosync-animation\">" + frames + "</script>\n";
  out += "<script type=\"module\">\n" + preview_face_script() + kPlayer + "</script>\n</body>\n</html>\n";
  return out;
}

void write_preview_html(const std::string& path, const Animation& a, std::string_view wav_bytes,
                        const std::string& title) {
  io::write_file_atomic(path, preview_html(a, wav_bytes, title));
}

}  // namespace emosync::exporter
