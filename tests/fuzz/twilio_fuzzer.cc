// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: Twilio webhook bodies, one per line as `triage filter --input twilio-form`
// reads them, through ParseForm, TwilioSignatureValid and TwilioToRecordJson (with the form's
// own received_at, and with one stamped by the caller), each record then scanned by a small
// ruleset that must accept it as JSON (adapter_fuzz_support.h).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "triage/adapters.h"
#include "triage/status.h"

#include "adapter_fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  while (!input.empty()) {
    const size_t end = input.find('\n');
    const std::string_view line = input.substr(0, end);
    const triage::Result<std::vector<triage::adapters::FormParam>> params =
        triage::adapters::ParseForm(line);
    if (params.ok()) {
      (void)triage::adapters::TwilioSignatureValid("12345", "https://hotline.example/v1/twilio/sms",
                                                   *params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
      triage::adapters::TwilioOptions options;
      options.sender_secret = "fuzz-key";
      for (const char* stamp : {"", "2026-11-02T10:00:00Z"}) {
        options.received_at = stamp;
        const triage::Result<std::string> record =
            triage::adapters::TwilioToRecordJson(*params, options);
        if (record.ok()) triage::fuzz::ScanConverted(*record);
      }
    }
    if (end == std::string_view::npos) break;
    input.remove_prefix(end + 1);
  }
  return 0;
}
