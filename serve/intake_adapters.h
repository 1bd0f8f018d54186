// SPDX-License-Identifier: Apache-2.0
// IntakeAdapters: the seam between the router and the library's adapters (triage/adapters.h:
// the Twilio webhook form and signature, the CyberTipline report XML), which are built on another
// branch and not yet in this one. The router codes against these slots; the CLI fills them from
// triage::adapters once the adapters are merged (one line each, docs/serve.md section 9), and
// the tests fill them with fakes. While a slot is empty, its endpoint answers 501.
//
// The slots mirror the adapters' API: ParseForm, TwilioSignatureValid, TwilioToRecordJson (with
// TwilioOptions{sender_secret, received_at}) and CyberTiplineXmlToRecordJson (with
// CyberTiplineOptions{received_at}). Each must be thread-safe (the adapters are pure functions).
#ifndef TRIAGE_SERVE_INTAKE_ADAPTERS_H_
#define TRIAGE_SERVE_INTAKE_ADAPTERS_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "triage/status.h"

namespace triage::serve {

// One decoded name=value pair of a form body (adapters::FormParam).
struct FormField {
  std::string name;
  std::string value;
};

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
  // adapters::CyberTiplineXmlToRecordJson: one report record line; `received_at` as above.
  std::function<Result<std::string>(std::string_view xml, const std::string& received_at)>
      cybertipline_to_record;

  bool has_twilio() const { return parse_form && twilio_signature_valid && twilio_to_record; }
  bool has_cybertipline() const { return static_cast<bool>(cybertipline_to_record); }
};

}  // namespace triage::serve

#endif  // TRIAGE_SERVE_INTAKE_ADAPTERS_H_
