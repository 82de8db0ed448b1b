#include "dataset/shard_store.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>

#include <fcntl.h>
#include <unistd.h>

#include "io/atomic_file.h"
#include "io/error.h"
#include "io/fnv1a.h"
#include "io/sha256.h"
#include "viseme/phone_class.h"

namespace emosync::dataset {
namespace fs = std::filesystem;

namespace {
const char* kArrays[3] = {"features.npy", "cond.npy", "targets.npy"};
const char* kPhones = "phones.npy";  // optional: per-frame phone classes (item.h)

// One line of a manifest: its entry, or why it cannot be one.
struct ManifestLine {
  std::size_t number = 0;
  std::string text;
  std::optional<ManifestEntry> entry;
  std::string problem;  // "DIR/manifest.jsonl:N: ..." when there is no entry
};

// Every non-empty line of a shard's manifest, each parsed on its own, so one damaged
// line (a crash can leave garbage or zeros) hides none of the others. An entry's id
// and file names become paths: they must be safe file-name components.
std::vector<ManifestLine> read_manifest_lines(const std::string& shard_dir) {
  fs::path path = fs::path(shard_dir) / "manifest.jsonl";
  std::vector<ManifestLine> out;
  if (!fs::exists(path)) return out;
  std::string bytes = io::read_file(path.string());
  std::size_t n = 0;
  for (std::size_t at = 0; at < bytes.size();) {
    std::size_t nl = bytes.find('\n', at);
    if (nl == std::string::npos) nl = bytes.size();
    ManifestLine l;
    l.number = ++n;
    l.text = bytes.substr(at, nl - at);
    at = nl + 1;
    if (l.text.empty()) continue;
    std::string where = path.string() + ":" + std::to_string(n);
    try {
      io::Json j = io::parse_json(l.text, path.string(), n);
      bool ok = j.is_object() && j.contains("id") && j["id"].is_string() && is_safe_id(j["id"].get<std::string>()) &&
                j.contains("files") && j["files"].is_object();
      if (ok)
        for (auto it = j["files"].begin(); it != j["files"].end(); ++it) ok = ok && is_safe_id(it.key()) && it->is_string();
      if (!ok) throw Error(where + ": not a manifest entry (an object with a safe 'id' and 'files' {name: sha256})");
      l.entry = ManifestEntry{std::move(j)};
    } catch (const Error& e) {
      l.problem = e.what();
    }
    out.push_back(std::move(l));
  }
  return out;
}

// What is wrong with the files of a listed item: missing, or not what was written.
std::vector<std::string> item_file_problems(const std::string& shard_dir, const ManifestEntry& e) {
  std::vector<std::string> problems;
  fs::path d = fs::path(shard_dir) / "items" / e.id();
  for (auto it = e.json.at("files").begin(); it != e.json.at("files").end(); ++it) {
    fs::path f = d / it.key();
    if (!fs::is_regular_file(f)) problems.push_back(f.string() + ": missing");
    else if (io::sha256_hex(io::read_file(f.string())) != it.value().get<std::string>())
      problems.push_back(f.string() + ": checksum mismatch");
  }
  return problems;
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
  if (fs::exists(root) && !fs::is_directory(root)) throw Error(root + ": not a folder (the data set's folder)");
  fs::create_directories(fs::path(dir_) / "items");
  recover();
}

std::vector<ManifestEntry> read_manifest(const std::string& shard_dir) {
  std::vector<ManifestEntry> out;
  for (auto& l : read_manifest_lines(shard_dir)) {
    if (!l.entry) throw Error(l.problem);
    out.push_back(std::move(*l.entry));
  }
  return out;
}

// Makes the shard what its manifest says, and the manifest true: a torn last line is
// cut, damaged lines, repeated ids and items whose files are missing or damaged are
// dropped (so the build makes those items again), and folders no line lists are
// removed. The manifest is rewritten first, the folders removed after: a kill in
// between leaves orphans, which the next open removes.
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
  }
  std::string kept;
  bool dropped = false;
  for (auto& l : read_manifest_lines(dir_)) {
    if (!l.entry) {
      recovery_.push_back("dropped " + l.problem);
      dropped = true;
      continue;
    }
    std::string id = l.entry->id();
    if (ids_.count(id)) {
      recovery_.push_back("dropped manifest line " + std::to_string(l.number) + ": " + id + " is listed twice");
      dropped = true;
      continue;
    }
    std::vector<std::string> problems = item_file_problems(dir_, *l.entry);
    if (!problems.empty()) {
      recovery_.push_back("will rebuild " + id + ": " + problems.front());
      dropped = true;
      continue;
    }
    ids_.insert(id);
    entries_.push_back(std::move(*l.entry));
    kept += l.text + "\n";
  }
  if (dropped) io::write_file_atomic(manifest.string(), kept);
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
  if (!is_safe_id(item.id)) throw Error(dir_ + ": item id '" + item.id + "' must be " + kIdRule);
  if (item.cond.rows() != item.targets.rows())
    throw Error(item.id + ": cond has " + std::to_string(item.cond.rows()) + " frames, targets " +
                std::to_string(item.targets.rows()));
  if (!item.phones.data.empty()) {
    if (item.phones.shape.size() != 1 || item.phones.rows() != item.targets.rows())
      throw Error(item.id + ": phones has " + std::to_string(item.phones.rows()) + " frames, targets " +
                  std::to_string(item.targets.rows()));
    for (std::size_t k = 0; k < item.phones.data.size(); ++k)
      if (!viseme::is_phone_label(item.phones.data[k]))
        throw Error(item.id + ": phones frame " + std::to_string(k) + " is not a phone class index -1.." +
                    std::to_string(viseme::kPhoneClassCount - 1));
  }
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
  if (!item.phones.data.empty()) {
    std::string bytes = io::npy_bytes(item.phones.data.data(), item.phones.shape);
    io::write_file_atomic((tmp / kPhones).string(), bytes);
    files[kPhones] = io::sha256_hex(bytes);
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
  if (fs::exists(d / kPhones)) it.phones = io::read_npy((d / kPhones).string());
  it.meta = io::load_json_file((d / "meta.json").string());
  return it;
}

VerifyReport verify(const std::string& root) {
  VerifyReport r;
  std::set<std::string> seen;
  for (const auto& sd : shard_dirs(root)) {
    const std::string repair = " (run `dataset build` for " + fs::path(sd).filename().string() + " again to repair)";
    std::set<std::string> listed;
    for (const auto& l : read_manifest_lines(sd)) {
      if (!l.entry) {
        r.problems.push_back(l.problem + repair);
        continue;
      }
      ++r.items;
      std::string id = l.entry->id();
      if (!listed.insert(id).second) {
        r.problems.push_back(sd + "/manifest.jsonl:" + std::to_string(l.number) + ": " + id + " is listed twice" + repair);
        continue;
      }
      if (!seen.insert(id).second)
        r.problems.push_back(sd + ": " + id + " is also in another shard folder (builds with different shard counts "
                                          "into one folder?): keep one shard layout");
      std::vector<std::string> problems = item_file_problems(sd, *l.entry);
      for (const auto& p : problems) r.problems.push_back(p + repair);
      if (!problems.empty()) continue;
      try {
        Item item = load_item(sd, id);
        if (item.cond.cols() != 19) r.problems.push_back(sd + ": " + id + ": cond.npy must have 19 columns");
        if (item.targets.cols() != 52) r.problems.push_back(sd + ": " + id + ": targets.npy must have 52 columns");
        if (item.cond.rows() != item.targets.rows())
          r.problems.push_back(sd + ": " + id + ": cond and targets differ in frames");
        if (!item.phones.data.empty()) {
          if (item.phones.shape.size() != 1 || item.phones.rows() != item.targets.rows())
            r.problems.push_back(sd + ": " + id + ": phones.npy must be [frames] like targets.npy");
          for (std::size_t k = 0; k < item.phones.data.size(); ++k)
            if (!viseme::is_phone_label(item.phones.data[k])) {
              r.problems.push_back(sd + ": " + id + ": phones.npy frame " + std::to_string(k) +
                                   ": not a phone class index -1.." + std::to_string(viseme::kPhoneClassCount - 1));
              break;
            }
        }
        for (float v : item.targets.data)
          if (!(v >= 0.f && v <= 1.f)) {
            r.problems.push_back(sd + ": " + id + ": targets outside [0, 1]");
            break;
          }
      } catch (const Error& ex) {
        r.problems.push_back(ex.what());
      }
    }
    for (const auto& d : fs::directory_iterator(fs::path(sd) / "items"))
      if (!listed.count(d.path().filename().string()))
        r.problems.push_back(d.path().string() + ": not in the manifest" + repair);
  }
  return r;
}

}  // namespace emosync::dataset
