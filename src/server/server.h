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
//                          lines, needs text), blinks, fades (0|1), seed.
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
#include <string>
#include <utility>
#include <vector>

#include "io/json_file.h"

namespace emosync::runtime {
class Model;
}

namespace emosync::server {

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
