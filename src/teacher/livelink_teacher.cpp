// Recorded teacher: a Live Link Face capture (CSV) resampled to the model fps. The
// file format (columns matched by name, timecodes, the app's label swap) lives in
// export/live_link_face.h, the one reader of that format.
#include "export/live_link_face.h"
#include "io/error.h"
#include "teacher/teacher.h"

#include <utility>

namespace emosync::teacher {

Animation read_livelink_csv(const std::string& path, double capture_fps) {
  exporter::Animation e = exporter::read_live_link_csv(path, capture_fps);
  Animation a;
  a.fps = e.fps;
  a.frames = e.frames;
  a.data = std::move(e.data);
  return a;
}

void LiveLinkConfig::validate() const {
  if (path.empty()) throw Error("live link config: path: no capture file given");
  if (capture_fps < 0) throw Error("live link config: capture_fps: must be >= 0 (0 = infer)");
}

namespace {
class LiveLinkTeacher : public Teacher {
 public:
  explicit LiveLinkTeacher(const LiveLinkConfig& c) : capture_(read_livelink_csv(c.path, c.capture_fps)) {}
  std::string name() const override { return "livelink"; }
  Animation animate(const TeacherInput& in, double fps) override {
    double dur = in.audio ? in.audio->duration_s() : capture_.duration_s();
    return resample_time(capture_, fps, frame_count(dur, fps));
  }

 private:
  Animation capture_;
};
}  // namespace

std::unique_ptr<Teacher> make_livelink_teacher(const LiveLinkConfig& config) {
  config.validate();
  return std::make_unique<LiveLinkTeacher>(config);
}

}  // namespace emosync::teacher
