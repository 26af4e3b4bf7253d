// The vpn plugin: remote-access VPN gateways as hospitals run them (FortiGate SSL-VPN, Cisco ASA /
// AnyConnect, Palo Alto GlobalProtect, Ivanti / Pulse Connect Secure, OpenVPN). Every event keeps
// the vendor's own fields and gets the common vpn fields (vpn_common.h, schemas/vpn.schema.json);
// the mapping per vendor is in plugins/vpn/README.md.
#include "decode/decoder.h"
#include "formats.h"

namespace vigie::plugins::vpn {

void register_plugin(decode::Registry& registry) {
  decode::Plugin p{"vpn", decode::Family::kVpn, {}};
  p.formats.push_back(fortigate_format());
  p.formats.push_back(cisco_asa_format());
  p.formats.push_back(globalprotect_format());
  p.formats.push_back(pulse_secure_format());
  p.formats.push_back(openvpn_format());
  registry.add(std::move(p));
}

}  // namespace vigie::plugins::vpn
