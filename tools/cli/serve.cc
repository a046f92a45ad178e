// `vitalink serve --project DIR`: the review web app on loopback (docs/REVIEW.md).
#include <csignal>
#include <cstdio>
#include <memory>
#include <thread>

#include "tools/cli/verbs.h"
#include "vitalink/serve/server.h"

namespace vitalink::cli {
namespace {

serve::ReviewServer* g_server = nullptr;

void StopOnSignal(int) {
  // httplib's stop() only flips a flag and shuts the listening socket: safe enough here,
  // and the process exits right after Listen returns.
  if (g_server != nullptr) g_server->Stop();
}

}  // namespace

VerbAction AddServeVerb(CLI::App& app) {
  auto opts = std::make_shared<serve::ServeOptions>();
  CLI::App* sub =
      app.add_subcommand("serve", "Review doubtful pairs and read bulletins in the browser");
  sub->add_option("--project", opts->project,
                  "the project: its output folder (with project.sqlite) or its project.toml")
      ->required();
  sub->add_option("--bind", opts->bind,
                  "address to listen on (default 127.0.0.1: this machine only)");
  sub->add_option("--port", opts->port, "port (default 8080; 0 = any free port)");
  sub->add_option("--threads", opts->threads, "request threads, one per open connection (0 = 64)");
  return [opts]() {
    auto server = serve::ReviewServer::Make(*opts);
    if (!server.ok()) return ReportFailure(server.status());
    auto port = (*server)->Bind();
    if (!port.ok()) return ReportFailure(port.status());
    std::printf("vitalink review: %lld doubtful pairs\nserving on http://%s:%d/\nlog in at: %s\n",
                static_cast<long long>((*server)->queue_size()), opts->bind.c_str(), *port,
                (*server)->LoginUrl().c_str());
    std::fflush(stdout);
    g_server = server->get();
    std::signal(SIGINT, StopOnSignal);
    std::signal(SIGTERM, StopOnSignal);
    const Status s = (*server)->Listen();
    g_server = nullptr;
    if (!s.ok()) return ReportFailure(s);
    return kExitOk;
  };
}

}  // namespace vitalink::cli
