#include "observe/http_server.h"

#include <httplib.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace vigie::observe {
namespace {

constexpr const char* kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";
constexpr const char* kTextContentType = "text/plain; charset=utf-8";

struct HostPort {
  std::string host;
  int port = 0;
};

std::optional<HostPort> parse_address(std::string_view address) {
  std::size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view host = address.substr(0, colon);
  std::string_view port_text = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return std::nullopt;  // IPv6 without brackets: the port would be ambiguous
  }
  if (host.empty() || port_text.empty()) return std::nullopt;
  int port = -1;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 0 || port > 65535) {
    return std::nullopt;
  }
  return HostPort{std::string(host), port};
}

// cpp-httplib's default pool has an unbounded queue: a flood of connections would grow it without
// limit. Here a full queue makes the accepting thread wait, so further connections wait in the
// kernel's listen backlog and then get refused, and memory stays bounded.
class BoundedPool final : public httplib::TaskQueue {
 public:
  BoundedPool(int threads, std::size_t max_queued) : max_queued_(max_queued) {
    for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { run(); });
  }
  ~BoundedPool() override { shutdown(); }

  void enqueue(std::function<void()> fn) override {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return jobs_.size() < max_queued_ || shutdown_; });
    jobs_.push_back(std::move(fn));
    not_empty_.notify_one();
  }

  // Runs what is queued (each job owns an accepted socket that only the job closes), then joins.
  void shutdown() override {
    {
      std::lock_guard lock(mutex_);
      shutdown_ = true;
    }
    not_empty_.notify_all();
    not_full_.notify_all();
    for (auto& t : workers_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  void run() {
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock lock(mutex_);
        not_empty_.wait(lock, [&] { return !jobs_.empty() || shutdown_; });
        if (jobs_.empty()) return;
        fn = std::move(jobs_.front());
        jobs_.pop_front();
      }
      not_full_.notify_one();
      try {
        fn();
      } catch (...) {
        // Thread entry point: nothing may escape. httplib catches handler exceptions itself; this
        // only guards against its own failures (e.g. out of memory).
      }
    }
  }

  const std::size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<std::function<void()>> jobs_;
  bool shutdown_ = false;
  std::vector<std::thread> workers_;
};

// Evaluates a probe; an empty function is "always true", an exception is "false".
bool probe(const std::function<bool()>& f) {
  if (!f) return true;
  try {
    return f();
  } catch (...) {
    return false;
  }
}

}  // namespace

struct HttpServer::Impl {
  httplib::Server server;
  std::thread listener;
  int port = 0;
  std::atomic<bool> listen_returned{false};
  std::mutex stop_mutex;
  bool stopped = false;
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { stop(); }

int HttpServer::port() const { return impl_->port; }

void HttpServer::stop() {
  std::lock_guard lock(impl_->stop_mutex);
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->server.stop();
  if (impl_->listener.joinable()) impl_->listener.join();
}

Result<std::unique_ptr<HttpServer>> HttpServer::start(const HttpOptions& options,
                                                      Registry& registry,
                                                      std::function<bool()> ready,
                                                      std::function<bool()> healthy) {
  std::optional<HostPort> hp = parse_address(options.address);
  if (!hp) {
    return Status::error("http-invalid-address",
                         "invalid listen address '" + options.address +
                             "' (expected host:port, port 0-65535; IPv6 as [::1]:9464)");
  }
  const std::string what = "cannot listen on " + options.address + ": ";

  // cpp-httplib reports a failed name resolution and a failed bind alike (false): resolve first
  // so that the message says which one it was.
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* resolved = nullptr;
  std::string port_text = std::to_string(hp->port);
  int gai = ::getaddrinfo(hp->host.c_str(), port_text.c_str(), &hints, &resolved);
  if (gai != 0) return Status::error("http-listen-failed", what + ::gai_strerror(gai));
  ::freeaddrinfo(resolved);

  auto impl = std::make_unique<Impl>();
  httplib::Server& server = impl->server;

  // httplib's default sets SO_REUSEPORT, which lets a second process bind the same port and
  // silently steal half the scrapes: SO_REUSEADDR only (restart without TIME_WAIT trouble).
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  const int threads = std::max(1, options.threads);
  const std::size_t max_queued = std::max<std::size_t>(1, options.max_queued);
  // httplib takes ownership of the queue it gets from this factory (deleted after shutdown()).
  server.new_task_queue = [threads, max_queued]() -> httplib::TaskQueue* {
    return std::make_unique<BoundedPool>(threads, max_queued).release();
  };
  server.set_read_timeout(options.read_timeout);
  server.set_write_timeout(options.write_timeout);
  server.set_keep_alive_max_count(5);
  server.set_keep_alive_timeout(2);
  server.set_payload_max_length(options.max_body_bytes);
  server.set_tcp_nodelay(true);

  server.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    if (req.method == "GET" || req.method == "HEAD") {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    res.status = 405;
    res.set_header("Allow", "GET, HEAD");
    res.set_content("method not allowed", kTextContentType);
    return httplib::Server::HandlerResponse::Handled;
  });
  server.Get("/metrics", [&registry](const httplib::Request&, httplib::Response& res) {
    try {
      res.set_content(registry.render(), kMetricsContentType);
    } catch (...) {
      res.status = 500;
      res.set_content("cannot render metrics", kTextContentType);
    }
  });
  server.Get("/healthz",
             [healthy = std::move(healthy)](const httplib::Request&, httplib::Response& res) {
               bool ok = probe(healthy);
               res.status = ok ? 200 : 503;
               res.set_content(ok ? "ok" : "unhealthy", kTextContentType);
             });
  server.Get("/readyz",
             [ready = std::move(ready)](const httplib::Request&, httplib::Response& res) {
               bool ok = probe(ready);
               res.status = ok ? 200 : 503;
               res.set_content(ok ? "ok" : "not ready", kTextContentType);
             });
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.status == 404 && res.body.empty()) res.set_content("not found", kTextContentType);
  });
  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, const std::exception_ptr&) {
        res.status = 500;
        res.set_content("internal error", kTextContentType);
      });

  // bind_to_port keeps the errno of the failed bind(2) (cpp-httplib only closes the socket after
  // it, which leaves errno alone).
  errno = 0;
  int bound = hp->port == 0 ? server.bind_to_any_port(hp->host)
                            : (server.bind_to_port(hp->host, hp->port) ? hp->port : -1);
  int bind_errno = errno;
  if (bound < 0) {
    std::string reason = bind_errno != 0
                             ? std::error_code(bind_errno, std::generic_category()).message()
                             : std::string("bind failed");
    return Status::error("http-listen-failed", what + reason);
  }
  impl->port = bound;

  Impl* raw = impl.get();
  impl->listener = std::thread([raw] {
    try {
      raw->server.listen_after_bind();
    } catch (...) {
      // Thread entry point: nothing escapes; stop() still joins.
    }
    raw->listen_returned.store(true);
  });
  // httplib's stop() does nothing until its accept loop has started: wait for it, so that a
  // stop() right after start() cannot leave the listener running (and its join hanging).
  while (!server.is_running() && !raw->listen_returned.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

}  // namespace vigie::observe
