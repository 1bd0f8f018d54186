// SPDX-License-Identifier: Apache-2.0
// Adapters: turn the bytes of other intake formats into one JSON record line in DESIGN.md's
// shapes, and nothing else (STYLE.md H12). The engine never knows where a record came from: a
// driver (`triage filter --input ...`, the HTTP service) converts first, then scans the JSON line
// as it scans any other. docs/adapters.md has the formats, the mapping tables and the errors.
//
//   - Twilio's inbound SMS webhook: an application/x-www-form-urlencoded body (ParseForm), its
//     X-Twilio-Signature (TwilioSignatureValid), and the record (TwilioToRecordJson): an SMS
//     record whose `from` is a keyed hash (HMAC-SHA256, "h:<hex>"), never the phone number.
//     Media is never fetched: only the count and the content types are kept.
//   - A CyberTipline report (`<report>` XML, NCMEC's reporting schema) read with pugixml, element
//     names matched whatever their namespace prefix; a DOCTYPE is refused, so no entity is ever
//     declared, let alone resolved (CyberTiplineXmlToRecordJson).
//
// A record that cannot be converted is a Status::InvalidRecord with a stable snake_case code —
// the codes `triage filter` writes in its error lines — and a message that names the parameter or
// element at fault but never quotes a value (the text of a report, a phone number). Arguments
// that are the caller's fault (an empty secret, a malformed received_at option) are
// InvalidArgument. All functions are pure: no clock, no I/O, no global state; thread-safe.
#ifndef TRIAGE_ADAPTERS_H_
#define TRIAGE_ADAPTERS_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "triage/export.h"
#include "triage/status.h"

namespace triage::adapters {

// Record error codes of the adapters (Status::record_code()); docs/adapters.md, section 4.
inline constexpr const char* kInvalidForm = "invalid_form";            // a malformed %XX escape
inline constexpr const char* kInvalidXml = "invalid_xml";              // not well-formed XML
inline constexpr const char* kDoctypeRefused = "doctype_refused";      // the XML has a DOCTYPE
inline constexpr const char* kNotAReport = "not_a_report";             // the root is no <report>
inline constexpr const char* kMissingField = "missing_field";          // a required part is absent
inline constexpr const char* kDuplicateKey = "duplicate_key";          // a mapped parameter twice
inline constexpr const char* kDuplicateElement = "duplicate_element";  // a single element twice
inline constexpr const char* kInvalidTimestamp = "invalid_timestamp";  // not an RFC 3339 time
inline constexpr const char* kInvalidValue = "invalid_value";          // a bad number or date
inline constexpr const char* kInvalidUtf8 = "invalid_utf8";            // text that is not UTF-8
inline constexpr const char* kTooLarge = "too_large";                  // over the size limit

// The largest XML document CyberTiplineXmlToRecordJson reads by default: the engine's default
// limits.max_record_bytes (1 MiB), so that a report that converts is never too large to triage.
inline constexpr size_t kDefaultMaxXmlBytes = size_t{1} << 20;

// ---- application/x-www-form-urlencoded --------------------------------------------------------

// One name=value pair of a form body, both decoded.
struct FormParam {
  std::string name;
  std::string value;
};

// Parses an application/x-www-form-urlencoded body into its pairs, in body order: pairs are
// separated by '&', name from value by the first '='; '+' decodes to a space and %XX to the byte
// XX (hex digits in either case). Empty pieces ("a=1&&b=2", a trailing '&') are skipped; a piece
// without '=' is a name with an empty value. Names may repeat. The decoded bytes are returned as
// they are (UTF-8 is not checked here). Returns InvalidRecord `invalid_form` for a '%' not
// followed by two hex digits (the message gives its byte offset, never the text).
TRIAGE_EXPORT Result<std::vector<FormParam>> ParseForm(std::string_view body);

// ---- Twilio ---------------------------------------------------------------------------------

// Returns true iff `signature` (an X-Twilio-Signature header value) is
// Base64(HMAC-SHA1(auth_token, full_url + name1 + value1 + name2 + value2 ...)) over `params`
// sorted by name, then by value for a repeated name (bytewise), compared in constant time.
// `full_url` is the URL Twilio requested, exactly as configured in Twilio (scheme, host, port
// if any, path and query string). False for any mismatch, a malformed or empty signature, or an
// empty auth_token.
TRIAGE_EXPORT bool TwilioSignatureValid(std::string_view auth_token, std::string_view full_url,
                                        const std::vector<FormParam>& params,
                                        std::string_view signature);

// Returns the keyed hash a sender is recorded as: "h:" and the 64 lower-case hex digits of
// HMAC-SHA256(secret, sender), the sender taken as written ("+15555550123", "whatsapp:+1555...").
// The same secret and sender always give the same hash, so conversations still thread by sender;
// without the secret, a list of candidate numbers cannot be tested against it.
// REQUIRES: !secret.empty().
TRIAGE_EXPORT std::string SenderHash(std::string_view secret, std::string_view sender);

struct TwilioOptions {
  // The HMAC-SHA256 key `from` is hashed with (SenderHash). Required: empty is InvalidArgument.
  std::string sender_secret;
  // When the message was received, RFC 3339 (normalised to UTC in the record), stamped by the
  // caller (the service, on arrival). Empty: the form's own `received_at` parameter is used
  // (`triage filter`, where the webhook bodies were logged with their arrival time), and a form
  // without one is InvalidRecord `missing_field`. A malformed value here is InvalidArgument.
  std::string received_at;
};

// Returns one JSON record line (no newline) in DESIGN.md's SMS shape for a Twilio inbound SMS
// webhook's parameters:
//   {"id":MessageSid,"kind":"sms","channel":"sms","from":"h:<hex>","to":To,"received_at":...,
//    "body":Body,"media":{"count":NumMedia,"content_types":[MediaContentType0,...]},
//    "geo":{"from_city":...,"latitude":...}}
// `to` is left out when the form has no To, `geo` when it has none of the geo parameters
// (FromCity, FromState, FromZip, FromCountry, ToCity, ToState, ToZip, ToCountry, Latitude,
// Longitude). Media URLs are never read; every other parameter (AccountSid, ProfileName, WaId,
// ...) is accepted and left out of the record: the record carries what triage reads, and those
// may identify the sender. Errors (InvalidRecord): `missing_field` (no MessageSid or From, no
// received_at), `duplicate_key` (a parameter the record takes, given twice), `invalid_value`
// (NumMedia not a number from 0 to 100), `invalid_timestamp` (the form's received_at),
// `invalid_utf8` (a value the record takes). No message quotes a value.
TRIAGE_EXPORT Result<std::string> TwilioToRecordJson(const std::vector<FormParam>& params,
                                                     const TwilioOptions& options);

// ---- CyberTipline ---------------------------------------------------------------------------

struct CyberTiplineOptions {
  // The record's id. Empty: "ct-" and the first 16 hex digits of the SHA-256 of the XML bytes,
  // so the same document always gets the same id.
  std::string id;
  // When the report was received, RFC 3339 (normalised to UTC), stamped by the caller. Empty:
  // the record has no received_at (a report has no arrival time of its own; the incident's time
  // is `incident_at`). A malformed value is InvalidArgument.
  std::string received_at;
  // The record's `channel`.
  std::string channel = "cybertipline";
  // Documents longer than this are InvalidRecord `too_large`, refused before parsing.
  size_t max_bytes = kDefaultMaxXmlBytes;
};

// Returns one JSON record line (no newline) in DESIGN.md's report shape for a CyberTipline
// `<report>` document:
//   {"id":...,"kind":"report","channel":"cybertipline","received_at":...,
//    "incident_type":incidentType,"incident_at":incidentDateTime (UTC),"platform":...,
//    "escalate_to_high_priority":...,"annotations":[...],"summary":free text,
//    "victims":[{"age":N},...],"suspects":[{"username":...,"platform":...},...],"urls":[...]}
// Element names are matched by their local name, whatever their prefix or namespace. Only
// incidentSummary/incidentType and incidentSummary/incidentDateTime are required; a victim's age
// is its `age`, or else computed from `dateOfBirth` at the incident's date. The summary joins
// the report's free-text parts, one per line. Names, addresses, e-mail addresses and phone
// numbers of reporters, victims and suspects are never copied. docs/adapters.md has the whole
// mapping. Errors (InvalidRecord): `too_large`, `invalid_utf8`, `invalid_xml` (with the byte
// offset), `doctype_refused`, `not_a_report`, `missing_field`, `duplicate_element`,
// `invalid_timestamp`, `invalid_value`. No message quotes the document.
TRIAGE_EXPORT Result<std::string> CyberTiplineXmlToRecordJson(std::string_view xml,
                                                              const CyberTiplineOptions& options);

}  // namespace triage::adapters

#endif  // TRIAGE_ADAPTERS_H_
