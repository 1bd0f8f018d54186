// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: one CyberTipline report document per input through
// CyberTiplineXmlToRecordJson, the record then scanned by a small ruleset that must accept it as
// JSON (adapter_fuzz_support.h). The whole input is one document (newlines included): the
// library's contract; `triage filter` only adds the one-per-line framing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "triage/adapters.h"
#include "triage/status.h"

#include "adapter_fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  triage::adapters::CyberTiplineOptions options;
  const triage::Result<std::string> record =
      triage::adapters::CyberTiplineXmlToRecordJson(xml, options);
  if (record.ok()) triage::fuzz::ScanConverted(*record);
  return 0;
}
