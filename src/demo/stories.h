// The attack stories of the demo (docs/demo.md): when and where each happens, and the actors that
// write their records into the traffic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "demo/engine.h"

namespace vigie::demo {

// Rule ids of rules/health (and rules/windows) that the stories are expected to trigger.
namespace rule_id {
inline constexpr std::string_view kVpnPasswordSpray = "d64d5800-25bd-4bd1-bf33-29e0e849a6b3";
inline constexpr std::string_view kVpnSessionAbroad = "1cc3c30d-4cc2-4ba6-8727-1c7f73d1415a";
inline constexpr std::string_view kVpnSprayThenSession = "7ccb503e-b751-4981-83ba-b700a0728238";
inline constexpr std::string_view kVpnTunnelKerberoasting = "381bf208-0d99-4c2d-a66e-0f828524175a";
inline constexpr std::string_view kAdKerberoastingBurst = "e881a190-ea0b-43e6-b632-99681eb82a5e";
inline constexpr std::string_view kAdSamPrivilegedRecon = "a48e90b1-0611-44f5-9786-b70fd28b004f";
inline constexpr std::string_view kWinKerberoastingRc4 = "0e4f7c52-6a1d-4b3e-9f28-7d5c3a9e1b02";
inline constexpr std::string_view kEhrMassConsultation = "c5bfcb22-e277-4ee4-816e-a677ea64c599";
inline constexpr std::string_view kEhrDepartedAccount = "c343aead-ea53-4dc4-aaf1-c59aeb20bc99";
}  // namespace rule_id

// The stories, each in one establishment (the first three of `sites`, or cycling when there are
// fewer), at a plausible local time inside [start, end): the VPN intrusion at night, the insider
// in the evening, the leaver's account in the afternoon. Empty when there are no sites.
std::vector<Story> plan_stories(const std::vector<Site>& sites, std::int64_t start,
                                std::int64_t end);

// The actor that writes story `index` (of plan_stories()) into `st`'s traffic when it wakes at
// the story's start. Its randomness comes from `seed` alone, so the everyday traffic does not
// change with the stories.
std::unique_ptr<Actor> make_story_actor(SiteState& st, std::size_t index, std::uint64_t seed);

}  // namespace vigie::demo
