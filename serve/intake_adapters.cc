// SPDX-License-Identifier: Apache-2.0
// IntakeAdapters (intake_adapters.h): the library's adapters in the router's slots.

#include "intake_adapters.h"

#include <string>
#include <string_view>
#include <vector>

#include "triage/adapters.h"

namespace triage::serve {

IntakeAdapters LibraryAdapters() {
  IntakeAdapters slots;
  slots.parse_form = adapters::ParseForm;
  slots.twilio_signature_valid = adapters::TwilioSignatureValid;
  slots.twilio_to_record = [](const std::vector<FormField>& params,
                              const std::string& sender_secret,
                              const std::string& received_at) -> Result<std::string> {
    adapters::TwilioOptions options;
    options.sender_secret = sender_secret;
    options.received_at = received_at;
    return adapters::TwilioToRecordJson(params, options);
  };
  slots.cybertipline_to_record = [](std::string_view xml, const std::string& received_at,
                                    size_t max_bytes) -> Result<std::string> {
    adapters::CyberTiplineOptions options;
    options.received_at = received_at;
    options.max_bytes = max_bytes;
    return adapters::CyberTiplineXmlToRecordJson(xml, options);
  };
  return slots;
}

}  // namespace triage::serve
