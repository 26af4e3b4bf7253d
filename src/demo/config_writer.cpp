// write_demo_config(): the deployment files `vigie demo` runs with (docs/configuration.md).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <string>

#include "demo/clock.h"
#include "demo/population.h"
#include "demo/rng.h"
#include "demo/traffic.h"

namespace vigie::demo {
namespace {

Status write_file(const std::string& path, const std::string& content, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Status::error("demo-write", path + ": " + std::strerror(errno));
  // An existing file keeps its mode through O_CREAT: set it.
  if (::fchmod(fd, mode) != 0) {
    const int err = errno;
    ::close(fd);
    return Status::error("demo-write", path + ": " + std::strerror(err));
  }
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return Status::error("demo-write", path + ": " + std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) return Status::error("demo-write", path + ": " + std::strerror(errno));
  return Status::ok_status();
}

// YAML double-quoted scalar.
std::string yaml_quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

// CSV field (RFC 4180 quoting when needed).
std::string csv(std::string_view s) {
  if (s.find_first_of(",\"\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

// The last day a row holds (identity.md: valid_to includes its day) for an end instant.
std::string last_day(std::int64_t end_ms) { return iso_date_utc(end_ms - kDay); }

std::string directory_csv(const Site& s) {
  std::string out =
      "# Staff directory of " + s.est.name +
      " (simulated: vigie demo). AD accounts, UPN, DPI login and VPN user of every person.\n"
      "ad_account,sid,upn,ehr_login,vpn_user,employee_id,unit,valid_from,valid_to\n";
  // One CSV row from its fields (quoted where needed).
  auto row = [&out](std::initializer_list<std::string_view> fields) {
    bool first = true;
    for (std::string_view f : fields) {
      if (!first) out += ',';
      first = false;
      out += csv(f);
    }
    out += '\n';
  };
  for (const Staff& p : s.staff) {
    const std::string from = iso_date_utc(p.valid_from);
    const std::string to = p.valid_to == 0 ? "" : last_day(p.valid_to);
    const std::string& unit = s.units[p.unit].code;
    row({s.netbios + "\\" + p.sam, p.sid, p.upn, p.ehr_login, p.vpn_user, p.employee_id, unit, from,
         to});
    if (!p.admin_sam.empty()) {
      // The tier account of an administrator: another person id, the same employee.
      row({s.netbios + "\\" + p.admin_sam, p.admin_sid, p.admin_sam + "@" + s.mail_domain, "", "",
           p.employee_id, unit, from, to});
    }
  }
  return out;
}

std::string key_file(const Site& s, std::uint64_t seed) {
  Rng rng = Rng::derived(seed, "key:" + s.est.id);
  std::string out = "# Demo pseudonymisation key of " + s.est.id +
                    " (vigie demo, derived from the seed): never use it for real data.\n";
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 4; ++i) {
    const std::uint64_t v = rng.next();
    for (int b = 60; b >= 0; b -= 4) out += kHex[(v >> b) & 15];
  }
  out += '\n';
  return out;
}

}  // namespace

Result<std::string> write_demo_config(const std::string& dir, const TrafficOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::error("demo-write", dir + ": " + ec.message());
  const std::vector<Site> sites = build_sites(options);
  std::string yaml =
      "# Deployment of the Vigie demo: three simulated establishments (docs/demo.md).\n"
      "# Written by write_demo_config(); keys are demo keys derived from the seed.\n"
      "version: 1\n"
      "zone: Europe/Paris\n"
      "tenant_header: vigie-tenant\n"
      "tenants:\n";
  for (const Site& s : sites) {
    const std::string key = s.est.id + ".key";
    const std::string directory = s.est.id + "-directory.csv";
    VIGIE_RETURN_IF_ERROR(
        write_file((fs::path(dir) / key).string(), key_file(s, options.seed), 0600));
    VIGIE_RETURN_IF_ERROR(write_file((fs::path(dir) / directory).string(), directory_csv(s), 0640));
    yaml += "  - id: " + yaml_quoted(s.est.id) + "\n";
    yaml += "    name: " + yaml_quoted(s.est.name) + "\n";
    yaml += "    zone: Europe/Paris\n";
    yaml += "    syslog_hosts: [" + yaml_quoted("*." + s.dns_domain) + ", " +
            yaml_quoted(s.vpn_gateway) + "]\n";
    yaml += "    key_file: " + yaml_quoted(key) + "\n";
    yaml += "    directory: " + yaml_quoted(directory) + "\n";
  }
  const std::string path = (fs::path(dir) / "config.yaml").string();
  VIGIE_RETURN_IF_ERROR(write_file(path, yaml, 0644));
  return path;
}

}  // namespace vigie::demo
