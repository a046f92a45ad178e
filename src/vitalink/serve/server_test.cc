// The review server's security and API contract, over real HTTP on loopback: no token, no
// access; CSRF refused; hostile names travel as data, never as markup; no path from a
// request reaches the disk; oversized bodies refused; decisions and undo land in the store.
#include "vitalink/serve/server.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "vitalink/review/queue.h"
#include "vitalink/serve/assets.h"
#include "vitalink/store/store.h"

namespace vitalink::serve {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

const std::string kHostile =
    "<script>window.pwned=1</script>\"'&<img src=x onerror=alert(1)>\u202e末尾";
const std::string kToken = "0123456789abcdef0123456789abcdef";

review::ReviewItem Item(int i, const std::string& name) {
  review::ReviewItem it;
  it.job = "register_dedupe";
  it.a = {"register",  "register", "R" + std::to_string(2 * i), 10, {{"name", name}, {"sex", "1"}},
          "430182001", "道林镇"};
  it.b = {"register",
          "register",
          "R" + std::to_string(2 * i + 1),
          11,
          {{"name", "张三"}, {"sex", "1"}},
          "430182001",
          "道林镇"};
  if (std::tie(it.b.source, it.b.record_id) < std::tie(it.a.source, it.a.record_id))
    std::swap(it.a, it.b);
  it.key = review::PairKey(it.job, it.a.source, it.a.record_id, it.b.source, it.b.record_id);
  it.weight = 0.5;
  it.probability = 0.6;
  it.linked = true;
  it.priority = 0.4;
  it.waterfall = {{"prior", "", -9.5}, {"name", "else", 10.0}};
  return it;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("vl_serve_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "link");
    fs::create_directories(dir_ / "report" / "runs");
    {
      auto db = store::Store::Open((dir_ / "project.sqlite").string());
      ASSERT_TRUE(db.ok());
    }
    review::ReviewQueue q;
    q.run_label = "2026-10";
    q.items.push_back(Item(0, kHostile));
    q.items.push_back(Item(1, std::string(20000, 'x') + "\u200f"));
    q.items.push_back(Item(2, "李四"));
    std::ofstream(dir_ / "link" / "review.json") << review::ReviewQueueJson(q);
    std::ofstream(dir_ / "report" / "runs" / "1.html")
        << "<!doctype html><title>bulletin one</title>";
    std::ofstream(dir_ / "secret.txt") << "do not serve";

    ServeOptions options;
    options.project = dir_.string();
    options.port = 0;
    options.token = kToken;
    options.threads = 2;
    auto server = ReviewServer::Make(options);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
    auto port = server_->Bind();
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    thread_ = std::thread([this] { (void)server_->Listen(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", *port);
    // Wait until the server answers.
    for (int i = 0; i < 200 && !client_->Get("/login"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  void TearDown() override {
    server_->Stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
    fs::remove_all(dir_);
  }

  // Log in and return the cookie header and the session's CSRF token.
  std::pair<httplib::Headers, std::string> Login() {
    auto res = client_->Get("/login?token=" + kToken + "&who=%E5%AE%A1%E6%A0%B8%E5%91%98");
    EXPECT_TRUE(res);
    EXPECT_EQ(res->status, 303);
    const std::string cookie = res->get_header_value("Set-Cookie");
    EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
    EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
    httplib::Headers headers{{"Cookie", cookie.substr(0, cookie.find(';'))}};
    auto session = client_->Get("/api/session", headers);
    EXPECT_TRUE(session);
    EXPECT_EQ(session->status, 200);
    const Json j = Json::parse(session->body);
    EXPECT_EQ(j["who"], "审核员");
    return {headers, j["csrf"].get<std::string>()};
  }

  fs::path dir_;
  std::unique_ptr<ReviewServer> server_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ServerTest, DefaultsToLoopback) {
  EXPECT_EQ(ServeOptions{}.bind, "127.0.0.1");
  EXPECT_NE(server_->LoginUrl().find("http://127.0.0.1:"), std::string::npos);
}

TEST_F(ServerTest, EveryRouteNeedsTheToken) {
  for (const char* path :
       {"/", "/queue", "/pair/0", "/api/pairs", "/api/pairs/0", "/api/session", "/api/runs",
        "/api/decisions", "/api/filters", "/assets/app.js", "/bulletins/1", "/bulletins/latest"}) {
    auto res = client_->Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 401) << path;
    EXPECT_EQ(res->body.find("张三"), std::string::npos) << path;
  }
  auto post =
      client_->Post("/api/pairs/0/decision", "{\"decision\":\"match\"}", "application/json");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 401);
  // A wrong token, as login or bearer, is refused too.
  EXPECT_EQ(client_->Get("/login?token=" + std::string(32, '0'))->status, 401);
  EXPECT_EQ(
      client_->Get("/api/pairs", {{"Authorization", "Bearer " + std::string(32, '0')}})->status,
      401);
  EXPECT_EQ(client_->Get("/api/pairs", {{"Cookie", "vl_session=forged"}})->status, 401);
  // The right bearer token works.
  EXPECT_EQ(client_->Get("/api/pairs", {{"Authorization", "Bearer " + kToken}})->status, 200);
}

TEST_F(ServerTest, PostsWithACookieNeedTheCsrfToken) {
  auto [headers, csrf] = Login();
  const std::string body = "{\"decision\":\"match\"}";
  auto none = client_->Post("/api/pairs/0/decision", headers, body, "application/json");
  EXPECT_EQ(none->status, 403);
  httplib::Headers wrong = headers;
  wrong.emplace("X-CSRF-Token", std::string(csrf.size(), 'f'));
  EXPECT_EQ(client_->Post("/api/pairs/0/decision", wrong, body, "application/json")->status, 403);
  httplib::Headers foreign = headers;
  foreign.emplace("X-CSRF-Token", csrf);
  foreign.emplace("Origin", "http://evil.example");
  EXPECT_EQ(client_->Post("/api/pairs/0/decision", foreign, body, "application/json")->status, 403);
  EXPECT_EQ(client_->Post("/api/undo", headers, "{}", "application/json")->status, 403);
  {
    auto db = store::Store::Open((dir_ / "project.sqlite").string());
    EXPECT_TRUE(db->LatestDecisions()->empty()) << "a refused request must not be stored";
  }
  httplib::Headers good = headers;
  good.emplace("X-CSRF-Token", csrf);
  auto ok = client_->Post("/api/pairs/0/decision", good, body, "application/json");
  ASSERT_EQ(ok->status, 200) << ok->body;
  auto db = store::Store::Open((dir_ / "project.sqlite").string());
  const auto stored = db->LatestDecisions();
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ((*stored)[0].decision, "match");
  EXPECT_EQ((*stored)[0].who, "审核员");
  EXPECT_EQ((*stored)[0].record_id_a, "R0");
}

TEST_F(ServerTest, HostileNamesAreDataNotMarkup) {
  auto [headers, csrf] = Login();
  auto pair = client_->Get("/api/pairs/0", headers);
  ASSERT_EQ(pair->status, 200);
  EXPECT_NE(pair->get_header_value("Content-Type").find("application/json"), std::string::npos);
  EXPECT_EQ(pair->get_header_value("X-Content-Type-Options"), "nosniff");
  const Json j = Json::parse(pair->body);  // well-formed JSON whatever the name holds
  EXPECT_EQ(j["a"]["fields"][0][1], kHostile);
  auto list = client_->Get("/api/pairs?limit=10", headers);
  const Json l = Json::parse(list->body);
  EXPECT_EQ(l["items"][0]["a"]["name"], kHostile);
  EXPECT_EQ(l["items"][1]["a"]["name"].get<std::string>().size(), 20000u + 3u);
  // Pages are fixed shells: no record reaches HTML from the server, and the policy
  // forbids inline script in case one ever did.
  for (const char* path : {"/", "/queue", "/pair/0"}) {
    auto page = client_->Get(path, headers);
    ASSERT_EQ(page->status, 200) << path;
    EXPECT_EQ(page->body.find("pwned"), std::string::npos);
    EXPECT_NE(page->get_header_value("Content-Security-Policy").find("script-src 'self'"),
              std::string::npos);
  }
  // The app writes text with text nodes only.
  const Asset* js = FindAsset("app.js");
  ASSERT_NE(js, nullptr);
  EXPECT_EQ(js->data.find("innerHTML"), std::string_view::npos);
  EXPECT_EQ(js->data.find("insertAdjacentHTML"), std::string_view::npos);
  EXPECT_EQ(js->data.find("document.write"), std::string_view::npos);
}

TEST_F(ServerTest, NoPathFromTheRequestReachesTheDisk) {
  auto [headers, csrf] = Login();
  EXPECT_EQ(client_->Get("/bulletins/1", headers)->status, 200);
  for (const char* path :
       {"/assets/../secret.txt", "/assets/..%2fsecret.txt", "/assets/%2e%2e/secret.txt",
        "/bulletins/../secret.txt", "/bulletins/1%2f..%2f..%2fsecret.txt", "/bulletins/-1",
        "/bulletins/1.html", "/secret.txt", "/project.sqlite", "/assets/", "/assets/app.js/..",
        "/../secret.txt", "/link/review.json"}) {
    auto res = client_->Get(path, headers);
    ASSERT_TRUE(res) << path;
    EXPECT_GE(res->status, 400) << path;
    EXPECT_EQ(res->body.find("do not serve"), std::string::npos) << path;
    EXPECT_EQ(res->body.find("SQLite format"), std::string::npos) << path;
  }
}

TEST_F(ServerTest, OversizedAndMalformedBodiesAreRefused) {
  auto [headers, csrf] = Login();
  headers.emplace("X-CSRF-Token", csrf);
  const std::string huge =
      "{\"decision\":\"match\",\"note\":\"" + std::string(1 << 20, 'a') + "\"}";
  auto big = client_->Post("/api/pairs/0/decision", headers, huge, "application/json");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  EXPECT_EQ(client_->Post("/api/pairs/0/decision", headers, "not json", "application/json")->status,
            400);
  EXPECT_EQ(
      client_
          ->Post("/api/pairs/0/decision", headers, "{\"decision\":\"maybe\"}", "application/json")
          ->status,
      400);
  EXPECT_EQ(client_->Post("/api/pairs/0/decision", headers, "[1]", "application/json")->status,
            400);
  EXPECT_EQ(
      client_
          ->Post("/api/pairs/99/decision", headers, "{\"decision\":\"match\"}", "application/json")
          ->status,
      404);
  EXPECT_EQ(client_->Get("/api/pairs?limit=0", headers)->status, 400);
  EXPECT_EQ(client_->Get("/api/pairs?offset=x", headers)->status, 400);
  EXPECT_EQ(client_->Get("/api/pairs?status=bogus", headers)->status, 400);
  EXPECT_EQ(client_->Get("/login?token=" + kToken + "&who=%01bad")->status, 400);
}

TEST_F(ServerTest, DecideUndoAndFilter) {
  auto [headers, csrf] = Login();
  headers.emplace("X-CSRF-Token", csrf);
  ASSERT_EQ(
      client_
          ->Post("/api/pairs/0/decision", headers, "{\"decision\":\"match\"}", "application/json")
          ->status,
      200);
  ASSERT_EQ(client_
                ->Post("/api/pairs/1/decision", headers, "{\"decision\":\"non_match\"}",
                       "application/json")
                ->status,
            200);
  ASSERT_EQ(
      client_
          ->Post("/api/pairs/1/decision", headers, "{\"decision\":\"unsure\"}", "application/json")
          ->status,
      200);
  auto open = Json::parse(client_->Get("/api/pairs?status=open", headers)->body);
  EXPECT_EQ(open["total"], 1);
  EXPECT_EQ(open["items"][0]["index"], 2);
  // Undo walks back: pair 1 returns to non_match, then to undecided.
  auto undo = client_->Post("/api/undo", headers, "{}", "application/json");
  ASSERT_EQ(undo->status, 200);
  Json u = Json::parse(undo->body);
  EXPECT_EQ(u["index"], 1);
  EXPECT_EQ(u["undone"]["decision"], "unsure");
  EXPECT_EQ(u["decision"]["decision"], "non_match");
  u = Json::parse(client_->Post("/api/undo", headers, "{}", "application/json")->body);
  EXPECT_EQ(u["index"], 1);
  EXPECT_TRUE(u["decision"].is_null());
  auto decided = Json::parse(client_->Get("/api/pairs?status=decided", headers)->body);
  EXPECT_EQ(decided["total"], 1);
  EXPECT_EQ(Json::parse(client_->Get("/api/pairs/0", headers)->body)["decision"]["decision"],
            "match");
  auto history = Json::parse(client_->Get("/api/decisions", headers)->body);
  EXPECT_EQ(history["decisions"].size(), 3u);
  // Filters: a township no pair is in gives nothing.
  EXPECT_EQ(Json::parse(client_->Get("/api/pairs?township=430182999", headers)->body)["total"], 0);
  EXPECT_EQ(Json::parse(client_->Get("/api/pairs?township=430182001", headers)->body)["total"], 3);
  EXPECT_EQ(Json::parse(client_->Get("/api/pairs?source=births", headers)->body)["total"], 0);
  auto filters = Json::parse(client_->Get("/api/filters", headers)->body);
  EXPECT_EQ(filters["townships"][0]["name"], "道林镇");
  // A restarted server reads the stored decisions back.
  server_->Stop();
  thread_.join();
  ServeOptions options;
  options.project = dir_.string();
  options.port = 0;
  options.token = kToken;
  auto again = ReviewServer::Make(options);
  ASSERT_TRUE(again.ok());
  auto port = (*again)->Bind();
  ASSERT_TRUE(port.ok());
  std::thread t([&] { (void)(*again)->Listen(); });
  httplib::Client c("127.0.0.1", *port);
  std::string body;
  for (int i = 0; i < 200 && body.empty(); ++i) {
    if (auto r = c.Get("/api/pairs/0", {{"Authorization", "Bearer " + kToken}}))
      body = r->body;
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_FALSE(body.empty());
  EXPECT_EQ(Json::parse(body)["decision"]["decision"], "match");
  (*again)->Stop();
  t.join();
  thread_ = std::thread();
}

// A new run rewrites link/review.json while the server runs: within a second the
// server serves the new queue, and a decision naming the old pair's key at an index
// that now holds another pair is refused (409) instead of landing on the wrong pair.
TEST_F(ServerTest, ANewRunsQueueIsServedWithoutARestart) {
  const httplib::Headers bearer{{"Authorization", "Bearer " + kToken}};
  auto first = Json::parse(client_->Get("/api/pairs/0", bearer)->body);
  const std::string old_key = first["key"].get<std::string>();
  review::ReviewQueue q;
  q.run_label = "2026-11";
  for (int i = 10; i < 14; ++i) q.items.push_back(Item(i, "王五"));
  {
    const fs::path tmp = dir_ / "link" / "review.json.tmp";
    std::ofstream(tmp) << review::ReviewQueueJson(q);
    fs::rename(tmp, dir_ / "link" / "review.json");
  }
  Json session;
  for (int i = 0; i < 300; ++i) {
    session = Json::parse(client_->Get("/api/session", bearer)->body);
    if (session["run_label"] == "2026-11") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(session["run_label"], "2026-11");
  EXPECT_EQ(session["items"], 4);
  EXPECT_EQ(server_->queue_size(), 4);
  EXPECT_EQ(Json::parse(client_->Get("/api/pairs/3", bearer)->body)["key"], q.items[3].key);
  auto stale = client_->Post("/api/pairs/0/decision", bearer,
                             Json{{"decision", "match"}, {"key", old_key}}.dump(), "application/json");
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 409);
  EXPECT_TRUE(Json::parse(client_->Get("/api/decisions", bearer)->body)["decisions"].empty());
  auto fresh = client_->Post("/api/pairs/0/decision", bearer,
                             Json{{"decision", "match"}, {"key", q.items[0].key}}.dump(), "application/json");
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->status, 200);
}

TEST(ServerMakeTest, RefusesAFolderWithoutAProject) {
  ServeOptions options;
  options.project =
      (fs::temp_directory_path() / ("vl_serve_none_" + std::to_string(::getpid()))).string();
  fs::create_directories(options.project);
  auto server = ReviewServer::Make(options);
  EXPECT_EQ(server.status().code(), StatusCode::kNotFound);
  EXPECT_NE(server.status().message().find("vitalink run"), std::string::npos);
  fs::remove_all(options.project);
}

}  // namespace
}  // namespace vitalink::serve
