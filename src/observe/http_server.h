// The processor's HTTP endpoint for Prometheus and orchestrators (docs/observability.md):
//
//   GET /metrics  200, Content-Type "text/plain; version=0.0.4; charset=utf-8", Registry::render()
//                 (on_scrape callbacks included); 500 if rendering throws
//   GET /healthz  200 "ok" when healthy(), else 503 "unhealthy" (liveness: restart me)
//   GET /readyz   200 "ok" when ready(), else 503 "not ready" (readiness: do not route to me yet)
//   anything else 404; a method other than GET or HEAD 405 (HEAD answers like GET without a body).
//
// Bounded by construction: a fixed pool of worker threads fed by a bounded queue (when it is full
// the accepting thread waits and new connections wait in the kernel backlog), read and write
// timeouts per connection, at most a few requests per keep-alive connection, a request body
// limit; request line and headers are limited to 8 KiB each by cpp-httplib. Plain HTTP: bind to
// 127.0.0.1 or a scrape-only network, never to an address that untrusted clients reach.
//
// Thread safety: `ready`, `healthy` and the registry's callbacks run on the worker threads,
// possibly concurrently with each other and with the caller. An empty std::function counts as
// always true.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "common/result.h"
#include "observe/metrics.h"

namespace vigie::observe {

struct HttpOptions {
  // host:port to listen on; IPv6 as [::1]:9464. Port 0 picks a free port (see HttpServer::port).
  std::string address = "127.0.0.1:9464";
  int threads = 2;              // worker threads (at least 1)
  std::size_t max_queued = 16;  // accepted connections waiting for a worker
  std::chrono::milliseconds read_timeout{5000};
  std::chrono::milliseconds write_timeout{5000};
  std::size_t max_body_bytes = 1024;  // request bodies above this are refused (413)
};

class HttpServer {
 public:
  // Binds `options.address` and serves on background threads until stop(). `registry` must
  // outlive the server. Errors (the message names the address):
  //   http-invalid-address  not host:port with a port in 0-65535
  //   http-listen-failed    "cannot listen on 127.0.0.1:9464: Address already in use" (or the
  //                         resolver's or bind's own reason)
  static Result<std::unique_ptr<HttpServer>> start(const HttpOptions& options, Registry& registry,
                                                   std::function<bool()> ready,
                                                   std::function<bool()> healthy);
  ~HttpServer();  // stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound port (the chosen one when the address asked for port 0).
  int port() const;
  // Stops accepting, lets in-flight requests finish, joins every thread. Idempotent; safe to call
  // from any thread but one of the server's own handlers.
  void stop();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigie::observe
