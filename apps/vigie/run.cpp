// `vigie run --config vigie.yaml`: the stream processor (src/pipeline/stream.h), with its signals,
// its logs and its /metrics, /healthz and /readyz endpoints.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>

#include "commands.h"
#include "config/config.h"
#include "kafka/kafka.h"
#include "observe/http_server.h"
#include "observe/logger.h"
#include "observe/metrics.h"
#include "pipeline/stream.h"

namespace vigie::app {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<bool> g_reload{false};
std::atomic<int> g_signals{0};

extern "C" void on_stop_signal(int) {
  // A second SIGTERM or SIGINT while draining: leave now (offsets stay where they were written).
  if (g_signals.fetch_add(1) > 0) std::_Exit(130);
  g_stop.store(true);
}
extern "C" void on_reload_signal(int) { g_reload.store(true); }

void install_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  sa.sa_handler = on_reload_signal;
  sigaction(SIGHUP, &sa, nullptr);
}

std::optional<config::Config> load_run_config(const std::string& path, const char* who) {
  config::LoadedConfig c = config::load_config(path);
  for (const config::ConfigError& e : c.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
  if (!c.ok()) {
    std::fprintf(stderr, "%s: %zu error(s) in %s\n", who, c.errors.size(), path.c_str());
    return std::nullopt;
  }
  return std::move(c.config);
}

}  // namespace

int run(const RunOptions& options) {
  std::optional<config::Config> conf = load_run_config(options.config, "vigie run");
  if (!conf) return 2;
  if (options.check) {
    std::vector<std::string> warnings;
    std::vector<std::string> problems = pipeline::check_stream_config(*conf, warnings);
    for (const std::string& w : warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
    for (const std::string& p : problems) std::fprintf(stderr, "%s\n", p.c_str());
    if (!problems.empty()) {
      std::fprintf(stderr, "vigie run --check: %s: %zu problem(s)\n", options.config.c_str(),
                   problems.size());
      return 1;
    }
    std::printf("%s: ok (%zu routes, store %s)\n", options.config.c_str(), conf->routes.size(),
                conf->store_path.c_str());
    return 0;
  }
  observe::Logger log(conf->log_format == "json" ? observe::LogFormat::kJson
                                                 : observe::LogFormat::kText);
  kafka::set_log_handler([&log](kafka::LogLevel level, std::string_view facility,
                                std::string_view message) {
    if (level <= kafka::LogLevel::kError) {
      log.error("kafka", {{"facility", std::string(facility)}, {"detail", std::string(message)}});
    } else if (level <= kafka::LogLevel::kWarning) {
      log.warn("kafka", {{"facility", std::string(facility)}, {"detail", std::string(message)}});
    }
  });
  observe::Registry metrics;
  Result<std::unique_ptr<pipeline::StreamProcessor>> p =
      pipeline::StreamProcessor::create(*conf, log, metrics, nullptr, options.stop_at_end);
  if (!p.ok()) {
    std::fprintf(stderr, "vigie run: %s\n", p.status().message().c_str());
    return p.status().code() == "bad-configuration" ? 2 : 1;
  }
  pipeline::StreamProcessor& processor = **p;
  std::unique_ptr<observe::HttpServer> http;
  if (!conf->metrics_address.empty()) {
    observe::HttpOptions ho;
    ho.address = conf->metrics_address;
    Result<std::unique_ptr<observe::HttpServer>> h = observe::HttpServer::start(
        ho, metrics, [&] { return processor.ready(); }, [&] { return processor.healthy(); });
    if (!h.ok()) {
      std::fprintf(stderr, "vigie run: %s\n", h.status().message().c_str());
      return 1;
    }
    http = std::move(*h);
    log.info("metrics",
             {{"address", conf->metrics_address}, {"port", std::to_string(http->port())}});
  }
  if (Status m = metrics.check(); !m.ok()) log.warn("metrics", {{"detail", m.message()}});
  install_signals();
  log.info("started", {{"config", options.config},
                       {"routes", std::to_string(conf->routes.size())},
                       {"workers", std::to_string(conf->processing.workers)}});
  Status s = processor.run(g_stop, g_reload, options.stop_at_end);
  const pipeline::StreamStats st = processor.stats();
  log.info("stopped", {{"records", std::to_string(st.records)},
                       {"events", std::to_string(st.events)},
                       {"rejected", std::to_string(st.rejected)},
                       {"alerts", std::to_string(st.alerts)},
                       {"batches", std::to_string(st.batches)}});
  if (!s.ok()) {
    log.error("fatal", {{"code", s.code()}, {"detail", s.message()}});
    std::fprintf(stderr, "vigie run: stopped: %s\n", s.message().c_str());
    return 1;
  }
  return 0;
}

}  // namespace vigie::app
