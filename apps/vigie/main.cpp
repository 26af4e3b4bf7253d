// vigie: the one binary. Subcommands are in commands.h; this file only parses the command line.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <iostream>

#include "commands.h"
#include "common/timestamp.h"
#include "demo_commands.h"
#include "kafka_commands.h"

namespace {

void add_rule_options(CLI::App& cmd, vigie::app::RuleOptions& r) {
  cmd.add_option("--placeholders", r.placeholders,
                 "YAML map of placeholder name -> values, for |expand")
      ->check(CLI::ExistingFile);
  cmd.add_option("--logsource-map", r.logsource_maps,
                 "extra logsource mapping file(s), applied over the built-in table")
      ->check(CLI::ExistingFile);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    CLI::App app{"Vigie: Sigma detection and correlation for hospital SOCs"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "vigie 0.1.0");

    CLI::App* rules_cmd = app.add_subcommand("rules", "work with Sigma rule files");
    rules_cmd->require_subcommand(1);
    vigie::app::CheckOptions check;
    CLI::App* check_cmd = rules_cmd->add_subcommand("check", "load rules and report every problem");
    check_cmd->add_option("paths", check.rules.paths, "rule files or directories")->required();
    add_rule_options(*check_cmd, check.rules);
    check_cmd->add_option("--format", check.format, "diagnostics as text or json")
        ->check(CLI::IsMember({"text", "json"}));

    vigie::app::HuntOptions hunt;
    CLI::App* hunt_cmd = app.add_subcommand("hunt", "run rules over a log file");
    hunt_cmd->add_option("--rules", hunt.rules.paths, "rule files or directories")->required();
    hunt_cmd->add_option("--input", hunt.input, "JSON lines file, or - for standard input")
        ->required();
    hunt_cmd->add_option("--format", hunt.format,
                         "input format: auto (default), or a format name of `vigie decode "
                         "--list-formats`");
    hunt_cmd->add_option("--zone", hunt.zone,
                         "IANA zone of timestamps written without an offset (default: the "
                         "zone of --config, else Europe/Paris)");
    hunt_cmd->add_option("--received-at", hunt.received_at,
                         "when the input was received (RFC 3339): the reference for timestamps "
                         "without a year; default: the file's modification time, else now");
    hunt_cmd->add_option("--config", hunt.config,
                         "deployment configuration: tenants' directories, GeoIP (see "
                         "docs/configuration.md)");
    hunt_cmd->add_option("--output", hunt.output, "jsonl or text")
        ->check(CLI::IsMember({"jsonl", "text"}));
    hunt_cmd
        ->add_option("--max-line-bytes", hunt.max_line_bytes,
                     "longer input lines are rejected as oversized (default 1 MiB)")
        ->check(CLI::Range(static_cast<std::size_t>(64), static_cast<std::size_t>(1) << 30));
    hunt_cmd->add_flag("--strict", hunt.strict, "exit with status 1 if any rule has an error");
    hunt_cmd->add_option("--tenant-field", hunt.tenant_field,
                         "event field naming the establishment (correlation never crosses it)");
    hunt_cmd->add_option("--tenant", hunt.tenant,
                         "the establishment every record belongs to (with --config: its zone, "
                         "pseudonymisation key and directory apply); default: each syslog record "
                         "routed by its host when --config names establishments, else the "
                         "--tenant-field of the event");
    std::string lateness = "5m";
    hunt_cmd
        ->add_option("--lateness", lateness,
                     "how far behind the newest event time an event may arrive and still be "
                     "correlated (e.g. 30s, 5m, 1h; default 5m)")
        ->check([](const std::string& v) {
          return vigie::parse_duration_ms(v) ? std::string()
                                             : std::string(
                                                   "expected a duration such as 30s, "
                                                   "5m, 1h");
        });
    add_rule_options(*hunt_cmd, hunt.rules);

    vigie::app::DecodeOptions decode;
    CLI::App* decode_cmd =
        app.add_subcommand("decode", "decode raw vendor logs to normalised events (JSON lines)");
    decode_cmd->add_option("--family", decode.family, "log family: ad, vpn or ehr")
        ->check(CLI::IsMember({"ad", "vpn", "ehr"}));
    decode_cmd->add_option("--format", decode.format,
                           "a format of the family (see --list-formats), or auto (default)");
    decode_cmd->add_option("--input", decode.input, "log file, or - for standard input");
    decode_cmd->add_option("--tenant", decode.tenant, "the establishment every event belongs to");
    decode_cmd->add_option("--zone", decode.zone,
                           "IANA zone of timestamps written without an offset (default: the "
                           "tenant's zone in --config, else Europe/Paris)");
    decode_cmd->add_option("--received-at", decode.received_at,
                           "when the input was received (RFC 3339): the reference for timestamps "
                           "without a year; default: the file's modification time, else now");
    decode_cmd->add_option("--config", decode.config,
                           "deployment configuration (tenants, zones, limits; see "
                           "docs/configuration.md)");
    decode_cmd
        ->add_option("--max-line-bytes", decode.max_line_bytes,
                     "longer records are rejected as oversized (default: max_record_bytes "
                     "of --config, else 1 MiB)")
        ->check(CLI::Range(static_cast<std::size_t>(64), static_cast<std::size_t>(1) << 30));
    decode_cmd->add_flag("--list-formats", decode.list_formats,
                         "list every format of every family, with its logsource, and exit");

    // Kafka: librdkafka's mock cluster as a process, and records of a file as Kafka messages.
    vigie::app::MockBrokerOptions mock_broker;
    CLI::App* mock_broker_cmd = app.add_subcommand(
        "mock-broker", "run a mock Kafka cluster on loopback (tests, demo) until SIGINT/SIGTERM");
    mock_broker_cmd->add_option("--brokers", mock_broker.brokers, "broker count (default 3)")
        ->check(CLI::Range(1, 64));
    mock_broker_cmd->add_option("--topic", mock_broker.topics,
                                "NAME:PARTITIONS, a topic to create (repeatable)");
    mock_broker_cmd->add_option("--port-file", mock_broker.port_file,
                                "also write the bootstrap servers to this file");
    vigie::app::ProduceOptions produce;
    CLI::App* produce_cmd =
        app.add_subcommand("produce", "send each record of a log file as one Kafka message");
    produce_cmd->add_option("--bootstrap", produce.bootstrap, "bootstrap.servers (HOST:PORT,...)")
        ->required();
    produce_cmd->add_option("--topic", produce.topic, "the topic")->required();
    produce_cmd->add_option("--input", produce.input, "log file, or - for standard input")
        ->required();
    CLI::Option* key_field_opt = produce_cmd->add_option(
        "--key-field", produce.key_field, "JSON records: key each message by this field's value");
    produce_cmd->add_option("--key", produce.key, "key every message with this")
        ->excludes(key_field_opt);
    produce_cmd->add_option("--header", produce.headers, "K=V, a header of every message");
    produce_cmd->add_option("--property", produce.properties, "K=V, a librdkafka property");
    produce_cmd->add_option("--format", produce.format,
                            "how records are split, as for `vigie hunt --format` (default auto)");
    produce_cmd
        ->add_option("--max-line-bytes", produce.max_line_bytes,
                     "longer records are not sent (default 1 MiB)")
        ->check(CLI::Range(static_cast<std::size_t>(64), static_cast<std::size_t>(1) << 30));

    vigie::app::DemoTrafficOptions demo_traffic;  // hidden: apps/vigie/demo_traffic.cpp
    CLI::App* demo_traffic_cmd = vigie::app::add_demo_traffic_command(app, demo_traffic);

    vigie::app::DemoOptions demo;
    demo.home = vigie::app::data_dir();
    CLI::App* demo_cmd = app.add_subcommand(
        "demo",
        "the main job on an embedded Kafka cluster: simulated hospital traffic with attacks, "
        "the shipped rules, the alerts found");
    demo_cmd->add_option("--home", demo.home, "folder holding rules/");
    demo_cmd->add_option("--seed", demo.seed, "seed of the simulated traffic (default 42)");
    demo_cmd->add_option("--events", demo.events, "records of the simulated day (default 300000)")
        ->check(CLI::Range(1000ULL, 100'000'000ULL));
    demo_cmd
        ->add_option("--duration", demo.duration_s,
                     "stop producing after this many seconds (default 50)")
        ->check(CLI::Range(1.0, 86400.0));
    demo_cmd
        ->add_option("--rate", demo.rate,
                     "records produced per second (default: as fast as processed)")
        ->check(CLI::Range(0.0, 1e8));
    demo_cmd->add_option("--store", demo.store,
                         "work folder for the store, configuration and log (default ./vigie-demo; "
                         "emptied first)");

    vigie::app::AlertsListOptions alerts_list;
    CLI::App* alerts_cmd = app.add_subcommand("alerts", "read the alerts of a store");
    alerts_cmd->require_subcommand(1);
    CLI::App* alerts_list_cmd = alerts_cmd->add_subcommand("list", "alerts, newest first");
    alerts_list_cmd->add_option("--store", alerts_list.store, "the store folder")->required();
    alerts_list_cmd->add_option("--tenant", alerts_list.tenant, "only this establishment's");
    alerts_list_cmd->add_option("--rule", alerts_list.rule, "only this rule id's");
    alerts_list_cmd->add_option("--status", alerts_list.status, "only alerts in this status");
    alerts_list_cmd->add_option("--since", alerts_list.since, "only alerts at or after (RFC 3339)");
    alerts_list_cmd->add_option("--limit", alerts_list.limit, "at most this many (default 100)");
    alerts_list_cmd->add_option("--format", alerts_list.format, "table or json")
        ->check(CLI::IsMember({"table", "json"}));

    vigie::app::RunOptions run;
    CLI::App* run_cmd = app.add_subcommand(
        "run", "the stream processor: Kafka topics -> decode, detect, correlate -> alerts store");
    run_cmd->add_option("--config", run.config, "vigie.yaml (see docs/operations.md)")
        ->required()
        ->check(CLI::ExistingFile);
    run_cmd->add_flag("--check", run.check,
                      "validate the configuration, the rules and the routes, then exit");
    run_cmd->add_flag("--stop-at-end", run.stop_at_end,
                      "reprocessing: drain and exit once every assigned partition has been read "
                      "to its end and nothing new came for 2 s");

    try {
      app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
      return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
      return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
      return app.exit(e);
    } catch (const CLI::ParseError& e) {
      app.exit(e);
      return 2;
    }
    if (*check_cmd) return vigie::app::rules_check(check);
    if (*hunt_cmd) {
      hunt.lateness_ms = *vigie::parse_duration_ms(lateness);
      return vigie::app::hunt(hunt);
    }
    if (*decode_cmd) {
      if (!decode.list_formats && (decode.family.empty() || decode.input.empty())) {
        std::fprintf(stderr, "vigie decode: --family and --input are required\n");
        return 2;
      }
      return vigie::app::decode_logs(decode);
    }
    if (*demo_traffic_cmd) return vigie::app::demo_traffic(demo_traffic);
    if (*demo_cmd) return vigie::app::demo(demo);
    if (*run_cmd) return vigie::app::run(run);
    if (*alerts_list_cmd) return vigie::app::alerts_list(alerts_list);
    if (*mock_broker_cmd) return vigie::app::mock_broker(mock_broker);
    if (*produce_cmd) return vigie::app::produce(produce);
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vigie: internal error: %s\n", e.what());
    return 70;
  }
}
