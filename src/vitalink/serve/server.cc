#include "vitalink/serve/server.h"

#include <sys/random.h>

#include <httplib.h>
#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "vitalink/common/date.h"
#include "vitalink/common/file_io.h"
#include "vitalink/common/utf8.h"
#include "vitalink/ingest/config.h"
#include "vitalink/review/queue.h"
#include "vitalink/serve/assets.h"
#include "vitalink/store/store.h"

namespace vitalink::serve {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

constexpr std::string_view kSessionCookie = "vl_session";
constexpr auto kSessionLifetime = std::chrono::hours(12);

const char* const kSecurityHeaders[][2] = {
    {"Content-Security-Policy",
     "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' "
     "data:; "
     "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "no-referrer"},
    {"Cache-Control", "no-store"},
};

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  size_t got = 0;
  while (got < bytes) {
    const ssize_t n = getrandom(raw.data() + got, bytes - got, 0);
    VL_CHECK(n > 0);
    got += static_cast<size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char c : raw) {
    out.push_back(kHex[(static_cast<unsigned char>(c) >> 4) & 15]);
    out.push_back(kHex[static_cast<unsigned char>(c) & 15]);
  }
  return out;
}

// Compare secrets in time independent of where they differ.
bool SecretEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string CookieValue(const httplib::Request& req, std::string_view name) {
  const std::string header = req.get_header_value("Cookie");
  std::string_view rest = header;
  while (!rest.empty()) {
    const size_t semi = rest.find(';');
    std::string_view part = rest.substr(0, semi);
    rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name &&
        part[name.size()] == '=') {
      return std::string(part.substr(name.size() + 1));
    }
  }
  return {};
}

// A reviewer's name: 1–64 code points of well-formed UTF-8 without control characters.
bool ValidReviewer(std::string_view who) {
  if (who.empty() || !IsValidUtf8(who) || CodePointCount(who) > 64) return false;
  for (const char c : who) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  return true;
}

Result<std::string> ResolveOutputDir(const std::string& project) {
  if (project.empty()) return Status::InvalidArgument("serve: --project names no folder");
  fs::path p(project);
  std::error_code ec;
  if (fs::is_directory(p, ec) && fs::exists(p / "project.sqlite", ec)) return p.string();
  fs::path config;
  if (fs::is_regular_file(p, ec))
    config = p;
  else if (fs::exists(p / "project.toml", ec))
    config = p / "project.toml";
  if (!config.empty()) {
    VL_ASSIGN_OR_RETURN(ingest::ProjectConfig cfg, ingest::LoadProjectConfig(config.string()));
    return cfg.output_dir;
  }
  return Status::NotFound(
      project +
      ": no project store (project.sqlite) or project.toml here; run `vitalink run` first");
}

std::string LoginPage(std::string_view message) {
  std::string page =
      "<!doctype html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>vitalink review — "
      "login</title>"
      "<meta name=\"viewport\" content=\"width=device-width\"><link rel=\"icon\" "
      "href=\"/assets/favicon.svg\">"
      "<link rel=\"stylesheet\" href=\"/assets/app.css\"></head>"
      "<body class=\"login\"><main><h1>vitalink 审核 · review</h1>";
  // `message` is one of this file's constants, never request data.
  if (!message.empty()) page += "<p class=\"error\">" + std::string(message) + "</p>";
  page +=
      "<form method=\"post\" action=\"/login\"><label>令牌 token <input name=\"token\" "
      "type=\"password\" "
      "autocomplete=\"off\" autofocus required></label><label>审核员 reviewer <input name=\"who\" "
      "maxlength=\"64\">"
      "</label><button type=\"submit\">登录 log in</button></form>"
      "<p>The token is printed by <code>vitalink serve</code> when it "
      "starts.</p></main></body></html>";
  return page;
}

}  // namespace

struct ReviewServer::Impl {
  ServeOptions options;
  std::string output_dir;
  store::Store db;
  // The review queue of the latest run (link/review.json) with its pre-serialized
  // JSON. A new `vitalink run` rewrites the file; Queue() notices (at most one stat a
  // second) and swaps in a new snapshot. Handlers hold theirs for the whole request.
  struct QueueState {
    review::ReviewQueue queue;
    std::vector<std::string> item_json;     // pre-serialized items, without their decision
    std::vector<std::string> summary_json;  // the same for list rows
    std::unordered_map<std::string, size_t> index_by_key;
    fs::file_time_type mtime{};
    uintmax_t size = 0;
  };
  std::shared_ptr<const QueueState> queue_state;  // guarded by queue_mu
  std::chrono::steady_clock::time_point queue_checked{};
  mutable std::mutex queue_mu;
  httplib::Server http;
  int port = 0;

  struct Session {
    std::string who;
    std::string csrf;
    std::chrono::steady_clock::time_point expires;
  };
  mutable std::mutex mu;  // guards sessions and decisions
  std::unordered_map<std::string, Session> sessions;
  std::unordered_map<std::string, store::Decision> decisions;  // live decision per pair key

  explicit Impl(store::Store store) : db(std::move(store)) {}

  struct Caller {
    std::string who;
    std::string csrf;  // empty for bearer callers
    bool bearer = false;
  };

  std::optional<Caller> Authenticate(const httplib::Request& req) {
    const std::string auth = req.get_header_value("Authorization");
    if (auth.rfind("Bearer ", 0) == 0 &&
        SecretEquals(std::string_view(auth).substr(7), options.token)) {
      return Caller{options.default_reviewer, "", true};
    }
    const std::string sid = CookieValue(req, kSessionCookie);
    if (sid.empty()) return std::nullopt;
    std::lock_guard lock(mu);
    const auto it = sessions.find(sid);
    if (it == sessions.end()) return std::nullopt;
    if (std::chrono::steady_clock::now() > it->second.expires) {
      sessions.erase(it);
      return std::nullopt;
    }
    return Caller{it->second.who, it->second.csrf, false};
  }

  // Same-origin check for cookie-authenticated POSTs: the CSRF token must match and a
  // browser-sent Origin must name this host.
  bool CsrfOk(const httplib::Request& req, const Caller& caller) const {
    if (caller.bearer) return true;
    if (!SecretEquals(req.get_header_value("X-CSRF-Token"), caller.csrf)) return false;
    const std::string origin = req.get_header_value("Origin");
    return origin.empty() || origin == "http://" + req.get_header_value("Host");
  }

  static void SendJson(httplib::Response& res, const Json& j, int status = 200) {
    res.status = status;
    res.set_content(j.dump(-1, ' ', false, Json::error_handler_t::replace),
                    "application/json; charset=utf-8");
  }
  static void SendError(httplib::Response& res, int status, std::string_view message) {
    SendJson(res, Json{{"error", message}}, status);
  }

  Json DecisionJson(const store::Decision& d) const {
    return Json{{"decision", d.decision}, {"who", d.who}, {"at", d.at}, {"id", d.decision_id}};
  }

  Json DecisionOf(const std::string& key) const {
    const auto it = decisions.find(key);
    return it == decisions.end() ? Json(nullptr) : DecisionJson(it->second);
  }

  static std::string DisplayName(const review::ReviewRecord& r) {
    for (const char* field : {"name", "child_name"}) {
      for (const auto& [name, value] : r.fields) {
        if (name == field && !value.empty()) return value;
      }
    }
    return {};
  }

  Status LoadDecisions() {
    VL_ASSIGN_OR_RETURN(std::vector<store::Decision> live, db.LatestDecisions());
    std::lock_guard lock(mu);
    decisions.clear();
    for (store::Decision& d : live) {
      std::string key =
          review::PairKey(d.job, d.source_a, d.record_id_a, d.source_b, d.record_id_b);
      decisions.emplace(std::move(key), std::move(d));
    }
    return Status::OK();
  }

  static Result<std::shared_ptr<const QueueState>> LoadQueue(const std::string& out);
  std::shared_ptr<const QueueState> Queue();
  void Routes();
};

// Read link/review.json under `out` (an empty queue when there is none) and
// pre-serialize its items.
Result<std::shared_ptr<const ReviewServer::Impl::QueueState>> ReviewServer::Impl::LoadQueue(
    const std::string& out) {
  auto state = std::make_shared<ReviewServer::Impl::QueueState>();
  const fs::path queue_path = fs::path(out) / "link" / "review.json";
  std::error_code ec;
  if (fs::exists(queue_path, ec)) {
    state->mtime = fs::last_write_time(queue_path, ec);
    state->size = fs::file_size(queue_path, ec);
    VL_ASSIGN_OR_RETURN(std::string text, ReadFile(queue_path.string()));
    auto queue = review::ParseReviewQueue(text);
    if (!queue.ok()) return Status::ParseError(queue_path.string() + ": " + queue.status().message());
    state->queue = std::move(*queue);
  }
  for (size_t i = 0; i < state->queue.items.size(); ++i) {
    const review::ReviewItem& it = state->queue.items[i];
    state->index_by_key.emplace(it.key, i);
    Json j{{"index", i}};
    j.update(review::ItemJson(it, true));
    std::string text = j.dump(-1, ' ', false, Json::error_handler_t::replace);
    text.pop_back();  // the decision is appended per request: {...,"decision":...}
    state->item_json.push_back(std::move(text));
    auto side = [](const review::ReviewRecord& r) {
      return Json{{"source", r.source},
                  {"record_id", r.record_id},
                  {"name", ReviewServer::Impl::DisplayName(r)},
                  {"township_name", r.township_name}};
    };
    Json summary{{"index", i},          {"job", it.job},           {"probability", it.probability},
                 {"weight", it.weight}, {"priority", it.priority}, {"linked", it.linked},
                 {"a", side(it.a)},     {"b", side(it.b)}};
    text = summary.dump(-1, ' ', false, Json::error_handler_t::replace);
    text.pop_back();
    state->summary_json.push_back(std::move(text));
  }
  return std::shared_ptr<const ReviewServer::Impl::QueueState>(std::move(state));
}

std::shared_ptr<const ReviewServer::Impl::QueueState> ReviewServer::Impl::Queue() {
  std::lock_guard lock(queue_mu);
  const auto now = std::chrono::steady_clock::now();
  if (now - queue_checked < std::chrono::seconds(1)) return queue_state;
  queue_checked = now;
  const fs::path queue_path = fs::path(output_dir) / "link" / "review.json";
  std::error_code ec;
  const auto mtime = fs::last_write_time(queue_path, ec);
  if (ec) return queue_state;  // gone for a moment (being replaced): keep the last one
  const uintmax_t size = fs::file_size(queue_path, ec);
  if (ec || (mtime == queue_state->mtime && size == queue_state->size)) return queue_state;
  // A half-written file fails to parse: keep serving the old queue and try again later.
  if (auto fresh = LoadQueue(output_dir); fresh.ok()) queue_state = std::move(*fresh);
  return queue_state;
}

ReviewServer::ReviewServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ReviewServer::~ReviewServer() { Stop(); }

Result<std::unique_ptr<ReviewServer>> ReviewServer::Make(const ServeOptions& options) {
  if (options.port < 0 || options.port > 65535)
    return Status::InvalidArgument("serve: port must be 0–65535");
  VL_ASSIGN_OR_RETURN(std::string out, ResolveOutputDir(options.project));
  const fs::path db_path = fs::path(out) / "project.sqlite";
  std::error_code ec;
  if (!fs::exists(db_path, ec)) {
    return Status::NotFound(db_path.string() + ": no project store; run `vitalink run` first");
  }
  VL_ASSIGN_OR_RETURN(store::Store db, store::Store::Open(db_path.string()));
  auto impl = std::make_unique<Impl>(std::move(db));
  impl->options = options;
  impl->output_dir = out;
  if (impl->options.token.empty()) impl->options.token = RandomHex(16);
  if (!ValidReviewer(impl->options.default_reviewer))
    return Status::InvalidArgument("serve: bad default reviewer");
  VL_ASSIGN_OR_RETURN(impl->queue_state, Impl::LoadQueue(out));
  impl->queue_checked = std::chrono::steady_clock::now();
  VL_RETURN_IF_ERROR(impl->LoadDecisions());
  impl->Routes();
  return std::unique_ptr<ReviewServer>(new ReviewServer(std::move(impl)));
}

void ReviewServer::Impl::Routes() {
  // cpp-httplib gives each open connection a pool thread until it closes, and browsers
  // keep connections alive: the pool is sized by connections, not cores.
  const int threads = options.threads > 0 ? options.threads : 64;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  http.set_tcp_nodelay(true);  // small JSON answers must not wait for delayed ACKs
  http.set_keep_alive_max_count(1000);
  http.set_keep_alive_timeout(5);
  http.set_payload_max_length(options.max_body_bytes);
  httplib::Headers headers;
  for (const auto& h : kSecurityHeaders) headers.emplace(h[0], h[1]);
  http.set_default_headers(headers);

  // Every route but the login needs a caller.
  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (req.path == "/login" || req.path == "/assets/app.css" ||
        req.path == "/assets/favicon.svg" || req.path == "/favicon.ico")
      return httplib::Server::HandlerResponse::Unhandled;
    if (Authenticate(req)) return httplib::Server::HandlerResponse::Unhandled;
    if (req.path.rfind("/api/", 0) == 0) {
      SendError(res, 401,
                "login required: open the login address vitalink serve printed, or send "
                "Authorization: Bearer <token>");
    } else {
      res.status = 401;
      res.set_content(LoginPage(""), "text/html; charset=utf-8");
    }
    return httplib::Server::HandlerResponse::Handled;
  });

  auto login = [this](const httplib::Request& req, httplib::Response& res) {
    if (!req.has_param("token")) {
      res.set_content(LoginPage(""), "text/html; charset=utf-8");
      return;
    }
    std::string who = req.has_param("who") ? req.get_param_value("who") : std::string();
    if (who.empty()) who = options.default_reviewer;
    if (!SecretEquals(req.get_param_value("token"), options.token)) {
      res.status = 401;
      res.set_content(LoginPage("令牌不对 · wrong token"), "text/html; charset=utf-8");
      return;
    }
    if (!ValidReviewer(who)) {
      res.status = 400;
      res.set_content(LoginPage("审核员名称无效 · reviewer name must be 1–64 printable characters"),
                      "text/html; charset=utf-8");
      return;
    }
    const std::string sid = RandomHex(16);
    {
      std::lock_guard lock(mu);
      const auto now = std::chrono::steady_clock::now();
      std::erase_if(sessions, [&](const auto& s) { return now > s.second.expires; });
      sessions[sid] = Session{who, RandomHex(16), now + kSessionLifetime};
    }
    res.set_header("Set-Cookie",
                   std::string(kSessionCookie) + "=" + sid + "; Path=/; HttpOnly; SameSite=Strict");
    res.set_redirect("/", 303);
  };
  http.Get("/login", login);
  http.Post("/login", login);

  http.Post("/logout", [this](const httplib::Request& req, httplib::Response& res) {
    const auto caller = Authenticate(req);
    if (!caller || !CsrfOk(req, *caller)) return SendError(res, 403, "CSRF token missing or wrong");
    std::lock_guard lock(mu);
    sessions.erase(CookieValue(req, kSessionCookie));
    res.set_header("Set-Cookie",
                   std::string(kSessionCookie) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
    SendJson(res, Json{{"ok", true}});
  });

  // The app shell and its assets: fixed names from the binary, nothing from disk.
  auto shell = [](const httplib::Request&, httplib::Response& res) {
    const Asset* a = FindAsset("index.html");
    res.set_content(std::string(a->data), std::string(a->content_type));
  };
  http.Get("/", shell);
  http.Get(R"(/(queue|pair/\d+|runs|decisions))", shell);
  // Pages without an icon link (the bulletins) make the browser ask for /favicon.ico.
  http.Get("/favicon.ico", [](const httplib::Request&, httplib::Response& res) {
    const Asset* a = FindAsset("favicon.svg");
    res.set_content(std::string(a->data), std::string(a->content_type));
  });
  http.Get(R"(/assets/([A-Za-z0-9_.-]+))", [](const httplib::Request& req, httplib::Response& res) {
    const Asset* a = FindAsset(req.matches[1].str());
    if (a == nullptr) return SendError(res, 404, "no such asset");
    res.set_content(std::string(a->data), std::string(a->content_type));
  });

  // Bulletins: by numeric run id, from the run's own copy, or the latest.
  http.Get(R"(/bulletins/(\d{1,12}|latest))",
           [this](const httplib::Request& req, httplib::Response& res) {
             const std::string id = req.matches[1].str();
             const fs::path path = id == "latest"
                                       ? fs::path(output_dir) / "report" / "bulletin.html"
                                       : fs::path(output_dir) / "report" / "runs" / (id + ".html");
             auto text = ReadFile(path.string());
             if (!text.ok()) return SendError(res, 404, "no bulletin for run " + id);
             res.set_content(*text, "text/html; charset=utf-8");
           });

  http.Get("/api/session", [this](const httplib::Request& req, httplib::Response& res) {
    const auto caller = Authenticate(req);
    const auto q = Queue();
    const review::ReviewQueue& queue = q->queue;
    int64_t decided = 0;
    {
      std::lock_guard lock(mu);
      for (const review::ReviewItem& it : queue.items)
        decided += decisions.contains(it.key) ? 1 : 0;
    }
    SendJson(res, Json{{"who", caller->who},
                       {"csrf", caller->csrf},
                       {"run_label", queue.run_label},
                       {"band", Json::array({queue.options.low, queue.options.high})},
                       {"doubtful_pairs", queue.doubtful_pairs},
                       {"items", queue.items.size()},
                       {"decided", decided}});
  });

  http.Get("/api/filters", [this](const httplib::Request&, httplib::Response& res) {
    const auto q = Queue();
    const review::ReviewQueue& queue = q->queue;
    std::set<std::string> jobs, sources;
    std::map<std::string, std::string> townships;
    for (const review::ReviewItem& it : queue.items) {
      jobs.insert(it.job);
      for (const review::ReviewRecord* r : {&it.a, &it.b}) {
        sources.insert(r->source);
        if (!r->township_code.empty()) townships.emplace(r->township_code, r->township_name);
      }
    }
    Json t = Json::array();
    for (const auto& [code, name] : townships) t.push_back(Json{{"code", code}, {"name", name}});
    SendJson(res, Json{{"jobs", jobs}, {"sources", sources}, {"townships", std::move(t)}});
  });

  http.Get("/api/pairs", [this](const httplib::Request& req, httplib::Response& res) {
    const std::string job = req.get_param_value("job");
    const std::string source = req.get_param_value("source");
    const std::string township = req.get_param_value("township");
    const std::string status = req.has_param("status") ? req.get_param_value("status") : "all";
    if (status != "all" && status != "open" && status != "decided") {
      return SendError(res, 400, "status must be all, open or decided");
    }
    int64_t offset = 0, limit = 100;
    try {
      if (req.has_param("offset")) offset = std::stoll(req.get_param_value("offset"));
      if (req.has_param("limit")) limit = std::stoll(req.get_param_value("limit"));
    } catch (const std::exception&) {
      return SendError(res, 400, "offset and limit must be integers");
    }
    if (offset < 0 || limit < 1 || limit > 1000)
      return SendError(res, 400, "offset ≥ 0 and 1 ≤ limit ≤ 1000");
    std::string items;
    int64_t total = 0, shown = 0;
    const auto q = Queue();
    const review::ReviewQueue& queue = q->queue;
    {
      std::lock_guard lock(mu);
      for (size_t i = 0; i < queue.items.size(); ++i) {
        const review::ReviewItem& it = queue.items[i];
        if (!job.empty() && it.job != job) continue;
        if (!source.empty() && it.a.source != source && it.b.source != source) continue;
        if (!township.empty() && it.a.township_code != township && it.b.township_code != township)
          continue;
        const auto d = decisions.find(it.key);
        const bool decided = d != decisions.end();
        if ((status == "open" && decided) || (status == "decided" && !decided)) continue;
        if (total++ < offset || shown >= limit) continue;
        items += shown++ ? "," : "";
        items += q->summary_json[i];
        items += ",\"decision\":";
        items += decided ? DecisionJson(d->second).dump() : "null";
        items += "}";
      }
    }
    res.set_content("{\"total\":" + std::to_string(total) +
                        ",\"offset\":" + std::to_string(offset) + ",\"items\":[" + items + "]}",
                    "application/json; charset=utf-8");
  });

  http.Get(R"(/api/pairs/(\d{1,9}))", [this](const httplib::Request& req, httplib::Response& res) {
    const size_t i = std::stoul(req.matches[1].str());
    const auto q = Queue();
    if (i >= q->item_json.size()) return SendError(res, 404, "no such pair");
    std::string body = q->item_json[i];
    {
      std::lock_guard lock(mu);
      body += ",\"decision\":" + DecisionOf(q->queue.items[i].key).dump() + "}";
    }
    res.set_content(body, "application/json; charset=utf-8");
  });

  http.Post(R"(/api/pairs/(\d{1,9})/decision)", [this](const httplib::Request& req,
                                                       httplib::Response& res) {
    const auto caller = Authenticate(req);
    if (!CsrfOk(req, *caller)) return SendError(res, 403, "CSRF token missing or wrong");
    const size_t i = std::stoul(req.matches[1].str());
    const auto q = Queue();
    if (i >= q->queue.items.size()) return SendError(res, 404, "no such pair");
    Json body;
    try {
      body = Json::parse(req.body);
    } catch (const nlohmann::json::exception&) {
      return SendError(res, 400,
                       "body must be JSON: {\"decision\": \"match\" | \"non_match\" | \"unsure\"}");
    }
    if (!body.is_object() || !body.contains("decision") || !body["decision"].is_string()) {
      return SendError(res, 400,
                       "body must be JSON: {\"decision\": \"match\" | \"non_match\" | \"unsure\"}");
    }
    const review::ReviewItem& it = q->queue.items[i];
    // Indices belong to one queue; a new run replaces it. A client that names the pair's
    // key (the web page does) is told when its index now means another pair.
    if (body.contains("key") && (!body["key"].is_string() || body["key"].get<std::string>() != it.key)) {
      return SendError(res, 409, "the review queue changed (a new run): reload the page");
    }
    store::Decision d;
    d.job = it.job;
    d.source_a = it.a.source;
    d.record_id_a = it.a.record_id;
    d.source_b = it.b.source;
    d.record_id_b = it.b.record_id;
    d.decision = body["decision"].get<std::string>();
    d.who = caller->who;
    d.at = UtcNowIso8601();
    if (body.contains("note") && body["note"].is_string())
      d.note = body["note"].get<std::string>().substr(0, 2000);
    auto id = db.SaveDecision(d);
    if (!id.ok())
      return SendError(res, id.status().code() == StatusCode::kInvalidArgument ? 400 : 500,
                       id.status().message());
    d.decision_id = *id;
    {
      std::lock_guard lock(mu);
      decisions[it.key] = d;
    }
    SendJson(res, Json{{"index", i}, {"key", it.key}, {"decision", DecisionJson(d)}});
  });

  http.Post("/api/undo", [this](const httplib::Request& req, httplib::Response& res) {
    const auto caller = Authenticate(req);
    if (!CsrfOk(req, *caller)) return SendError(res, 403, "CSRF token missing or wrong");
    auto undone = db.UndoLastDecision(caller->who);
    if (!undone.ok()) return SendError(res, 404, "nothing to undo for " + caller->who);
    if (Status s = LoadDecisions(); !s.ok()) return SendError(res, 500, s.message());
    const std::string key = review::PairKey(undone->job, undone->source_a, undone->record_id_a,
                                            undone->source_b, undone->record_id_b);
    const auto q = Queue();
    const auto at = q->index_by_key.find(key);
    std::lock_guard lock(mu);
    SendJson(res, Json{{"key", key},
                       {"index", at == q->index_by_key.end() ? Json(nullptr) : Json(at->second)},
                       {"undone", DecisionJson(*undone)},
                       {"decision", DecisionOf(key)}});
  });

  http.Get("/api/decisions", [this](const httplib::Request&, httplib::Response& res) {
    auto history = db.DecisionHistory();
    if (!history.ok()) return SendError(res, 500, history.status().message());
    Json out = Json::array();
    const auto q = Queue();
    for (const store::Decision& d : *history) {
      const std::string key =
          review::PairKey(d.job, d.source_a, d.record_id_a, d.source_b, d.record_id_b);
      const auto at = q->index_by_key.find(key);
      out.push_back(Json{{"id", d.decision_id},
                         {"key", key},
                         {"index", at == q->index_by_key.end() ? Json(nullptr) : Json(at->second)},
                         {"job", d.job},
                         {"a", Json::array({d.source_a, d.record_id_a})},
                         {"b", Json::array({d.source_b, d.record_id_b})},
                         {"decision", d.decision},
                         {"who", d.who},
                         {"at", d.at},
                         {"undone", d.undone}});
    }
    SendJson(res, Json{{"decisions", std::move(out)}});
  });

  http.Get("/api/runs", [this](const httplib::Request&, httplib::Response& res) {
    auto runs = db.Runs();
    if (!runs.ok()) return SendError(res, 500, runs.status().message());
    Json out = Json::array();
    std::error_code ec;
    for (const store::RunRecord& r : *runs) {
      const bool bulletin = fs::exists(
          fs::path(output_dir) / "report" / "runs" / (std::to_string(r.run_id) + ".html"), ec);
      out.push_back(Json{{"run_id", r.run_id},
                         {"label", r.label},
                         {"started_at", r.started_at},
                         {"finished_at", r.finished_at},
                         {"status", r.status},
                         {"inputs", r.inputs.size()},
                         {"bulletin", bulletin}});
    }
    SendJson(res, Json{{"runs", std::move(out)}});
  });
}

Result<int> ReviewServer::Bind() {
  const int port = impl_->options.port == 0
                       ? impl_->http.bind_to_any_port(impl_->options.bind)
                       : (impl_->http.bind_to_port(impl_->options.bind, impl_->options.port)
                              ? impl_->options.port
                              : -1);
  if (port <= 0) {
    return Status::IOError("serve: cannot listen on " + impl_->options.bind + ":" +
                           std::to_string(impl_->options.port) + " (address in use or not local?)");
  }
  impl_->port = port;
  return port;
}

Status ReviewServer::Listen() {
  if (impl_->port == 0) return Status::FailedPrecondition("serve: Bind before Listen");
  if (!impl_->http.listen_after_bind())
    return Status::IOError("serve: the server stopped with an error");
  return Status::OK();
}

void ReviewServer::Stop() {
  if (impl_ && impl_->http.is_running()) impl_->http.stop();
}

const std::string& ReviewServer::token() const { return impl_->options.token; }
int ReviewServer::port() const { return impl_->port; }
int64_t ReviewServer::queue_size() const { return static_cast<int64_t>(impl_->Queue()->queue.items.size()); }

std::string ReviewServer::LoginUrl() const {
  const std::string host = impl_->options.bind.find(':') != std::string::npos
                               ? "[" + impl_->options.bind + "]"
                               : impl_->options.bind;
  return "http://" + host + ":" + std::to_string(impl_->port) +
         "/login?token=" + impl_->options.token;
}

}  // namespace vitalink::serve
