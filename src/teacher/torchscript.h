#pragma once
// TorchScript teacher (built only with libtorch, EMOSYNC_WITH_TORCH): a user-exported
// module (e.g. LAM traced to TorchScript) whose forward takes 16 kHz mono audio
// [1, N] and returns [T, 52] (or [1, T, 52]) at a stated fps in a stated channel
// order. emosync resamples it in time and remaps the channels by name.
//
// The fps and the order can be stated on the command line or carried by the module
// itself as attributes `fps` (int or float) and `channel_names` (List[str]).
#include <memory>
#include <string>
#include <vector>

#include "teacher/teacher.h"

namespace emosync::teacher {

struct TorchScriptConfig {
  std::string path;                         // the .pt file
  double model_fps = 0;                     // 0 = the module's `fps` attribute
  std::vector<std::string> channel_names;   // empty = the module's `channel_names`
  void validate() const;
};

std::unique_ptr<Teacher> make_torchscript_teacher(const TorchScriptConfig& config);

}  // namespace emosync::teacher
