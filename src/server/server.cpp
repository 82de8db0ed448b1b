// HTTP plumbing over cpp-httplib: routes every /api/ request to handle_api and
// everything else to serve_asset, and keeps other sites and slow clients out (server.h).
//
// httplib reads a request's headers, then runs the pre-routing handler, then (for a
// request with a body) the route's handler; a content-reader handler pulls the body
// itself. So the checks that need no body (Host, declared length) run before a body
// byte is read, and the body is read under an upload slot. httplib's own socket stream
// only bounds each wait for bytes, so a client sending one byte every few seconds would
// hold a worker for ever: connections are served here through a stream with deadlines.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>

#include "io/error.h"
#include "server/api_common.h"
#include "server/server.h"

namespace emosync::server {

namespace {

using Clock = std::chrono::steady_clock;

Clock::duration seconds(double s) { return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s)); }

// One connection's socket. Each wait for bytes lasts at most `io`, and reading ends at the
// deadline of the current phase (the headers, then the body); writing at a deadline set
// when the reply starts.
class ConnectionStream final : public httplib::Stream {
 public:
  ConnectionStream(int sock, Clock::duration io, Clock::duration body, Clock::duration reply)
      : sock_(sock), io_(io), body_(body), reply_(reply), read_deadline_(Clock::now() + io) {}

  void headers_read() { read_deadline_ = Clock::now() + body_; }
  bool read_expired() const { return Clock::now() >= read_deadline_; }

  bool is_readable() const override { return wait(POLLIN, read_deadline_); }
  bool is_writable() const override { return wait(POLLOUT, write_deadline()); }
  ssize_t read(char* ptr, size_t size) override {
    if (!is_readable()) return -1;
    ssize_t n;
    do n = ::recv(sock_, ptr, size, 0);
    while (n < 0 && errno == EINTR);
    return n;
  }
  ssize_t write(const char* ptr, size_t size) override {
    if (!writing_) {
      writing_ = true;
      write_deadline_ = Clock::now() + reply_;
    }
    if (!is_writable()) return -1;
    ssize_t n;
    do n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n;
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override { address(::getpeername, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { address(::getsockname, ip, port); }
  socket_t socket() const override { return sock_; }

 private:
  Clock::time_point write_deadline() const { return writing_ ? write_deadline_ : Clock::now() + reply_; }
  bool wait(short events, Clock::time_point deadline) const {
    for (;;) {
      const auto now = Clock::now();
      const auto until = std::min(deadline, now + io_);
      if (until <= now) return false;
      const auto ms = std::chrono::ceil<std::chrono::milliseconds>(until - now).count();
      pollfd p{sock_, events, 0};
      const int r = ::poll(&p, 1, static_cast<int>(ms));
      if (r > 0) return true;
      if (r < 0 && errno != EINTR) return false;
      if (r == 0 && Clock::now() >= until) return false;
    }
  }
  template <typename F>
  void address(F get, std::string& ip, int& port) const {
    sockaddr_storage a{};
    socklen_t len = sizeof(a);
    if (get(sock_, reinterpret_cast<sockaddr*>(&a), &len) != 0) return;
    char text[INET6_ADDRSTRLEN] = {};
    if (a.ss_family == AF_INET) {
      const auto* v4 = reinterpret_cast<const sockaddr_in*>(&a);
      inet_ntop(AF_INET, &v4->sin_addr, text, sizeof(text));
      port = ntohs(v4->sin_port);
    } else if (a.ss_family == AF_INET6) {
      const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&a);
      inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof(text));
      port = ntohs(v6->sin6_port);
    }
    ip = text;
  }

  int sock_;
  Clock::duration io_, body_, reply_;
  Clock::time_point read_deadline_, write_deadline_;
  bool writing_ = false;
};

// The connection the calling worker serves (a worker serves one at a time), so that a
// handler can tell a body that came too late from a malformed one.
thread_local const ConnectionStream* this_connection = nullptr;

// httplib's server with our connection handling: one request per connection, read and
// written through a ConnectionStream. (process_and_close_socket is httplib's virtual
// hook for serving one accepted socket; process_request is the request half of it.)
class HttpServer final : public httplib::Server {
 public:
  explicit HttpServer(const server::Options& o) : o_(o) {}

 private:
  bool process_and_close_socket(socket_t sock) override {
    const double io = std::max(0.001, o_.io_timeout_s), upload = std::max(0.001, o_.upload_timeout_s);
    ConnectionStream strm(sock, seconds(io), seconds(upload), seconds(upload));
    this_connection = &strm;
    bool closed = false;
    const bool ok = process_request(strm, /*close_connection=*/true, closed, [&strm](httplib::Request&) { strm.headers_read(); });
    this_connection = nullptr;
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return ok;
  }
  const server::Options& o_;  // "Options" alone is httplib::Server::Options(), the OPTIONS route
};

}  // namespace

struct Server::Impl {
  Options opt;
  HttpServer http{opt};
  std::atomic<int> uploads{0};  // requests with a body being read or handled
};

namespace {

void apply(const Reply& r, httplib::Response& res) {
  res.status = r.status;
  res.set_content(r.body, r.content_type.c_str());
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Content-Type-Options", "nosniff");
}

void fail(httplib::Response& res, int status, const std::string& msg) { apply(detail::error_reply(status, msg), res); }

std::string lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_loopback_v4(const std::string& h) {
  // 127.a.b.c, each part 0..255 written in decimal.
  std::size_t start = 0;
  int parts = 0;
  while (start <= h.size()) {
    const std::size_t end = std::min(h.find('.', start), h.size());
    const std::string part = h.substr(start, end - start);
    if (!all_digits(part) || part.size() > 3 || std::stoi(part) > 255) return false;
    if (parts == 0 && part != "127") return false;
    ++parts;
    start = end + 1;
  }
  return parts == 4;
}

// httplib reads a body for these methods whatever the headers say, without a
// Content-Length until the client closes: they must declare one.
bool method_has_body(const std::string& m) { return m == "POST" || m == "PUT" || m == "PATCH" || m == "DELETE"; }

// What can be refused from the headers alone, before a body byte is read: a Host that is
// not this machine, and a body that is too big, of unknown size or of a bad declared size.
// Returns false with `res` filled.
bool admit(const Options& o, const httplib::Request& req, httplib::Response& res) {
  if (req.get_header_value_count("Host") != 1) {
    fail(res, 400, "Host: " + std::string(req.has_header("Host") ? "given more than once" : "missing"));
    return false;
  }
  const std::string host = req.get_header_value("Host");
  if (!host_allowed(host, o.host)) {
    fail(res, 403, "Host: '" + host + "' is not this server (allowed: localhost, 127.x.x.x, [::1], " + o.host +
                       "; with or without :port)");
    return false;
  }
  if (req.has_header("Transfer-Encoding")) {
    fail(res, 411, "Transfer-Encoding: not accepted; send the body with a Content-Length");
    return false;
  }
  const std::size_t lengths = req.get_header_value_count("Content-Length");
  if (lengths == 0) {
    if (!method_has_body(req.method)) return true;
    fail(res, 411, "Content-Length: missing (a " + req.method + " needs it, 0 for no body)");
    return false;
  }
  const std::string length = req.get_header_value("Content-Length");
  if (lengths > 1 || !all_digits(length)) {
    fail(res, 400, "Content-Length: must be one whole number of bytes, got '" + length + "'");
    return false;
  }
  if (length.size() > 15 || std::stoull(length) > o.max_body) {
    fail(res, 413, "body: Content-Length " + length + " is larger than the limit of " + std::to_string(o.max_body) + " bytes");
    return false;
  }
  return true;
}

// One request-with-body slot of Options::max_uploads, held while the request is read and
// handled.
class UploadSlot {
 public:
  UploadSlot(std::atomic<int>& n, int max) : n_(n), held_(n.fetch_add(1) < max) {
    if (!held_) --n_;
  }
  ~UploadSlot() {
    if (held_) --n_;
  }
  UploadSlot(const UploadSlot&) = delete;
  UploadSlot& operator=(const UploadSlot&) = delete;
  explicit operator bool() const { return held_; }

 private:
  std::atomic<int>& n_;
  bool held_;
};

// Reads the body of `req` through `reader` into `out`: the raw bytes, or the parts of a
// multipart/form-data body. Returns false with `res` filled.
bool read_body(const Options& o, const httplib::Request& req, const httplib::ContentReader& reader, Request& out,
               httplib::Response& res) {
  std::size_t total = 0;
  auto take = [&](std::string& into, const char* data, std::size_t n) {
    if ((total += n) > o.max_body) return false;
    into.append(data, n);
    return true;
  };
  bool ok;
  if (req.is_multipart_form_data()) {
    ok = reader(
        [&](const httplib::MultipartFormData& f) {
          out.parts.push_back({f.name, f.filename, f.content_type, {}});
          return true;
        },
        [&](const char* data, std::size_t n) { return !out.parts.empty() && take(out.parts.back().content, data, n); });
  } else {
    ok = reader([&](const char* data, std::size_t n) { return take(out.body, data, n); });
  }
  if (ok) return true;
  if (total > o.max_body) fail(res, 413, "body: larger than " + std::to_string(o.max_body) + " bytes");
  else if (this_connection && this_connection->read_expired())
    fail(res, 408, "body: not received within " + detail::format_number(o.upload_timeout_s) + " s");
  else if (req.is_multipart_form_data()) fail(res, 400, "body: malformed or incomplete multipart/form-data");
  else fail(res, 400, "body: ended before Content-Length bytes arrived (nothing came for " +
                          detail::format_number(o.io_timeout_s) + " s, or the connection closed)");
  return false;
}

Request api_request(const httplib::Request& req) {
  Request r;
  r.method = req.method;
  r.path = req.path;
  r.content_type = req.get_header_value("Content-Type");
  for (const auto& [k, v] : req.params) r.params.emplace_back(k, v);
  return r;
}

}  // namespace

bool host_allowed(const std::string& host_header, const std::string& bound_host) {
  std::string h = lower(host_header);
  // Strip ":port" (after "]" for a bracketed IPv6 address); the port must be a number.
  const std::size_t colon = h.rfind(':');
  if (colon != std::string::npos && (h[0] != '[' || (colon > 0 && h[colon - 1] == ']'))) {
    if (!all_digits(h.substr(colon + 1))) return false;
    h.resize(colon);
  }
  if (h.empty()) return false;
  const std::string bound = lower(bound_host);
  if (h == "localhost" || h == "[::1]" || is_loopback_v4(h)) return true;
  return h == bound || h == "[" + bound + "]";
}

Server::Server(Options opt) : impl_(std::make_unique<Impl>()) {
  impl_->opt = std::move(opt);
  if (!impl_->opt.aligners) impl_->opt.aligners = std::make_shared<AlignerPool>();
  auto& http = impl_->http;
  Impl& impl = *impl_;
  const Options& o = impl_->opt;
  http.set_payload_max_length(o.max_body);
  // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, which lets a second server
  // share a port that is in use instead of failing.
  http.set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  const int threads = std::max(2, o.threads);
  http.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  http.set_expect_100_continue_handler([&o](const httplib::Request& req, httplib::Response& res) {
    return admit(o, req, res) ? 100 : res.status;
  });
  http.set_pre_routing_handler([&o](const httplib::Request& req, httplib::Response& res) {
    return admit(o, req, res) ? httplib::Server::HandlerResponse::Unhandled : httplib::Server::HandlerResponse::Handled;
  });

  auto api = [&o](const httplib::Request& req, httplib::Response& res) { apply(handle_api(o, api_request(req)), res); };
  // Fewer upload slots than workers, so that uploads never take them all.
  const int max_uploads = std::clamp(o.max_uploads, 1, threads - 1);
  auto api_with_body = [&impl, max_uploads](const httplib::Request& req, httplib::Response& res,
                                            const httplib::ContentReader& reader) {
    const Options& opt = impl.opt;
    UploadSlot slot(impl.uploads, max_uploads);
    if (!slot)
      return fail(res, 503, "server: busy with " + std::to_string(max_uploads) + " requests with a body; try again");
    Request r = api_request(req);
    if (!read_body(opt, req, reader, r, res)) return;
    apply(handle_api(opt, r), res);
  };
  const char* pattern = R"(/api/.*)";
  http.Get(pattern, api);
  http.Post(pattern, api_with_body);
  http.Put(pattern, api_with_body);
  http.Delete(pattern, api_with_body);
  http.Patch(pattern, api_with_body);
  http.Get(R"(/.*)", [&o](const httplib::Request& req, httplib::Response& res) { apply(serve_asset(o, req.path), res); });
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "internal error";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what += std::string(": ") + e.what();
    } catch (...) {
    }
    fail(res, 500, what);
  });
  // Errors httplib produces itself: a malformed request, a URI that is too long, a method
  // or path no route takes.
  http.set_error_handler([&o](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string msg;
    switch (res.status) {
      case 400: msg = "request: malformed HTTP request"; break;
      case 404: msg = req.path + ": " + req.method + " not served here"; break;
      case 413: msg = "body: larger than " + std::to_string(o.max_body) + " bytes"; break;
      case 414: msg = "request: URI longer than 8192 bytes"; break;
      default: msg = "request: HTTP " + std::to_string(res.status);
    }
    fail(res, res.status, msg);
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

void Server::listen() { impl_->http.listen_after_bind(); }

void Server::stop() {
  if (impl_ && impl_->http.is_running()) impl_->http.stop();
}

bool Server::running() const { return impl_->http.is_running(); }

}  // namespace emosync::server
