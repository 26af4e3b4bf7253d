#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "observe/http_server.h"
#include "observe/logger.h"
#include "observe/metrics.h"

namespace vigie::observe {
namespace {

// ---------------------------------------------------------------------------------------------
// Metrics

TEST(Metrics, CounterExposition) {
  Registry r;
  r.counter("vigie_events_total", "Events read.", {{"topic", "ehr"}, {"outcome", "ok"}}).inc(3);
  r.counter("vigie_events_total", "Events read.", {{"topic", "ad"}, {"outcome", "ok"}}).inc();
  r.counter("vigie_dead_letters_total", "Dead letters.").inc(0);
  EXPECT_EQ(r.render(),
            "# HELP vigie_dead_letters_total Dead letters.\n"
            "# TYPE vigie_dead_letters_total counter\n"
            "vigie_dead_letters_total 0\n"
            "# HELP vigie_events_total Events read.\n"
            "# TYPE vigie_events_total counter\n"
            "vigie_events_total{outcome=\"ok\",topic=\"ad\"} 1\n"
            "vigie_events_total{outcome=\"ok\",topic=\"ehr\"} 3\n");
}

TEST(Metrics, GaugeExposition) {
  Registry r;
  Gauge& lag = r.gauge("vigie_consumer_lag", "Lag.", {{"partition", "0"}});
  lag.set(12);
  lag.add(-2.5);
  r.gauge("vigie_ratio", "A ratio.").set(0.1);
  r.gauge("vigie_inf", "Infinite.").set(std::numeric_limits<double>::infinity());
  r.gauge("vigie_nan", "Not a number.").set(std::numeric_limits<double>::quiet_NaN());
  EXPECT_DOUBLE_EQ(lag.value(), 9.5);
  EXPECT_EQ(r.render(),
            "# HELP vigie_consumer_lag Lag.\n"
            "# TYPE vigie_consumer_lag gauge\n"
            "vigie_consumer_lag{partition=\"0\"} 9.5\n"
            "# HELP vigie_inf Infinite.\n"
            "# TYPE vigie_inf gauge\n"
            "vigie_inf +Inf\n"
            "# HELP vigie_nan Not a number.\n"
            "# TYPE vigie_nan gauge\n"
            "vigie_nan NaN\n"
            "# HELP vigie_ratio A ratio.\n"
            "# TYPE vigie_ratio gauge\n"
            "vigie_ratio 0.1\n");
}

TEST(Metrics, HistogramCumulativeBucketsAndInf) {
  Registry r;
  Histogram& h =
      r.histogram("vigie_batch_seconds", "Batch time.", {0.01, 0.1, 1}, {{"stage", "match"}});
  h.observe(0.005);
  h.observe(0.01);  // le is inclusive
  h.observe(0.5);
  h.observe(3);
  h.observe(std::numeric_limits<double>::quiet_NaN());  // ignored
  EXPECT_EQ(h.count(), 4u);
  EXPECT_EQ(h.cumulative_counts(), (std::vector<std::uint64_t>{2, 2, 3, 4}));
  EXPECT_EQ(r.render(),
            "# HELP vigie_batch_seconds Batch time.\n"
            "# TYPE vigie_batch_seconds histogram\n"
            "vigie_batch_seconds_bucket{stage=\"match\",le=\"0.01\"} 2\n"
            "vigie_batch_seconds_bucket{stage=\"match\",le=\"0.1\"} 2\n"
            "vigie_batch_seconds_bucket{stage=\"match\",le=\"1\"} 3\n"
            "vigie_batch_seconds_bucket{stage=\"match\",le=\"+Inf\"} 4\n"
            "vigie_batch_seconds_sum{stage=\"match\"} 3.515\n"
            "vigie_batch_seconds_count{stage=\"match\"} 4\n");
}

TEST(Metrics, HistogramWithoutLabelsAndTrailingInf) {
  Registry r;
  Histogram& h = r.histogram("vigie_size_bytes", "Sizes.",
                             {100, 1000, std::numeric_limits<double>::infinity()});
  h.observe(50);
  EXPECT_EQ(r.render(),
            "# HELP vigie_size_bytes Sizes.\n"
            "# TYPE vigie_size_bytes histogram\n"
            "vigie_size_bytes_bucket{le=\"100\"} 1\n"
            "vigie_size_bytes_bucket{le=\"1000\"} 1\n"
            "vigie_size_bytes_bucket{le=\"+Inf\"} 1\n"
            "vigie_size_bytes_sum 50\n"
            "vigie_size_bytes_count 1\n");
}

TEST(Metrics, LabelValueAndHelpEscaping) {
  Registry r;
  r.counter("vigie_x_total", "Help with \\ and\nnewline.",
            {{"rule", "a\\b\"c\nd"}, {"bad_utf8", std::string("x\xff")}})
      .inc();
  EXPECT_EQ(r.render(),
            "# HELP vigie_x_total Help with \\\\ and\\nnewline.\n"
            "# TYPE vigie_x_total counter\n"
            "vigie_x_total{bad_utf8=\"x\xEF\xBF\xBD\",rule=\"a\\\\b\\\"c\\nd\"} 1\n");
}

TEST(Metrics, SameNameAndLabelsReturnSameObject) {
  Registry r;
  Counter& a = r.counter("vigie_m_total", "M.", {{"a", "1"}, {"b", "2"}});
  Counter& b = r.counter("vigie_m_total", "other help", {{"b", "2"}, {"a", "1"}});
  Counter& c = r.counter("vigie_m_total", "M.", {{"a", "1"}, {"b", "3"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
  EXPECT_EQ(&r.gauge("vigie_g", "G."), &r.gauge("vigie_g", "G."));
  EXPECT_EQ(&r.histogram("vigie_h", "H.", {1, 2}), &r.histogram("vigie_h", "H.", {1, 2}));
  // Addresses survive many later registrations.
  for (int i = 0; i < 1000; ++i) {
    r.counter("vigie_m_total", "M.", {{"a", std::to_string(i)}, {"b", "x"}});
  }
  EXPECT_EQ(&a, &r.counter("vigie_m_total", "M.", {{"a", "1"}, {"b", "2"}}));
  EXPECT_TRUE(r.check().ok());
}

TEST(Metrics, ConcurrentIncSumsExactly) {
  Registry r;
  Counter& c = r.counter("vigie_c_total", "C.");
  Histogram& h = r.histogram("vigie_h", "H.", {0.5});
  Gauge& g = r.gauge("vigie_g", "G.");
  constexpr int kThreads = 4;
  constexpr int kPerThread = 250000;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        c.inc();
        h.observe(1);
        g.add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.value(), std::uint64_t{kThreads} * kPerThread);
  EXPECT_EQ(h.count(), std::uint64_t{kThreads} * kPerThread);
  EXPECT_DOUBLE_EQ(h.sum(), double{kThreads} * kPerThread);
  EXPECT_DOUBLE_EQ(g.value(), double{kThreads} * kPerThread);
}

TEST(Metrics, OnScrapeRunsBeforeEachRender) {
  Registry r;
  int calls = 0;
  r.on_scrape([&calls](Registry& reg) {
    ++calls;
    reg.gauge("vigie_store_bytes", "Store size.").set(calls * 100);
  });
  EXPECT_EQ(r.render(),
            "# HELP vigie_store_bytes Store size.\n"
            "# TYPE vigie_store_bytes gauge\n"
            "vigie_store_bytes 100\n");
  EXPECT_NE(r.render().find("vigie_store_bytes 200\n"), std::string::npos);
  EXPECT_EQ(calls, 2);
}

TEST(Metrics, OnScrapeExceptionIsCounted) {
  Registry r;
  r.on_scrape([](Registry&) { throw std::runtime_error("boom"); });
  r.on_scrape([](Registry& reg) { reg.gauge("vigie_after", "Runs anyway.").set(1); });
  std::string text = r.render();
  EXPECT_NE(text.find("vigie_scrape_callback_errors_total 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("vigie_after 1\n"), std::string::npos) << text;
}

struct BadCall {
  const char* name;
  std::function<void(Registry&)> call;
  const char* code;
};

class MetricsBadCall : public ::testing::TestWithParam<BadCall> {};

TEST_P(MetricsBadCall, IsDetachedAndReported) {
  Registry r;
  r.counter("vigie_ok_total", "Fine.").inc();
  const std::string before = r.render();
  GetParam().call(r);
  EXPECT_EQ(r.render(), before);
  Status s = r.check();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), GetParam().code) << s.to_string();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, MetricsBadCall,
    ::testing::Values(
        BadCall{"DigitFirst", [](Registry& r) { r.counter("1abc", "x").inc(); },
                "metric-invalid-name"},
        BadCall{"Dash", [](Registry& r) { r.gauge("vigie-x", "x").set(1); }, "metric-invalid-name"},
        BadCall{"Empty", [](Registry& r) { r.counter("", "x").inc(); }, "metric-invalid-name"},
        BadCall{"LabelColon",
                [](Registry& r) {
                  r.counter("vigie_a", "x", {{"a:b", "1"}}).inc();
                },
                "metric-invalid-label"},
        BadCall{"LabelReserved",
                [](Registry& r) {
                  r.counter("vigie_a", "x", {{"__name", "1"}}).inc();
                },
                "metric-invalid-label"},
        BadCall{"LabelTwice",
                [](Registry& r) {
                  r.counter("vigie_a", "x", {{"a", "1"}, {"a", "2"}}).inc();
                },
                "metric-invalid-label"},
        BadCall{"HistogramLe",
                [](Registry& r) {
                  r.histogram("vigie_h", "x", {1}, {{"le", "1"}}).observe(1);
                },
                "metric-invalid-label"},
        BadCall{"TypeConflict", [](Registry& r) { r.gauge("vigie_ok_total", "x").set(5); },
                "metric-type-conflict"},
        BadCall{"BucketsUnsorted",
                [](Registry& r) {
                  r.histogram("vigie_h", "x", {2, 1});
                },
                "metric-invalid-buckets"},
        BadCall{"BucketsNaN",
                [](Registry& r) {
                  r.histogram("vigie_h", "x", {std::numeric_limits<double>::quiet_NaN()});
                },
                "metric-invalid-buckets"}),
    [](const ::testing::TestParamInfo<BadCall>& info) { return std::string(info.param.name); });

TEST(Metrics, HistogramOtherBucketsIsReported) {
  Registry r;
  Histogram& a = r.histogram("vigie_h", "H.", {1, 2});
  Histogram& b = r.histogram("vigie_h", "H.", {1, 3});
  EXPECT_NE(&a, &b);
  EXPECT_EQ(r.check().code(), "metric-invalid-buckets");
}

TEST(Metrics, BucketHelpers) {
  EXPECT_EQ(linear_buckets(1, 2, 3), (std::vector<double>{1, 3, 5}));
  EXPECT_EQ(exponential_buckets(0.001, 10, 4), (std::vector<double>{0.001, 0.01, 0.1, 1}));
}

// ---------------------------------------------------------------------------------------------
// HTTP (127.0.0.1, ephemeral port)

struct HttpReply {
  int status = 0;
  std::string headers;  // lower-cased header block
  std::string body;
};

// A minimal HTTP/1.1 client over a raw socket: the test sees exactly what goes on the wire.
HttpReply fetch(int port, const std::string& method, const std::string& path) {
  HttpReply reply;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return reply;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return reply;
  }
  std::string request =
      method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (::send(fd, request.data(), request.size(), 0) != static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return reply;
  }
  std::string raw;
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    raw.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  std::size_t end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.1 ", 0) != 0 || end == std::string::npos) return reply;
  reply.status = std::stoi(raw.substr(9, 3));
  reply.headers = raw.substr(0, end);
  for (char& c : reply.headers) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  reply.body = raw.substr(end + 4);
  return reply;
}

HttpOptions ephemeral() {
  HttpOptions o;
  o.address = "127.0.0.1:0";
  return o;
}

TEST(HttpServer, ServesMetricsHealthAndReadiness) {
  Registry registry;
  registry.counter("vigie_events_total", "Events.", {{"topic", "ehr"}}).inc(7);
  std::atomic<bool> ready{false};
  auto server = HttpServer::start(
      ephemeral(), registry, [&] { return ready.load(); }, [] { return true; });
  ASSERT_TRUE(server.ok()) << server.status().to_string();
  int port = (*server)->port();
  ASSERT_GT(port, 0);

  HttpReply metrics = fetch(port, "GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.headers.find("content-type: text/plain; version=0.0.4"), std::string::npos)
      << metrics.headers;
  EXPECT_EQ(metrics.body, registry.render());
  EXPECT_NE(metrics.body.find("vigie_events_total{topic=\"ehr\"} 7\n"), std::string::npos);

  HttpReply health = fetch(port, "GET", "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "ok");

  EXPECT_EQ(fetch(port, "GET", "/readyz").status, 503);
  ready = true;
  HttpReply readyz = fetch(port, "GET", "/readyz");
  EXPECT_EQ(readyz.status, 200);
  EXPECT_EQ(readyz.body, "ok");

  EXPECT_EQ(fetch(port, "GET", "/nope").status, 404);
  EXPECT_EQ(fetch(port, "GET", "/metrics/extra").status, 404);
  HttpReply head = fetch(port, "HEAD", "/metrics");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  HttpReply post = fetch(port, "POST", "/metrics");
  EXPECT_EQ(post.status, 405);
  EXPECT_NE(post.headers.find("allow: get, head"), std::string::npos);

  (*server)->stop();
  (*server)->stop();                                    // idempotent
  EXPECT_EQ(fetch(port, "GET", "/healthz").status, 0);  // nothing listens any more
}

TEST(HttpServer, UnhealthyAndThrowingProbesAre503) {
  Registry registry;
  auto server = HttpServer::start(
      ephemeral(), registry, []() -> bool { throw std::runtime_error("x"); }, [] { return false; });
  ASSERT_TRUE(server.ok()) << server.status().to_string();
  HttpReply health = fetch((*server)->port(), "GET", "/healthz");
  EXPECT_EQ(health.status, 503);
  EXPECT_EQ(health.body, "unhealthy");
  EXPECT_EQ(fetch((*server)->port(), "GET", "/readyz").status, 503);
}

TEST(HttpServer, MetricsRunOnScrapeCallbacks) {
  Registry registry;
  std::atomic<int> calls{0};
  registry.on_scrape([&](Registry& r) { r.gauge("vigie_lag", "Lag.").set(++calls); });
  auto server = HttpServer::start(ephemeral(), registry, nullptr, nullptr);
  ASSERT_TRUE(server.ok()) << server.status().to_string();
  EXPECT_NE(fetch((*server)->port(), "GET", "/metrics").body.find("vigie_lag 1\n"),
            std::string::npos);
  EXPECT_EQ(calls.load(), 1);
  // Empty probe functions count as true.
  EXPECT_EQ(fetch((*server)->port(), "GET", "/readyz").status, 200);
}

TEST(HttpServer, ManyConcurrentClients) {
  Registry registry;
  registry.counter("vigie_c_total", "C.").inc();
  auto server = HttpServer::start(ephemeral(), registry, nullptr, nullptr);
  ASSERT_TRUE(server.ok()) << server.status().to_string();
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  clients.reserve(8);
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        if (fetch((*server)->port(), "GET", "/metrics").status == 200) ++ok;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 80);
}

TEST(HttpServer, BindConflictIsAClearError) {
  Registry registry;
  auto first = HttpServer::start(ephemeral(), registry, nullptr, nullptr);
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  HttpOptions options;
  options.address = "127.0.0.1:" + std::to_string((*first)->port());
  auto second = HttpServer::start(options, registry, nullptr, nullptr);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), "http-listen-failed");
  EXPECT_EQ(second.status().message(),
            "cannot listen on " + options.address + ": Address already in use");
}

TEST(HttpServer, InvalidAddresses) {
  Registry registry;
  for (const char* address : {"9464", ":9464", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:x",
                              "::1:9464", "127.0.0.1:-1"}) {
    HttpOptions options;
    options.address = address;
    auto server = HttpServer::start(options, registry, nullptr, nullptr);
    ASSERT_FALSE(server.ok()) << address;
    EXPECT_EQ(server.status().code(), "http-invalid-address") << address;
  }
  HttpOptions options;
  options.address = "no-such-host.invalid:0";
  auto server = HttpServer::start(options, registry, nullptr, nullptr);
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), "http-listen-failed");
  EXPECT_EQ(server.status().message().rfind("cannot listen on no-such-host.invalid:0: ", 0), 0u)
      << server.status().message();
}

TEST(HttpServer, StopRightAfterStartAndDestructor) {
  Registry registry;
  for (int i = 0; i < 20; ++i) {
    auto server = HttpServer::start(ephemeral(), registry, nullptr, nullptr);
    ASSERT_TRUE(server.ok()) << server.status().to_string();
    if (i % 2 == 0) (*server)->stop();
  }  // the destructor stops the others
}

// ---------------------------------------------------------------------------------------------
// Logger

// Everything written to a temporary FILE*, read back.
class Captured {
 public:
  Captured() : file_(std::tmpfile()) {}
  ~Captured() {
    if (file_ != nullptr) std::fclose(file_);
  }
  std::FILE* get() { return file_; }
  std::vector<std::string> lines() {
    std::fflush(file_);
    std::rewind(file_);
    std::vector<std::string> out;
    std::string line;
    int c;
    while ((c = std::fgetc(file_)) != EOF) {
      if (c == '\n') {
        out.push_back(line);
        line.clear();
      } else {
        line.push_back(static_cast<char>(c));
      }
    }
    EXPECT_TRUE(line.empty()) << "unterminated last line: " << line;
    return out;
  }

 private:
  std::FILE* file_;
};

const std::regex kTime(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");

TEST(Logger, TextLine) {
  Captured out;
  ASSERT_NE(out.get(), nullptr);
  Logger log(LogFormat::kText, out.get());
  log.info("consumer_started", {{"topic", "ehr.access"}, {"partitions", "3"}});
  log.warn("rebalance");
  log.error("store_failed", {{"reason", "disk full"}, {"code", ""}});
  std::vector<std::string> lines = out.lines();
  ASSERT_EQ(lines.size(), 3u);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(lines[0], m, kTime));
  EXPECT_EQ(m.position(0), 0);
  EXPECT_EQ(lines[0].substr(24), " INFO consumer_started topic=ehr.access partitions=3");
  EXPECT_EQ(lines[1].substr(24), " WARN rebalance");
  EXPECT_EQ(lines[2].substr(24), " ERROR store_failed reason=\"disk full\" code=\"\"");
}

TEST(Logger, ExactTimeFormat) {
  Logger log(LogFormat::kText, nullptr);
  auto t = std::chrono::system_clock::time_point(std::chrono::milliseconds(1796533920123));
  EXPECT_EQ(log.format_line(t, LogLevel::kInfo, "event", {{"key", "value"}}),
            "2026-12-06T05:12:00.123Z INFO event key=value\n");
  Logger json(LogFormat::kJson, nullptr);
  EXPECT_EQ(json.format_line(t, LogLevel::kWarn, "event", {{"key", "value"}}),
            "{\"time\":\"2026-12-06T05:12:00.123Z\",\"level\":\"WARN\",\"event\":\"event\","
            "\"key\":\"value\"}\n");
}

TEST(Logger, TextEscapingKeepsOneLine) {
  Logger log(LogFormat::kText, nullptr);
  auto t = std::chrono::system_clock::time_point(std::chrono::milliseconds(0));
  EXPECT_EQ(log.format_line(t, LogLevel::kInfo, "e",
                            {{"a", "two\nlines"},
                             {"b", "say \"hi\""},
                             {"c", "k=v"},
                             {"d", "back\\slash"},
                             {"e", "caf\xC3\xA9"},
                             {"f", "bad\xFF"}}),
            "1970-01-01T00:00:00.000Z INFO e a=\"two\\nlines\" b=\"say \\\"hi\\\"\" c=\"k=v\" "
            "d=\"back\\\\slash\" e=caf\xC3\xA9 f=\"bad\\u00ff\"\n");
}

TEST(Logger, JsonLinesParse) {
  Captured out;
  ASSERT_NE(out.get(), nullptr);
  Logger log(LogFormat::kJson, out.get());
  log.info("consumer_started", {{"topic", "ehr.access"}, {"partitions", "3"}});
  log.error("weird", {{"quote", "a\"b\\c\nd\te\x01"}, {"bytes", "x\xFFy"}, {"event", "shadow"}});
  std::vector<std::string> lines = out.lines();
  ASSERT_EQ(lines.size(), 2u);
  auto first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["level"], "INFO");
  EXPECT_EQ(first["event"], "consumer_started");
  EXPECT_EQ(first["topic"], "ehr.access");
  EXPECT_EQ(first["partitions"], "3");
  EXPECT_TRUE(std::regex_match(first["time"].get<std::string>(), kTime));
  auto second = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(second["level"], "ERROR");
  EXPECT_EQ(second["event"], "weird");
  EXPECT_EQ(second["quote"], "a\"b\\c\nd\te\x01");
  EXPECT_EQ(second["bytes"], "x\xC3\xBFy");  // invalid byte escaped as \u00ff
  EXPECT_EQ(second["field_event"], "shadow");
}

TEST(Logger, ConcurrentLinesDoNotInterleave) {
  Captured out;
  ASSERT_NE(out.get(), nullptr);
  Logger log(LogFormat::kJson, out.get());
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&log, t] {
      for (int i = 0; i < 200; ++i) {
        log.info("tick", {{"thread", std::to_string(t)},
                          {"i", std::to_string(i)},
                          {"pad", std::string(200, 'x')}});
      }
    });
  }
  for (auto& t : threads) t.join();
  std::vector<std::string> lines = out.lines();
  ASSERT_EQ(lines.size(), 800u);
  for (const auto& line : lines) {
    auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(j.is_discarded()) << line;
    EXPECT_EQ(j["event"], "tick");
  }
}

}  // namespace
}  // namespace vigie::observe
