// libFuzzer target for what `vigie run` reads back from its store at start and what `vigie
// alerts` reads: the VPN lease and patient link snapshots (enrich) and alert records (store). A
// damaged or foreign store must give an error, never a crash; whatever is accepted must write
// back to bytes that read the same (first byte: which reader).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "enrich/enricher.h"
#include "enrich/leases.h"
#include "store/alert_record.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0: {
      vigie::enrich::LeaseTable t;
      if (!t.restore(bytes).ok()) break;
      const std::string again = t.snapshot();
      vigie::enrich::LeaseTable u;
      if (!u.restore(again).ok() || u.snapshot() != again || u.size() != t.size()) std::abort();
      break;
    }
    case 1: {
      vigie::enrich::PatientLinks l;
      if (!l.restore(bytes).ok()) break;
      const std::string again = l.snapshot();
      vigie::enrich::PatientLinks m;
      if (!m.restore(again).ok() || m.snapshot() != again) std::abort();
      break;
    }
    default: {
      vigie::Result<vigie::store::AlertRecord> a = vigie::store::alert_from_json(bytes);
      if (!a.ok()) break;
      const std::string json = vigie::store::to_json(*a);
      vigie::Result<vigie::store::AlertRecord> b = vigie::store::alert_from_json(json);
      if (!b.ok() || vigie::store::to_json(*b) != json) std::abort();
      break;
    }
  }
  return 0;
}
