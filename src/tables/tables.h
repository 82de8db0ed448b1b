#pragma once
// Access to emosync's data tables (anchors, presets, sensitivities, channel split,
// phoneme→viseme tables...) by their repository path, e.g.
// "data/emotion/emotion_vad_anchors.json". The tables are embedded in the binary;
// when EMOSYNC_DATA_DIR is set, "data/<rest>" is read from "$EMOSYNC_DATA_DIR/<rest>".
#include <string>
#include <vector>

#include "io/json_file.h"

namespace emosync::tables {

// The bytes of a table; throws emosync::Error naming the key when it does not exist.
std::string read(const std::string& key);
// Parsed JSON of a table (syntax errors name key:line:column).
io::Json read_json(const std::string& key);
// Reads `path_or_key` from disk if such a file exists, else as a table key.
std::string read_file_or_table(const std::string& path_or_key);
io::Json read_json_file_or_table(const std::string& path_or_key);

}  // namespace emosync::tables
