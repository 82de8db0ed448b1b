// HTTP plumbing over cpp-httplib: routes every /api/ request to handle_api and
// everything else to serve_asset.
#include <atomic>

#include <sys/socket.h>

#include <httplib.h>

#include "io/error.h"
#include "server/server.h"

namespace emosync::server {

struct Server::Impl {
  Options opt;
  httplib::Server http;
  std::atomic<bool> listening{false};
};

namespace {
void apply(const Reply& r, httplib::Response& res) {
  res.status = r.status;
  res.set_content(r.body, r.content_type.c_str());
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Content-Type-Options", "nosniff");
}
}  // namespace

Server::Server(Options opt) : impl_(std::make_unique<Impl>()) {
  impl_->opt = std::move(opt);
  auto& http = impl_->http;
  const Options& o = impl_->opt;
  http.set_payload_max_length(o.max_body);
  // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, which lets a second server
  // share a port that is in use instead of failing.
  http.set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  http.set_read_timeout(30, 0);
  http.set_write_timeout(30, 0);
  auto api = [&o](const httplib::Request& req, httplib::Response& res) {
    Request r;
    r.method = req.method;
    r.path = req.path;
    r.body = req.body;
    r.content_type = req.get_header_value("Content-Type");
    for (const auto& [k, v] : req.params) r.params.emplace_back(k, v);
    for (const auto& [k, f] : req.files) r.parts.push_back({f.name, f.filename, f.content_type, f.content});
    apply(handle_api(o, r), res);
  };
  for (const char* pattern : {R"(/api/.*)"}) {
    http.Get(pattern, api);
    http.Post(pattern, api);
    http.Put(pattern, api);
    http.Delete(pattern, api);
    http.Patch(pattern, api);
  }
  http.Get(R"(/.*)", [&o](const httplib::Request& req, httplib::Response& res) { apply(serve_asset(o, req.path), res); });
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "internal error";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what += std::string(": ") + e.what();
    } catch (...) {
    }
    apply({500, "application/json", io::Json{{"error", what}}.dump()}, res);
  });
  // Errors httplib produces itself (413 for an oversized body, 400 for a malformed request).
  http.set_error_handler([&o](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string msg = res.status == 413 ? "body: larger than " + std::to_string(o.max_body) + " bytes"
                                        : "request: HTTP " + std::to_string(res.status);
    apply({res.status, "application/json", io::Json{{"error", msg}}.dump()}, res);
  });
}

Server::~Server() { stop(); }

int Server::bind() {
  auto& o = impl_->opt;
  int port = o.port;
  if (port == 0) port = impl_->http.bind_to_any_port(o.host.c_str());
  else if (!impl_->http.bind_to_port(o.host.c_str(), port)) port = -1;
  if (port <= 0) throw Error("serve: cannot listen on " + o.host + ":" + std::to_string(o.port) + " (in use, or a bad --host?)");
  o.port = port;
  return port;
}

void Server::listen() {
  impl_->listening = true;
  impl_->http.listen_after_bind();
  impl_->listening = false;
}

void Server::stop() {
  if (impl_ && impl_->http.is_running()) impl_->http.stop();
}

bool Server::running() const { return impl_->http.is_running(); }

}  // namespace emosync::server
