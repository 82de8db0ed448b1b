#pragma once
// A shard of a data set on disk, written so that nothing is ever half there:
//
//   <root>/shard-<i>-of-<N>/manifest.jsonl     append-only, one line per complete item
//   <root>/shard-<i>-of-<N>/items/<id>/{features,cond,targets}.npy, meta.json
//
// An item's files are written into a temporary folder that is renamed into place,
// and only then is its manifest line appended (one write, then fsync). So after a
// kill the manifest is the truth: on open, a torn last line is cut off, and item
// folders or temporaries the manifest does not list are removed and made again.
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "dataset/item.h"

namespace emosync::dataset {

struct ShardId {
  std::size_t index = 0, count = 1;
  static ShardId parse(const std::string& text);  // "i/N", 0-based i
  std::string dir_name() const;                    // shard-00-of-04
  // Deterministic assignment of an item to a shard (by its id).
  bool owns(const std::string& item_id) const;
};

struct ManifestEntry {
  io::Json json;  // id, files {name: sha256}, frames, feature_frames, duration_s, source, emotions
  std::string id() const { return json.at("id").get<std::string>(); }
};

class ShardStore {
 public:
  ShardStore(std::string root, ShardId shard);

  const std::string& dir() const { return dir_; }
  bool has(const std::string& id) const;
  std::size_t size() const;
  // Writes the item's files and appends its manifest line; thread-safe.
  void commit(const Item& item);
  std::vector<ManifestEntry> entries() const;
  // What open() cleaned up: torn manifest bytes, orphan folders removed.
  const std::vector<std::string>& recovery_log() const { return recovery_; }

 private:
  void recover();
  std::string dir_;
  mutable std::mutex mu_;
  std::vector<ManifestEntry> entries_;
  std::set<std::string> ids_;
  std::vector<std::string> recovery_;
};

// Every shard folder under root (shard-*-of-*), each as a store.
std::vector<std::string> shard_dirs(const std::string& root);
std::vector<ManifestEntry> read_manifest(const std::string& shard_dir);

struct VerifyReport {
  std::size_t items = 0;
  std::vector<std::string> problems;  // missing/extra files, checksum or shape mismatches, duplicate ids
};
// Checks every manifest entry of every shard under root against the files.
VerifyReport verify(const std::string& root);

// Loads an item's arrays back (for training readers and tests).
Item load_item(const std::string& shard_dir, const std::string& id);

}  // namespace emosync::dataset
