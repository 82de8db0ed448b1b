#include "dataset/shard_store.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>

#include <fcntl.h>
#include <unistd.h>

#include "io/atomic_file.h"
#include "io/error.h"
#include "io/fnv1a.h"
#include "io/sha256.h"

namespace emosync::dataset {
namespace fs = std::filesystem;

namespace {
const char* kArrays[3] = {"features.npy", "cond.npy", "targets.npy"};

bool valid_id(const std::string& id) {
  if (id.empty() || id.size() > 200 || id[0] == '.') return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

}  // namespace

ShardId ShardId::parse(const std::string& text) {
  std::smatch m;
  if (!std::regex_match(text, m, std::regex("([0-9]+)/([0-9]+)")))
    throw Error("--shard: expected i/N (e.g. 0/4), got '" + text + "'");
  ShardId s{std::stoul(m[1]), std::stoul(m[2])};
  if (s.count == 0 || s.index >= s.count) throw Error("--shard " + text + ": need 0 <= i < N");
  return s;
}

std::string ShardId::dir_name() const {
  char b[64];
  std::snprintf(b, sizeof b, "shard-%02zu-of-%02zu", index, count);
  return b;
}

bool ShardId::owns(const std::string& id) const { return io::fnv1a64(id) % count == index; }

ShardStore::ShardStore(std::string root, ShardId shard) : dir_((fs::path(root) / shard.dir_name()).string()) {
  fs::create_directories(fs::path(dir_) / "items");
  recover();
}

std::vector<ManifestEntry> read_manifest(const std::string& shard_dir) {
  std::vector<ManifestEntry> out;
  std::ifstream in(fs::path(shard_dir) / "manifest.jsonl");
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    try {
      out.push_back({io::Json::parse(line)});
    } catch (const std::exception&) {
      throw Error(shard_dir + "/manifest.jsonl:" + std::to_string(n) + ": not a JSON line");
    }
  }
  return out;
}

void ShardStore::recover() {
  fs::path manifest = fs::path(dir_) / "manifest.jsonl";
  if (fs::exists(manifest)) {
    std::string bytes = io::read_file(manifest.string());
    // A kill during the append leaves a last line without its newline: cut it.
    std::size_t keep = bytes.size();
    if (!bytes.empty() && bytes.back() != '\n') {
      std::size_t nl = bytes.rfind('\n');
      keep = nl == std::string::npos ? 0 : nl + 1;
    }
    if (keep != bytes.size()) {
      recovery_.push_back("cut a torn manifest line (" + std::to_string(bytes.size() - keep) + " bytes)");
      fs::resize_file(manifest, keep);
    }
    entries_ = read_manifest(dir_);
  }
  for (const auto& e : entries_) ids_.insert(e.id());
  for (const auto& d : fs::directory_iterator(fs::path(dir_) / "items")) {
    std::string name = d.path().filename().string();
    if (!ids_.count(name)) {
      recovery_.push_back("removed unfinished " + name);
      fs::remove_all(d.path());
    }
  }
}

bool ShardStore::has(const std::string& id) const {
  std::lock_guard<std::mutex> l(mu_);
  return ids_.count(id) > 0;
}

std::size_t ShardStore::size() const {
  std::lock_guard<std::mutex> l(mu_);
  return entries_.size();
}

std::vector<ManifestEntry> ShardStore::entries() const {
  std::lock_guard<std::mutex> l(mu_);
  return entries_;
}

void ShardStore::commit(const Item& item) {
  if (!valid_id(item.id)) throw Error("item id '" + item.id + "' must be letters, digits, '-', '_' or '.'");
  if (item.cond.rows() != item.targets.rows())
    throw Error(item.id + ": cond has " + std::to_string(item.cond.rows()) + " frames, targets " +
                std::to_string(item.targets.rows()));
  {
    std::lock_guard<std::mutex> l(mu_);
    if (ids_.count(item.id)) throw Error(item.id + ": already in " + dir_);
  }
  fs::path final_dir = fs::path(dir_) / "items" / item.id;
  fs::path tmp = fs::path(dir_) / "items" / (".tmp-" + item.id + "-" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  io::Json files;
  const io::NpyArray* arrays[3] = {&item.features, &item.cond, &item.targets};
  for (int i = 0; i < 3; ++i) {
    std::string bytes = io::npy_bytes(arrays[i]->data.data(), arrays[i]->shape);
    io::write_file_atomic((tmp / kArrays[i]).string(), bytes);
    files[kArrays[i]] = io::sha256_hex(bytes);
  }
  std::string meta = item.meta.dump(1);
  io::write_file_atomic((tmp / "meta.json").string(), meta);
  files["meta.json"] = io::sha256_hex(meta);
  fs::remove_all(final_dir);
  fs::rename(tmp, final_dir);

  io::Json line;
  line["id"] = item.id;
  line["files"] = files;
  line["frames"] = item.targets.rows();
  line["feature_frames"] = item.features.rows();
  for (const char* k : {"source", "duration_s", "emotions"})
    if (item.meta.contains(k)) line[k] = item.meta[k];
  std::string text = line.dump() + "\n";

  std::lock_guard<std::mutex> l(mu_);
  int fd = ::open((fs::path(dir_) / "manifest.jsonl").c_str(), O_WRONLY | O_APPEND | O_CREAT, 0644);
  if (fd < 0) throw Error(dir_ + "/manifest.jsonl: cannot open for append");
  ssize_t w = ::write(fd, text.data(), text.size());
  ::fsync(fd);
  ::close(fd);
  if (w != static_cast<ssize_t>(text.size())) throw Error(dir_ + "/manifest.jsonl: short write (disk full?)");
  entries_.push_back({line});
  ids_.insert(item.id);
}

std::vector<std::string> shard_dirs(const std::string& root) {
  std::vector<std::string> out;
  if (!fs::is_directory(root)) throw Error(root + ": not a data set folder");
  for (const auto& d : fs::directory_iterator(root))
    if (d.is_directory() && std::regex_match(d.path().filename().string(), std::regex("shard-[0-9]+-of-[0-9]+")))
      out.push_back(d.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

Item load_item(const std::string& shard_dir, const std::string& id) {
  fs::path d = fs::path(shard_dir) / "items" / id;
  Item it;
  it.id = id;
  it.features = io::read_npy((d / "features.npy").string());
  it.cond = io::read_npy((d / "cond.npy").string());
  it.targets = io::read_npy((d / "targets.npy").string());
  it.meta = io::load_json_file((d / "meta.json").string());
  return it;
}

VerifyReport verify(const std::string& root) {
  VerifyReport r;
  std::set<std::string> seen;
  for (const auto& sd : shard_dirs(root)) {
    std::set<std::string> listed;
    std::vector<ManifestEntry> manifest;
    try {
      manifest = read_manifest(sd);
    } catch (const Error& ex) {
      r.problems.push_back(std::string(ex.what()) + " (an interrupted build: run it again to repair)");
      continue;
    }
    for (const auto& e : manifest) {
      ++r.items;
      std::string id = e.id();
      listed.insert(id);
      if (!seen.insert(id).second) r.problems.push_back(sd + ": duplicate item " + id);
      fs::path d = fs::path(sd) / "items" / id;
      for (auto it = e.json.at("files").begin(); it != e.json.at("files").end(); ++it) {
        fs::path f = d / it.key();
        if (!fs::exists(f)) {
          r.problems.push_back(f.string() + ": missing");
          continue;
        }
        if (io::sha256_hex(io::read_file(f.string())) != it.value().get<std::string>())
          r.problems.push_back(f.string() + ": checksum mismatch");
      }
      try {
        Item item = load_item(sd, id);
        if (item.cond.cols() != 19) r.problems.push_back(id + ": cond.npy must have 19 columns");
        if (item.targets.cols() != 52) r.problems.push_back(id + ": targets.npy must have 52 columns");
        if (item.cond.rows() != item.targets.rows()) r.problems.push_back(id + ": cond and targets differ in frames");
        for (float v : item.targets.data)
          if (!(v >= 0.f && v <= 1.f)) {
            r.problems.push_back(id + ": targets outside [0, 1]");
            break;
          }
      } catch (const Error& ex) {
        r.problems.push_back(ex.what());
      }
    }
    for (const auto& d : fs::directory_iterator(fs::path(sd) / "items"))
      if (!listed.count(d.path().filename().string()))
        r.problems.push_back(d.path().string() + ": not in the manifest");
  }
  return r;
}

}  // namespace emosync::dataset
