#include "demo/population.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <set>
#include <span>
#include <string_view>

#include "demo/clock.h"
#include "demo/rng.h"

namespace vigie::demo {
namespace {

constexpr std::array<std::string_view, 96> kGivenNames = {
    "Marc",      "Julie",     "Nicolas",   "Sophie",     "Thomas",    "Camille",  "Pierre",
    "Marie",     "Julien",    "Céline",    "Antoine",    "Aurélie",   "Mathieu",  "Émilie",
    "François",  "Hélène",    "Laurent",   "Isabelle",   "Sébastien", "Nathalie", "Olivier",
    "Sandrine",  "Guillaume", "Claire",    "Romain",     "Élodie",    "Benoît",   "Virginie",
    "Jérôme",    "Stéphanie", "Alexandre", "Caroline",   "Vincent",   "Pauline",  "Frédéric",
    "Anne",      "David",     "Laure",     "Christophe", "Mélanie",   "Hugo",     "Léa",
    "Maxime",    "Manon",     "Arnaud",    "Chloé",      "Damien",    "Sarah",    "Yannick",
    "Audrey",    "Cédric",    "Agnès",     "Fabien",     "Valérie",   "Grégoire", "Margaux",
    "Rémi",      "Océane",    "Bruno",     "Inès",       "Hervé",     "Lucie",    "Karim",
    "Amandine",  "Mehdi",     "Nadia",     "Patrick",    "Sylvie",    "Xavier",   "Brigitte",
    "Jean",      "Catherine", "Loïc",      "Morgane",    "Gaël",      "Anaïs",    "Yves",
    "Christine", "Samuel",    "Fatima",    "Adrien",     "Charlotte", "Benjamin", "Justine",
    "Kevin",     "Emma",      "Thibault",  "Jeanne",     "Florian",   "Solène",   "Bastien",
    "Mathilde",  "Cyril",     "Noémie",    "Didier",     "Martine"};

constexpr std::array<std::string_view, 120> kFamilyNames = {
    "Martin",    "Bernard",   "Dubois",   "Thomas",    "Robert",    "Richard",  "Petit",
    "Durand",    "Leroy",     "Moreau",   "Simon",     "Laurent",   "Lefèvre",  "Michel",
    "Garcia",    "David",     "Bertrand", "Roux",      "Vincent",   "Fournier", "Morel",
    "Girard",    "André",     "Lefebvre", "Mercier",   "Dupont",    "Lambert",  "Bonnet",
    "François",  "Martinez",  "Legrand",  "Garnier",   "Faure",     "Rousseau", "Blanc",
    "Guérin",    "Muller",    "Henry",    "Roussel",   "Nicolas",   "Perrin",   "Morin",
    "Mathieu",   "Clément",   "Gauthier", "Dumont",    "Lopez",     "Fontaine", "Chevalier",
    "Robin",     "Masson",    "Sanchez",  "Gérard",    "Nguyen",    "Boyer",    "Denis",
    "Lemaire",   "Duval",     "Joly",     "Gautier",   "Roger",     "Roche",    "Roy",
    "Noël",      "Meyer",     "Lucas",    "Meunier",   "Jean",      "Pérez",    "Marchand",
    "Dufour",    "Blanchard", "Marie",    "Barbier",   "Brun",      "Dumas",    "Brunet",
    "Schmitt",   "Leroux",    "Colin",    "Fernandez", "Pierre",    "Renard",   "Arnaud",
    "Rolland",   "Caron",     "Aubert",   "Giraud",    "Leclerc",   "Vidal",    "Bourgeois",
    "Renaud",    "Lemoine",   "Picard",   "Gaillard",  "Philippe",  "Leclercq", "Lacroix",
    "Fabre",     "Dupuis",    "Olivier",  "Rodriguez", "Da Silva",  "Hubert",   "Louis",
    "Charles",   "Guillot",   "Rivière",  "Le Gall",   "Guillaume", "Adam",     "Rey",
    "Moulin",    "Gonzalez",  "Berger",   "Lecomte",   "Menard",    "Fleury",   "Deschamps",
    "Carpentier"};

// ASCII, lower case, letters only: "Lefèvre" -> "lefevre", "Da Silva" -> "dasilva".
std::string ascii_slug(std::string_view s) {
  static constexpr std::array<std::pair<std::string_view, char>, 16> kFold = {{{"é", 'e'},
                                                                               {"è", 'e'},
                                                                               {"ê", 'e'},
                                                                               {"ë", 'e'},
                                                                               {"É", 'e'},
                                                                               {"à", 'a'},
                                                                               {"â", 'a'},
                                                                               {"ï", 'i'},
                                                                               {"î", 'i'},
                                                                               {"ô", 'o'},
                                                                               {"ö", 'o'},
                                                                               {"ù", 'u'},
                                                                               {"û", 'u'},
                                                                               {"ü", 'u'},
                                                                               {"ç", 'c'},
                                                                               {"ÿ", 'y'}}};
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        out += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      }
      ++i;
      continue;
    }
    bool folded = false;
    for (const auto& [from, to] : kFold) {
      if (s.substr(i, from.size()) == from) {
        out += to;
        i += from.size();
        folded = true;
        break;
      }
    }
    if (!folded) ++i;
  }
  return out;
}

std::string upper(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return s;
}

struct UnitSpec {
  const char* code;
  const char* name;
  const char* abbr;
  UnitKind kind;
  int beds;
  int staff;
};

// A CHU: a teaching hospital with its specialities; about 900 staff in this simulation.
constexpr UnitSpec kChuUnits[] = {
    {"1001", "Urgences adultes", "URG", UnitKind::kEmergency, 0, 70},
    {"2201", "Cardiologie", "CARD", UnitKind::kWard, 40, 60},
    {"2301", "Pneumologie", "PNEU", UnitKind::kWard, 30, 42},
    {"2401", "Hépato-gastro-entérologie", "GAST", UnitKind::kWard, 30, 42},
    {"2501", "Neurologie", "NEUR", UnitKind::kWard, 30, 42},
    {"2601", "Médecine interne", "MINT", UnitKind::kWard, 36, 48},
    {"3101", "Réanimation polyvalente", "REA", UnitKind::kIcu, 20, 70},
    {"4701", "Endocrinologie-Diabétologie", "ENDO", UnitKind::kWard, 24, 34},
    {"5101", "Chirurgie orthopédique", "ORTH", UnitKind::kWard, 36, 46},
    {"5201", "Chirurgie viscérale", "VISC", UnitKind::kWard, 32, 42},
    {"6268", "Chirurgie vasculaire", "VASC", UnitKind::kWard, 20, 30},
    {"5501", "Bloc opératoire", "BLOC", UnitKind::kTheatre, 0, 60},
    {"7101", "Maternité", "MATE", UnitKind::kWard, 30, 48},
    {"7201", "Pédiatrie", "PEDI", UnitKind::kWard, 25, 42},
    {"8101", "Psychiatrie adulte", "PSY", UnitKind::kWard, 30, 38},
    {"9101", "Laboratoire de biologie", "LABO", UnitKind::kLab, 0, 30},
    {"9201", "Imagerie médicale", "RADI", UnitKind::kImaging, 0, 34},
    {"9301", "Pharmacie à usage intérieur", "PHAR", UnitKind::kPharmacy, 0, 20},
    {"9401", "Information médicale (DIM)", "DIM", UnitKind::kDim, 0, 9},
    {"0010", "Bureau des entrées", "ADM", UnitKind::kAdmissions, 0, 18},
    {"0020", "Direction et ressources humaines", "DIR", UnitKind::kDirection, 0, 24},
    {"0030", "Direction du système d'information", "DSI", UnitKind::kIt, 0, 14},
};

// A CH: a general hospital; about 330 staff.
constexpr UnitSpec kChUnits[] = {
    {"1001", "Urgences", "URG", UnitKind::kEmergency, 0, 38},
    {"2001", "Médecine polyvalente", "MED", UnitKind::kWard, 32, 40},
    {"2201", "Cardiologie", "CARD", UnitKind::kWard, 20, 28},
    {"3001", "Unité de soins continus", "USC", UnitKind::kIcu, 8, 24},
    {"4001", "Gériatrie", "GERI", UnitKind::kWard, 30, 36},
    {"5001", "Chirurgie", "CHIR", UnitKind::kWard, 28, 34},
    {"5501", "Bloc opératoire", "BLOC", UnitKind::kTheatre, 0, 26},
    {"6001", "Soins de suite et réadaptation", "SSR", UnitKind::kWard, 30, 26},
    {"7101", "Maternité", "MATE", UnitKind::kWard, 16, 24},
    {"9101", "Laboratoire", "LABO", UnitKind::kLab, 0, 12},
    {"9201", "Imagerie", "RADI", UnitKind::kImaging, 0, 12},
    {"9301", "Pharmacie", "PHAR", UnitKind::kPharmacy, 0, 8},
    {"9401", "DIM", "DIM", UnitKind::kDim, 0, 4},
    {"0010", "Admissions", "ADM", UnitKind::kAdmissions, 0, 8},
    {"0020", "Direction", "DIR", UnitKind::kDirection, 0, 12},
    {"0030", "Informatique", "DSI", UnitKind::kIt, 0, 6},
};

// French residential ISP blocks (Orange, Free, SFR, Bouygues): home addresses GeoIP puts in FR.
constexpr std::pair<int, int> kHomeBlocks[] = {
    {90, 0},    {90, 63},   {86, 192}, {86, 225}, {82, 64},  {82, 67},  {109, 8},  {109, 31},
    {176, 128}, {176, 191}, {92, 128}, {92, 191}, {88, 160}, {88, 191}, {91, 160}, {91, 175}};

std::string french_home_ip(Rng& rng) {
  const std::size_t b = rng.index(std::size(kHomeBlocks) / 2) * 2;
  const int first = kHomeBlocks[b].first;
  const int second =
      static_cast<int>(rng.between(kHomeBlocks[b].second, kHomeBlocks[b + 1].second));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%d.%d.%d.%d", first, second,
                static_cast<int>(rng.between(1, 254)), static_cast<int>(rng.between(2, 253)));
  return buf;
}

// Where the CHU's cross-border staff connect from (build_sites): a Belgian and a Spanish ISP.
constexpr std::string_view kBelgianPrefix = "81.245.";
constexpr std::string_view kSpanishPrefix = "83.32.";

std::string ip(int a, int b, int c, int d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%d.%d.%d.%d", a, b, c, d);
  return buf;
}

// What each Role is (in the enum's order).
struct RoleInfo {
  std::string_view label;    // FHIR agent.role display
  std::string_view code;     // TRE_G15 profession, "" for non-clinical
  std::string_view profile;  // DPI profile
  bool reads_records;
};
constexpr RoleInfo kRoles[] = {
    {"Médecin", "10", "MED", true},                            // kPhysician
    {"Infirmier", "60", "IDE", true},                          // kNurse
    {"Aide-soignant", "", "AS", true},                         // kCareAssistant
    {"Secrétaire médicale", "", "SEC", true},                  // kSecretary
    {"Pharmacien", "21", "PHARM", true},                       // kPharmacist
    {"Préparateur en pharmacie", "", "PPH", false},            // kPharmacyTech
    {"Technicien d'information médicale", "", "TIM", true},    // kCoder
    {"Agent d'accueil", "", "BE", true},                       // kAdmissions
    {"Personnel administratif", "", "ADM", false},             // kAdministration
    {"Informaticien", "", "DSI", false},                       // kIt
    {"Technicien de laboratoire", "", "TECH", true},           // kLabTech
    {"Manipulateur d'électroradiologie", "80", "MERM", true},  // kRadiographer
};
static_assert(std::size(kRoles) == static_cast<std::size_t>(Role::kRadiographer) + 1);

const RoleInfo& role_info(Role r) { return kRoles[static_cast<std::size_t>(r)]; }

// Who works in a unit of each kind: the role of a draw below `below` (the first that fits).
struct RoleShare {
  double below;
  Role role;
};
constexpr RoleShare kCareShares[] = {{0.13, Role::kPhysician},
                                     {0.58, Role::kNurse},
                                     {0.91, Role::kCareAssistant},
                                     {1, Role::kSecretary}};
constexpr RoleShare kTheatreShares[] = {
    {0.30, Role::kPhysician}, {0.80, Role::kNurse}, {1, Role::kCareAssistant}};
constexpr RoleShare kLabShares[] = {
    {0.12, Role::kPhysician}, {0.90, Role::kLabTech}, {1, Role::kSecretary}};
constexpr RoleShare kImagingShares[] = {
    {0.25, Role::kPhysician}, {0.85, Role::kRadiographer}, {1, Role::kSecretary}};
constexpr RoleShare kPharmacyShares[] = {{0.35, Role::kPharmacist}, {1, Role::kPharmacyTech}};
constexpr RoleShare kDimShares[] = {{0.25, Role::kPhysician}, {1, Role::kCoder}};
constexpr RoleShare kAdmissionsShares[] = {{1, Role::kAdmissions}};
constexpr RoleShare kDirectionShares[] = {{1, Role::kAdministration}};
constexpr RoleShare kItShares[] = {{1, Role::kIt}};

// By UnitKind, in the enum's order.
constexpr std::span<const RoleShare> kSharesByKind[] = {
    kCareShares,     kCareShares, kCareShares,       kTheatreShares,   kLabShares, kImagingShares,
    kPharmacyShares, kDimShares,  kAdmissionsShares, kDirectionShares, kItShares};
static_assert(std::size(kSharesByKind) == static_cast<std::size_t>(UnitKind::kIt) + 1);

Role pick_role(UnitKind kind, Rng& rng) {
  const std::span<const RoleShare> shares = kSharesByKind[static_cast<std::size_t>(kind)];
  const double u = rng.uniform();
  for (const RoleShare& share : shares) {
    if (u < share.below) return share.role;
  }
  return shares.back().role;
}

Shift pick_shift(Role role, UnitKind kind, Rng& rng) {
  const bool round_the_clock = kind == UnitKind::kWard || kind == UnitKind::kEmergency ||
                               kind == UnitKind::kIcu || kind == UnitKind::kLab ||
                               kind == UnitKind::kImaging || kind == UnitKind::kTheatre;
  switch (role) {
    case Role::kNurse:
    case Role::kCareAssistant:
    case Role::kLabTech:
    case Role::kRadiographer: {
      if (!round_the_clock) return Shift::kDay;
      const double u = rng.uniform();
      return u < 0.40 ? Shift::kMorning : u < 0.75 ? Shift::kAfternoon : Shift::kNight;
    }
    case Role::kPhysician:
      // Emergency and ICU physicians work around the clock; the others by day (on-call aside).
      if (kind == UnitKind::kEmergency || kind == UnitKind::kIcu) {
        return rng.chance(0.3) ? Shift::kNight : Shift::kDay;
      }
      return Shift::kDay;
    case Role::kAdmissions:
      if (rng.chance(0.25)) return Shift::kAfternoon;
      return Shift::kMorning;
    default:
      return Shift::kDay;
  }
}

// A NIR-shaped staff RPPS is not needed: RPPS numbers are 11 digits starting with 10.
std::string rpps(Rng& rng) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "10%09lld", static_cast<long long>(rng.between(0, 999'999'999)));
  return buf;
}

std::string netbios_of(std::string_view domain) {
  std::string label(domain.substr(0, domain.find('.')));
  label = upper(label);
  if (label.size() > 15) label.resize(15);
  return label;
}

}  // namespace

bool lives_abroad(const Staff& p) {
  return p.home_ip.starts_with(kBelgianPrefix) || p.home_ip.starts_with(kSpanishPrefix);
}

bool reads_records(Role r) { return role_info(r).reads_records; }
std::string_view role_label(Role r) { return role_info(r).label; }
std::string_view role_code(Role r) { return role_info(r).code; }
std::string_view role_profile(Role r) { return role_info(r).profile; }

std::vector<Establishment> default_establishments() {
  return {
      {"990000011", "CHU des Rives", "chu-rives.local"},
      {"990000029", "CH de Valmont", "ch-valmont.local"},
      {"990000037", "CH des Genêts", "ch-genets.local"},
  };
}

std::vector<Site> build_sites(const TrafficOptions& options) {
  std::vector<Establishment> ests =
      options.establishments.empty() ? default_establishments() : options.establishments;
  std::vector<Site> sites;
  sites.reserve(ests.size());
  for (std::size_t i = 0; i < ests.size(); ++i) {
    Rng rng = Rng::derived(options.seed, "site:" + ests[i].id);
    Site s;
    s.est = ests[i];
    s.index = i;
    s.chu = i % 3 == 0;
    s.ad_format = i % 3 == 2 ? AdFormat::kNxlog : AdFormat::kWinlogbeat;
    s.vpn_vendor = i % 3 == 1 ? VpnVendor::kCiscoAsa : VpnVendor::kFortigate;
    s.ehr_format = i % 3 == 0 ? EhrFormat::kFhir : EhrFormat::kDpiFlat;
    s.dns_domain =
        s.est.syslog_domain.empty() ? "site" + std::to_string(i) + ".local" : s.est.syslog_domain;
    s.netbios = netbios_of(s.dns_domain);
    s.realm = upper(s.dns_domain);
    const std::string base = s.dns_domain.substr(0, s.dns_domain.rfind('.'));
    s.mail_domain = base + ".fr";
    s.domain_sid = "S-1-5-21-" + std::to_string(rng.between(1'000'000'000, 4'000'000'000)) + "-" +
                   std::to_string(rng.between(1'000'000'000, 4'000'000'000)) + "-" +
                   std::to_string(rng.between(100'000'000, 999'999'999));
    s.net = 20 + static_cast<int>(i) * 10;
    s.ipp_oid = "1.2.250.1.999." + std::to_string(i + 1) + ".1.1";
    const std::string short_name = upper(base);
    s.vpn_gateway = (s.vpn_vendor == VpnVendor::kFortigate ? "FGT-" : "ASA-") + short_name + "-01";
    s.vpn_pool = ip(10, 212 + static_cast<int>(i), 134, 0);
    s.vpn_pool.resize(s.vpn_pool.size() - 1);  // "10.212.134."

    auto server = [&](const char* name, int last) { return Host{name, ip(10, s.net, 1, last), 0}; };
    s.dc1 = server("DC01", 10);
    s.dc2 = server("DC02", 11);
    s.file_server = server("FS01", 20);
    s.dpi_server = server("SRV-DPI01", 30);
    s.sql_server = server("SRV-SQL01", 40);
    s.rds_server = server("SRV-RDS01", 60);

    std::uint32_t rid = 1100;
    auto next_sid = [&] { return s.domain_sid + "-" + std::to_string(rid++); };
    const std::string fqdn_sql = "srv-sql01." + s.dns_domain;
    s.services = {
        {"svc_sql", "MSSQLSvc/" + fqdn_sql + ":1433", next_sid(), false},
        {"svc_dpi", "HTTP/dpi." + s.dns_domain, next_sid(), false},
        {"svc_backup", "backup/srv-bkp01." + s.dns_domain, next_sid(), false},
        {"svc_sccm", "HTTP/sccm01." + s.dns_domain, next_sid(), false},
        {"svc_pacs", "HTTP/pacs." + s.dns_domain, next_sid(), false},
        {"svc_rh", "HTTP/rh-paie." + s.dns_domain, next_sid(), false},
        // A laboratory analyser gateway from 2009: its service account only knows RC4.
        {"svc_labgw", "HTTP/labgw01." + s.dns_domain, next_sid(), true},
    };

    const auto& specs =
        s.chu ? std::span<const UnitSpec>(kChuUnits) : std::span<const UnitSpec>(kChUnits);
    std::set<std::string> sams;
    std::set<std::string> ehr_logins;
    int employee = 10000 + static_cast<int>(i) * 20000;
    // One member of staff of unit `u`: names, accounts, role, shift, remote access, dates.
    auto make_person = [&](std::size_t u) {
      Staff p;
      p.given = std::string(kGivenNames[rng.index(kGivenNames.size())]);
      p.family = std::string(kFamilyNames[rng.index(kFamilyNames.size())]);
      const std::string g = ascii_slug(p.given), f = ascii_slug(p.family);
      std::string sam = g.substr(0, 1) + f;
      if (sam.size() > 20) sam.resize(20);
      for (int n = 2; sams.contains(sam); ++n) sam = g.substr(0, 1) + f + std::to_string(n);
      sams.insert(sam);
      p.sam = sam;
      std::string local = g;
      local += '.';
      local += f;
      if (sam.back() >= '0' && sam.back() <= '9')
        local += sam.substr(sam.find_first_of("0123456789"));
      local += '@';
      local += s.mail_domain;
      p.upn = std::move(local);
      p.sid = next_sid();
      p.unit = u;
      p.role = pick_role(specs[u].kind, rng);
      p.shift = pick_shift(p.role, specs[u].kind, rng);
      p.employee_id = std::to_string(++employee);
      if (!role_code(p.role).empty()) p.rpps = rpps(rng);  // professions in the RPPS
      // The CHU's DPI signs on with the AD account (Kerberos SSO), Valmont's binds to LDAP with
      // it, Genêts' keeps its own accounts: FAMILY + initial, upper case ("LEROYM").
      if (i % 3 == 2) {
        std::string login = upper(f.substr(0, 8) + g.substr(0, 1));
        for (int n = 2; ehr_logins.contains(login); ++n) {
          login = upper(f.substr(0, 8) + g.substr(0, 1)) + std::to_string(n);
        }
        ehr_logins.insert(login);
        p.ehr_login = login;
      } else {
        p.ehr_login = sam;
      }
      // The ASA authenticates AnyConnect users by SAML (their UPN); the FortiGates by LDAP
      // (the sAMAccountName as typed).
      p.vpn_user = s.vpn_vendor == VpnVendor::kCiscoAsa ? p.upn : p.sam;
      switch (p.role) {
        case Role::kIt:
          p.vpn = true;
          break;
        case Role::kPhysician:
          p.vpn = rng.chance(0.35);
          break;
        case Role::kAdministration:
        case Role::kCoder:
          p.vpn = rng.chance(0.4);
          break;
        case Role::kSecretary:
        case Role::kPharmacist:
          p.vpn = rng.chance(0.12);
          break;
        default:
          p.vpn = false;
      }
      p.home_ip = french_home_ip(rng);
      // Hired between 1 and 25 years ago; about 3 % on fixed-term contracts ending within a
      // year. Leavers are added below.
      p.valid_from = options.start_ms - static_cast<std::int64_t>(rng.between(30, 9000)) * kDay;
      p.valid_from -= p.valid_from % kDay;
      if (rng.chance(0.03)) {
        p.valid_to = options.start_ms + static_cast<std::int64_t>(rng.between(20, 365)) * kDay;
        p.valid_to -= p.valid_to % kDay;
      }
      if (p.role == Role::kIt) {
        p.admin_sam = "adm-" + p.sam;
        p.admin_sid = next_sid();
      }
      return p;
    };
    for (std::size_t u = 0; u < specs.size(); ++u) {
      const UnitSpec& spec = specs[u];
      Unit unit{spec.code, spec.name, spec.abbr, spec.kind, spec.beds, {}};
      // Workstations: one per four staff, at least three; 10.<net>.<10+u>.<20+n>.
      const int count = std::max(3, spec.staff / 4);
      for (int w = 0; w < count; ++w) {
        char name[32];
        std::snprintf(name, sizeof name, "PC-%s-%02d", spec.abbr, w + 1);
        unit.workstations.push_back(s.workstations.size());
        s.workstations.push_back(Host{name, ip(10, s.net, 10 + static_cast<int>(u), 20 + w), u});
      }
      s.units.push_back(std::move(unit));
      for (int k = 0; k < spec.staff; ++k) s.staff.push_back(make_person(u));
    }
    // Cross-border and travelling staff: one CHU physician lives in Belgium, one administrator
    // works from Spain this week (their VPN sessions come from abroad: legitimate).
    if (s.chu) {
      int placed = 0;
      for (Staff& p : s.staff) {
        if (placed == 0 && p.role == Role::kPhysician && p.vpn) {
          p.home_ip = ip(81, 245, static_cast<int>(rng.between(1, 254)),
                         static_cast<int>(rng.between(2, 253)));
          ++placed;
        } else if (placed == 1 && p.role == Role::kAdministration && p.vpn) {
          p.home_ip = ip(83, 32, static_cast<int>(rng.between(1, 254)),
                         static_cast<int>(rng.between(2, 253)));
          ++placed;
          break;
        }
      }
    }
    // Leavers of the last months: their rows end before the start. One of them, a physician,
    // kept a DPI account nobody closed (story 3).
    for (int k = 0; k < 6; ++k) {
      Staff& p = s.staff[rng.index(s.staff.size())];
      if (p.valid_to != 0 || !p.admin_sam.empty()) continue;
      p.valid_to = options.start_ms - static_cast<std::int64_t>(rng.between(10, 120)) * kDay;
      p.valid_to -= p.valid_to % kDay;
    }
    for (std::size_t k = 0; k < s.staff.size(); ++k) {
      const Staff& p = s.staff[k];
      if (p.role == Role::kPhysician && p.valid_to == 0 &&
          s.units[p.unit].kind == UnitKind::kWard) {
        s.departed = k;
        break;
      }
    }
    if (s.departed != SIZE_MAX) {
      Staff& p = s.staff[s.departed];
      p.valid_to = options.start_ms - 16 * kDay;
      p.valid_to -= p.valid_to % kDay;
      p.vpn = false;
    }
    // Hires of the coming days: HR already has their rows (valid from their first day); the IT
    // team creates their Windows accounts the day before.
    for (int k = 1; k <= 3; ++k) {
      Staff p = make_person(s.units.size() > 2 ? 1 + rng.index(s.units.size() - 2) : 0);
      p.valid_from = options.start_ms + k * kDay;
      p.valid_from -= p.valid_from % kDay;
      p.valid_to = 0;
      p.vpn = false;
      s.staff.push_back(std::move(p));
    }
    sites.push_back(std::move(s));
  }
  return sites;
}

}  // namespace vigie::demo
