#include "decode/decoder.h"

namespace vigie::decode {

std::optional<Family> parse_family(std::string_view name) {
  if (name == "ad") return Family::kAd;
  if (name == "vpn") return Family::kVpn;
  if (name == "ehr") return Family::kEhr;
  return std::nullopt;
}

std::string_view to_string(Family f) {
  switch (f) {
    case Family::kAd:
      return "ad";
    case Family::kVpn:
      return "vpn";
    case Family::kEhr:
      return "ehr";
  }
  return "?";
}

const Format* Registry::find(Family family, std::string_view name) const {
  for (const Plugin& p : plugins_) {
    if (p.family != family) continue;
    for (const Format& f : p.formats) {
      if (f.info.name == name) return &f;
    }
  }
  return nullptr;
}

namespace {

const Format* sniff_in(const std::vector<Plugin>& plugins, const std::optional<Family>& family,
                       std::string_view record) {
  for (bool catch_all : {false, true}) {
    for (const Plugin& p : plugins) {
      if (family && p.family != *family) continue;
      for (const Format& f : p.formats) {
        if (f.catch_all == catch_all && f.sniff && f.sniff(record)) return &f;
      }
    }
  }
  return nullptr;
}

}  // namespace

const Format* Registry::sniff(Family family, std::string_view record) const {
  return sniff_in(plugins_, family, record);
}

const Format* Registry::sniff_any(std::string_view record) const {
  return sniff_in(plugins_, std::nullopt, record);
}

}  // namespace vigie::decode
