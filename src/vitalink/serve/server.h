// The review server behind `vitalink serve`: clerical review of a run's doubtful pairs and
// its bulletins, in the browser, on one machine's loopback by default.
//
//   ServeOptions options;
//   options.project = "county/out";              // the output folder of `vitalink run`
//   VL_ASSIGN_OR_RETURN(auto server, ReviewServer::Make(options));
//   VL_ASSIGN_OR_RETURN(int port, server->Bind());
//   std::cout << server->LoginUrl() << "\n";
//   server->Listen();                             // until Stop() from another thread
//
// Security (docs/REVIEW.md): every request needs the login token, either once at /login
// (then a session cookie: HttpOnly, SameSite=Strict) or as `Authorization: Bearer <token>`;
// POSTs with the cookie carry the session's CSRF token in `X-CSRF-Token` and, when the
// browser sends one, a same-host Origin. Pages hold no data: the embedded script fetches
// JSON and writes every value with textContent, and a Content-Security-Policy forbids inline
// script. Bodies over `max_body_bytes` are refused (413); only embedded assets and
// run bulletins by numeric id are served, never a path from the request.
//
// Thread-safety: the server answers on a thread pool; decisions go through the store
// (serialized) and an in-memory index under a mutex. Stop() may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "vitalink/common/status.h"

namespace vitalink::serve {

struct ServeOptions {
  /// The project: its output folder (holding project.sqlite), or its config file or folder
  /// (project.toml), whose [project] output is then used.
  std::string project;
  std::string bind = "127.0.0.1";
  int port = 8080;  // 0: any free port
  /// The login token; empty: 128 random bits, hex. Tests set it.
  std::string token;
  size_t max_body_bytes = 64 * 1024;
  int threads = 0;  // request threads, one per open connection; 0: 64
  /// Who decides when the login names nobody.
  std::string default_reviewer = "reviewer";
};

class ReviewServer {
 public:
  /// Open the project's store and load its review queue (link/review.json; an empty queue
  /// when the run wrote none). Errors: NotFound (no project store), ParseError (a corrupt
  /// queue), InvalidArgument (bad options).
  static Result<std::unique_ptr<ReviewServer>> Make(const ServeOptions& options);

  ~ReviewServer();
  ReviewServer(const ReviewServer&) = delete;
  ReviewServer& operator=(const ReviewServer&) = delete;

  /// Bind the listening socket and return the port. IOError when the address is taken.
  Result<int> Bind();
  /// Serve until Stop(). Bind first.
  Status Listen();
  /// Stop serving; Listen returns.
  void Stop();

  const std::string& token() const;
  int port() const;
  /// Return "http://ADDR:PORT/login?token=TOKEN".
  std::string LoginUrl() const;
  /// Return the number of pairs in the review queue.
  int64_t queue_size() const;

 private:
  struct Impl;
  explicit ReviewServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vitalink::serve
