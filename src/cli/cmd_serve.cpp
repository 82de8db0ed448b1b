// emosync serve: the viewer and preset editor on a local web server (issue 9).
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <pthread.h>
#include <thread>

#include "cli/command.h"
#include "io/error.h"
#include "runtime/model.h"
#include "server/server.h"

namespace {
using namespace emosync;

void setup(CLI::App& app) {
  auto opt = std::make_shared<server::Options>();
  auto max_mb = std::make_shared<double>(20.0);
  auto model_path = std::make_shared<std::string>();
  app.add_option("--port", opt->port, "TCP port (0: any free port; the URL is printed)")->check(CLI::Range(0, 65535));
  app.add_option("--host", opt->host, "address to bind (default 127.0.0.1: this machine only)");
  app.add_option("--web-dir", opt->web_dir, "serve the web app from this folder instead of the embedded copy (development)")
      ->check(CLI::ExistingDirectory);
  app.add_option("--presets", opt->presets, "presets file served at /api/presets (default: the embedded data/presets/presets.json)");
  app.add_flag("--allow-write", opt->allow_write, "let the editor save presets back to --presets (PUT /api/presets)");
  app.add_option("--max-body-mb", *max_mb, "largest request body in MB (an uploaded WAV included)")
      ->check(CLI::Range(0.001, 1024.0));
  app.add_option("--max-audio-s", opt->max_audio_s, "longest speech POST /api/animate takes, in seconds")
      ->check(CLI::Range(1.0, 3600.0));
  app.add_option("--upload-timeout-s", opt->upload_timeout_s, "a request body must arrive whole within this many seconds after its headers (and the reply be taken within it)")
      ->check(CLI::Range(1.0, 3600.0));
  app.add_option("--model", *model_path, "safetensors model for /api/animate (default: the embedded default model)");
  app.footer(
      "Limits (each refused request gets a 4xx/503 with {\"error\": \"<field>: ...\"}):\n"
      "  Host header        localhost, 127.x.x.x, [::1] or the --host address, with or without :port (else 403)\n"
      "  request body       --max-body-mb (20 MB), refused from its Content-Length before it is read (413);\n"
      "                     a Content-Length is required (411), chunked bodies are not taken\n"
      "  slow clients       the headers must arrive within 10 s, the body within --upload-timeout-s (60 s)\n"
      "                     after them (else 408), and the reply be taken within it; 10 s without a byte\n"
      "                     ends the connection; one request per connection\n"
      "  concurrency        8 workers; at most 4 requests with a body at once (the rest: 503 at once)\n"
      "  /api/animate       speech up to --max-audio-s (600 s); text and words fields up to 100000 bytes;\n"
      "                     every text field and the path must be valid UTF-8 (400)\n"
      "  --web-dir          only files inside the folder (symlinks resolved); absolute, '..', '%' and NUL refused");
  app.callback([opt, max_mb, model_path] {
    opt->max_body = static_cast<std::size_t>(*max_mb * 1024 * 1024);
    // Loaded once, before listening: a bad file is an error now, not a 500 per request.
    if (!model_path->empty()) opt->model = std::make_shared<const runtime::Model>(runtime::Model::load(*model_path));
    if (opt->allow_write && !std::filesystem::is_regular_file(opt->presets) &&
        !std::filesystem::is_directory(std::filesystem::path(opt->presets).parent_path().empty()
                                           ? "." : std::filesystem::path(opt->presets).parent_path()))
      throw Error("--allow-write: --presets must be a file path whose folder exists (got " + opt->presets + ")");
    // SIGINT/SIGTERM stop the server cleanly: block them here, wait for them in a thread.
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
    server::Server srv(*opt);
    int port = srv.bind();
    std::printf("emosync serve: http://%s:%d/ (viewer), http://%s:%d/editor.html (preset editor)%s\n", opt->host.c_str(),
                port, opt->host.c_str(), port, opt->allow_write ? "; presets are writable" : "");
    std::fflush(stdout);
    std::thread waiter([&srv, sigs] {
      int sig = 0;
      sigwait(&sigs, &sig);
      srv.stop();
    });
    srv.listen();
    // listen() returned without a signal (it failed): wake the waiter ourselves.
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
  });
}

const bool registered = cli::register_command({"serve", "Serve the face viewer and preset editor on a local web server", setup});
}  // namespace
