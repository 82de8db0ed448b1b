#pragma once
// emosync's local web server: the viewer and preset editor (web/, embedded in the
// binary or read from --web-dir) plus a small JSON API over the vocabularies, the
// presets, the rule-based compiler, the timeline and the runtime. Bound to 127.0.0.1 by
// default.
//
//   GET  /api/vocab        channel names, channel split, emotions, anchors, features
//   GET  /api/presets      the presets file ({version, channel_order, presets: [...]})
//   PUT  /api/presets      validate and write it (only with Options::allow_write)
//   POST /api/compile      {emotion | weights, intensity | vad} -> 52 values
//   POST /api/expression   {text (tagged), duration | words, fps?} -> {fps, names, frames}
//   POST /api/animate      speech (WAV, FLAC, OGG, MP3) + text/emotion/words -> the face
//                          at 30 fps: {fps, names, frames, tagged, how, seconds}. Either the
//                          raw file (Content-Type audio/*) with the fields as query
//                          parameters, or multipart/form-data with an `audio` file and
//                          the fields as parts. Fields: text (tagged, or plain: tagged
//                          by the text-emotion model unless autotag=0), emotion
//                          ("joy" or "joy:70", instead of text), words ("start end word"
//                          lines, needs text), blinks, fades (0|1), seed, lips ("audio",
//                          the default, or "text": the mouth from the aligned text, as
//                          `animate --lips text`; the reply's `lips` says which it got
//                          and, on a fallback to the audio, why).
//
// Every request body is size-limited; a bad request gets a 4xx with a JSON body
// {"error": "<field>: <what is wrong>"}; nothing a client sends ends the process.
//
// Against other pages and slow clients (issue 18): the Host header must name this machine
// (DNS rebinding), a declared body over the limit is refused before it is read, the
// headers must arrive within io_timeout_s and the body within upload_timeout_s after them
// (a deadline per connection, not per read), at most max_uploads requests with a body run
// at once (the rest get 503 at once), and every connection serves one request.
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "io/json_file.h"

namespace emosync::runtime {
class Model;
}
namespace emosync::align {
class Aligner;
}

namespace emosync::server {

// The forced aligners behind /api/animate's lips=text, kept between requests so that the
// acoustic model is loaded once, not per request. A pocketsphinx decoder aligns one
// utterance at a time, so a request borrows an aligner for its alignment and gives it
// back; when every one is out, align::align_transcript creates another. That is one
// aligner per worker aligning at the same moment, rather than one aligner behind a mutex:
// alignment runs at ~38x real time on one core (docs/align.md), so a 600 s upload holds
// its aligner ~16 s, and behind a mutex every other lips=text request would wait that
// long. The cost is small and bounded: the model is ~6 MB, the pronouncing dictionary is
// shared between aligners (align/pronounce.cpp), and at most Options::max_uploads requests
// with a body run at once, so no more aligners than that are ever made. A kept aligner
// answers as a fresh one (each alignment starts a new decoder stream, align.cpp), so a
// reply never depends on earlier requests. Thread-safe.
class AlignerPool {
 public:
  AlignerPool();
  ~AlignerPool();
  AlignerPool(const AlignerPool&) = delete;
  AlignerPool& operator=(const AlignerPool&) = delete;

  // An idle aligner, or an empty pointer when none is (the borrower creates one).
  std::unique_ptr<align::Aligner> borrow();
  // Back for the next request; an empty pointer (a model that did not load) is dropped.
  void give_back(std::unique_ptr<align::Aligner> aligner) noexcept;
  // Aligners waiting to be borrowed.
  std::size_t idle() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<align::Aligner>> idle_;
};

struct Options {
  std::string host = "127.0.0.1";
  int port = 8080;              // 0: any free port (see Server::bind)
  std::string web_dir;          // empty: serve the web app embedded in the binary
  std::string presets = "data/presets/presets.json";  // file path or table key
  bool allow_write = false;     // PUT /api/presets writes `presets` (must be a file path)
  std::size_t max_body = 20u * 1024u * 1024u;
  double max_audio_s = 600;     // longest speech /api/animate takes (10 minutes)
  int threads = 8;              // workers, each serving one connection at a time
  int max_uploads = 4;          // requests with a body at once (reading + handling it); < threads
  double io_timeout_s = 10;     // longest wait for the client's next bytes or to take ours; the headers'
                                // deadline too
  double upload_timeout_s = 60; // the body must arrive whole within this after the headers; the
                                // reply must be taken within it too
  // The runtime model /api/animate runs; null: runtime::Model::embedded_default().
  std::shared_ptr<const runtime::Model> model;
  // The aligners lips=text borrows; null: Server makes one pool for its workers, and
  // handle_api called without a Server loads the model for each such request.
  std::shared_ptr<AlignerPool> aligners;
};

// One part of a multipart/form-data body.
struct Part {
  std::string name, filename, content_type, content;
};

// One API request, independent of HTTP plumbing. A multipart body arrives parsed in
// `parts` (and `body` is empty).
struct Request {
  std::string method, path, body;
  std::string content_type;                                 // the Content-Type header
  std::vector<std::pair<std::string, std::string>> params;  // query parameters, decoded
  std::vector<Part> parts;
};

// The result of one API call, independent of HTTP plumbing (unit-testable).
struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

// Handles one API request (`path` starts with /api/). Never throws.
Reply handle_api(const Options& opt, const Request& req);
// The same for a request with a plain body and no query (JSON endpoints).
Reply handle_api(const Options& opt, const std::string& method, const std::string& path, const std::string& body);

// Whether a Host header value names this server: localhost, 127.x.x.x, [::1] or the
// address it was bound to (`bound_host`), each with or without ":port". Anything else may
// be another site's name resolved to 127.0.0.1 (DNS rebinding).
bool host_allowed(const std::string& host_header, const std::string& bound_host);

// A static asset of the web app: from opt.web_dir when set, else the embedded copy.
// `path` is the URL path ("/" means /index.html). nullopt-like: status 404.
Reply serve_asset(const Options& opt, const std::string& path);

class Server {
 public:
  explicit Server(Options opt);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port; returns the bound port. Throws emosync::Error when it cannot.
  int bind();
  // Serves until stop() is called (from another thread or a signal handler).
  void listen();
  void stop();
  bool running() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace emosync::server
