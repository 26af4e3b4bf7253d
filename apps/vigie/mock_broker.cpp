// `vigie mock-broker`: librdkafka's mock Kafka cluster as a process, for the demo, scripts and
// trials with `vigie produce` (or any Kafka client) without a real broker.
#include <pthread.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kafka/mock_cluster.h"
#include "kafka_commands.h"

namespace vigie::app {
namespace {

// "NAME:PARTITIONS" -> (name, partitions). Kafka topic names are [a-zA-Z0-9._-]: the broker
// side (the mock) checks the name.
bool parse_topic(const std::string& spec, std::pair<std::string, int>& out) {
  const std::size_t colon = spec.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  const std::string count = spec.substr(colon + 1);
  if (count.empty() || count.size() > 6 ||
      count.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  out.first = spec.substr(0, colon);
  out.second = std::stoi(count);
  return out.second >= 1;
}

// Written beside the target then renamed: a script polling for the file never reads half of it.
bool write_port_file(const std::string& path, const std::string& bootstraps) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << bootstraps << '\n';
    if (!out.flush()) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace

int mock_broker(const MockBrokerOptions& options) {
  std::vector<std::pair<std::string, int>> topics;
  for (const std::string& spec : options.topics) {
    std::pair<std::string, int> t;
    if (!parse_topic(spec, t)) {
      std::fprintf(stderr, "vigie mock-broker: --topic %s: expected NAME:PARTITIONS\n",
                   spec.c_str());
      return 2;
    }
    topics.push_back(std::move(t));
  }
  // Blocked before the cluster starts its threads, which inherit the mask: the signals then
  // reach only sigwait() below.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  auto cluster = kafka::MockCluster::start(options.brokers);
  if (!cluster.ok()) {
    std::fprintf(stderr, "vigie mock-broker: %s\n", cluster.status().to_string().c_str());
    return 1;
  }
  for (const auto& [name, partitions] : topics) {
    const Status s = (*cluster)->create_topic(name, partitions, 1);
    if (!s.ok()) {
      std::fprintf(stderr, "vigie mock-broker: %s\n", s.to_string().c_str());
      return 1;
    }
  }
  const std::string& bootstraps = (*cluster)->bootstraps();
  if (!options.port_file.empty() && !write_port_file(options.port_file, bootstraps)) {
    std::fprintf(stderr, "vigie mock-broker: cannot write %s: %s\n", options.port_file.c_str(),
                 std::strerror(errno));
    return 1;
  }
  std::fprintf(stdout, "bootstrap.servers=%s\n", bootstraps.c_str());
  std::fflush(stdout);
  std::fprintf(stderr,
               "vigie mock-broker: %d broker(s), %zu topic(s) created; serving until SIGINT or "
               "SIGTERM\n",
               options.brokers, topics.size());

  int signal_number = 0;
  while (sigwait(&stop, &signal_number) != 0) {
  }
  std::fprintf(stderr, "vigie mock-broker: %s, stopping\n",
               signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  return 0;
}

}  // namespace vigie::app
