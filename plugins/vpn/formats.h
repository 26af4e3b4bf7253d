// The five formats of the vpn plugin, one source file each; registered by vpn.cpp in this order
// (auto-detection asks their sniffers in the same order).
#pragma once

#include "decode/decoder.h"

namespace vigie::plugins::vpn {

decode::Format fortigate_format();      // fortigate.cpp
decode::Format cisco_asa_format();      // cisco_asa.cpp
decode::Format globalprotect_format();  // globalprotect.cpp
decode::Format pulse_secure_format();   // pulse_secure.cpp
decode::Format openvpn_format();        // openvpn.cpp

}  // namespace vigie::plugins::vpn
