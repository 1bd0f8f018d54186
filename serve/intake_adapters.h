// SPDX-License-Identifier: Apache-2.0
// IntakeAdapters: the adapters the router converts webhook and report bodies with — the library's
// (triage/adapters.h: the Twilio form and its signature, the CyberTipline report XML) in the
// service, fakes in the router's tests (which then need no HMAC to sign a request and can fix the
// time stamped). LibraryAdapters() fills every slot from triage::adapters. While a slot is empty,
// its endpoint answers 501.
//
// Each slot must be thread-safe (the adapters are pure functions).
#ifndef TRIAGE_SERVE_INTAKE_ADAPTERS_H_
#define TRIAGE_SERVE_INTAKE_ADAPTERS_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "triage/adapters.h"
#include "triage/status.h"

namespace triage::serve {

// One decoded name=value pair of a form body.
using FormField = adapters::FormParam;

struct IntakeAdapters {
  // adapters::ParseForm: the body's pairs in order, or InvalidRecord (invalid_form).
  std::function<Result<std::vector<FormField>>(std::string_view body)> parse_form;
  // adapters::TwilioSignatureValid: HMAC-SHA1 over the full URL and the sorted parameters.
  std::function<bool(std::string_view auth_token, std::string_view full_url,
                     const std::vector<FormField>& params, std::string_view signature)>
      twilio_signature_valid;
  // adapters::TwilioToRecordJson: one SMS record line, `from` a keyed hash of the sender;
  // `received_at` is stamped by the caller (RFC 3339).
  std::function<Result<std::string>(const std::vector<FormField>& params,
                                    const std::string& sender_secret,
                                    const std::string& received_at)>
      twilio_to_record;
  // adapters::CyberTiplineXmlToRecordJson: one report record line; `received_at` as above; a
  // document over `max_bytes` is too_large.
  std::function<Result<std::string>(std::string_view xml, const std::string& received_at,
                                    size_t max_bytes)>
      cybertipline_to_record;

  bool has_twilio() const { return parse_form && twilio_signature_valid && twilio_to_record; }
  bool has_cybertipline() const { return static_cast<bool>(cybertipline_to_record); }
};

// Returns the slots filled from triage::adapters.
IntakeAdapters LibraryAdapters();

}  // namespace triage::serve

#endif  // TRIAGE_SERVE_INTAKE_ADAPTERS_H_
