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
    hunt_cmd->add_option("--format", hunt.format, "input shape")
        ->check(CLI::IsMember({"auto", "flat", "evtx-json", "winlogbeat"}));
    hunt_cmd->add_option("--output", hunt.output, "jsonl or text")
        ->check(CLI::IsMember({"jsonl", "text"}));
    hunt_cmd
        ->add_option("--max-line-bytes", hunt.max_line_bytes,
                     "longer input lines are rejected as oversized (default 1 MiB)")
        ->check(CLI::Range(static_cast<std::size_t>(64), static_cast<std::size_t>(1) << 30));
    hunt_cmd->add_flag("--strict", hunt.strict, "exit with status 1 if any rule has an error");
    hunt_cmd->add_option("--tenant-field", hunt.tenant_field,
                         "event field naming the establishment (correlation never crosses it)");
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
    if (*demo_cmd) return vigie::app::demo(home);
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vigie: internal error: %s\n", e.what());
    return 70;
  }
}
