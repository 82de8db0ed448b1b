#include "export/bundle.h"

#include <filesystem>

#include "export/gltf.h"
#include "export/live_link_face.h"
#include "export/preview.h"
#include "export/visemes.h"
#include "io/error.h"

namespace emosync::exporter {

std::vector<std::string> write_all(const std::string& dir, const Animation& a, std::string_view wav_bytes,
                                   const std::string& title) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error(dir + ": cannot create the output directory: " + ec.message());
  auto at = [&](const char* name) { return (std::filesystem::path(dir) / name).string(); };
  std::vector<std::string> written;
  auto put = [&](const char* name, auto&& write) {
    std::string path = at(name);
    write(path);
    written.push_back(path);
  };
  put("animation.json", [&](const std::string& p) { write_animation_json(p, a); });
  put("animation.csv", [&](const std::string& p) { write_animation_csv(p, a); });
  put("animation.npy", [&](const std::string& p) { write_animation_npy(p, a); });
  put("animation_llf.csv", [&](const std::string& p) { write_live_link_csv(p, a); });
  put("animation.glb", [&](const std::string& p) { write_glb(p, a); });
  put("visemes.json", [&](const std::string& p) { write_viseme_json(p, viseme_track(a)); });
  put("preview.html", [&](const std::string& p) { write_preview_html(p, a, wav_bytes, title); });
  return written;
}

}  // namespace emosync::exporter
