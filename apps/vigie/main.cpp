// vigie: the one binary. Subcommands are in commands.h; this file only parses the command line.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <iostream>

#include "commands.h"
#include "common/timestamp.h"

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

    CLI::App* demo_cmd =
        app.add_subcommand("demo", "run the shipped rules over the shipped sample logs");
    std::string home = vigie::app::data_dir();
    demo_cmd->add_option("--home", home, "folder holding rules/ and plugins/*/samples/");

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
    if (*demo_cmd) return vigie::app::demo(home);
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vigie: internal error: %s\n", e.what());
    return 70;
  }
}
