// SPDX-License-Identifier: Apache-2.0
// Router (router.h).

#include "router.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "triage/audit.h"
#include "triage/decision.h"
#include "triage/rule_set.h"
#include "triage/service.h"

#include "analyst_page.h"

namespace triage::serve {
namespace {

constexpr char kMetricsType[] = "text/plain; version=0.0.4; charset=utf-8";

std::string_view PathOf(std::string_view target) {
  const size_t query = target.find('?');
  return query == std::string_view::npos ? target : target.substr(0, query);
}

// Returns the value of query parameter `name` in `target` ("" when absent). Values are taken as
// written (no percent-decoding: the parameters this router reads are plain words).
std::string QueryValue(std::string_view target, std::string_view name) {
  const size_t query = target.find('?');
  if (query == std::string_view::npos) return "";
  std::string_view rest = target.substr(query + 1);
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return "";
}

// The media type of a Content-Type header: lower case, without parameters or spaces.
std::string MediaType(std::string_view content_type) {
  std::string type(content_type.substr(0, content_type.find(';')));
  type.erase(std::remove_if(type.begin(), type.end(),
                            [](unsigned char c) { return std::isspace(c) != 0; }),
             type.end());
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return type;
}

bool IsJsonLinesType(const std::string& type) {
  return type == "application/x-ndjson" || type == "application/ndjson" ||
         type == "application/jsonl" || type == "application/x-jsonlines" ||
         type == "application/json-lines";
}

// Escapes `text` for XML character data and attribute values.
std::string XmlEscaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// The answer for a record error (the filter's error line): 400, or 413 for too_large.
ServiceResponse RecordErrorResponse(const Status& error, const std::optional<std::string>& id) {
  ServiceResponse response;
  response.status = error.record_code() == "too_large" ? 413 : 400;
  response.content_type = "application/json";
  response.error_code = error.record_code();
  response.body = FormatErrorLine(1, id, error);
  return response;
}

RoutedResponse Routed(ServiceResponse response, std::string endpoint) {
  RoutedResponse routed;
  routed.response = std::move(response);
  routed.endpoint = std::move(endpoint);
  return routed;
}

ServiceResponse Json(int status, std::string body) {
  ServiceResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.body = std::move(body);
  return response;
}

}  // namespace

bool ConstantTimeEquals(std::string_view given, std::string_view expected) {
  // Every byte of `given` is compared (against `expected`, cycled), so the time depends on
  // `given`'s length only; the lengths are compared last.
  unsigned char difference = 0;
  for (size_t i = 0; i < given.size(); ++i) {
    const char want = expected.empty() ? '\0' : expected[i % expected.size()];
    difference |= static_cast<unsigned char>(given[i] ^ want);
  }
  return difference == 0 && given.size() == expected.size() && !expected.empty();
}

Router::Router(Service* service, RouterOptions options)
    : service_(service), options_(std::move(options)) {}

std::string Router::EndpointOf(std::string_view target) {
  const std::string_view path = PathOf(target);
  if (path == "/") return "page";
  if (path == "/healthz") return "healthz";
  if (path == "/readyz") return "readyz";
  if (path == "/metrics") return "metrics";
  if (path == "/v1/triage") return "triage";
  if (path == "/v1/explain") return "explain";
  if (path == "/v1/twilio/sms") return "twilio_sms";
  if (path == "/v1/cybertipline") return "cybertipline";
  if (path == "/admin/reload") return "reload";
  return "other";
}

bool Router::NeedsWorker(std::string_view endpoint) {
  return endpoint != "page" && endpoint != "healthz" && endpoint != "readyz" &&
         endpoint != "metrics" && endpoint != "other";
}

bool Router::Authorized(const std::string& authorization) const {
  if (options_.token.empty()) return true;
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() <= kScheme.size()) return false;
  // The scheme is case-insensitive (RFC 9110 section 11.1).
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) !=
        std::tolower(static_cast<unsigned char>(kScheme[i]))) {
      return false;
    }
  }
  return ConstantTimeEquals(std::string_view(authorization).substr(kScheme.size()), options_.token);
}

Status Router::Reload(const std::string& trigger) {
  const Status status = service_->Reload(options_.load);
  const std::string digest = service_->rules().digest();
  if (options_.log) {
    options_.log(status.ok() ? "reloaded ruleset " + digest + " (" + trigger + ")"
                             : "reload failed (" + trigger + "); keeping ruleset " + digest);
  }
  return status;
}

RoutedResponse Router::HandleAdminReload() {
  const Status status = Reload("POST /admin/reload");
  const std::string digest = service_->rules().digest();
  if (!status.ok()) {
    // The load's summary ("3 errors"); the diagnostics themselves went to the log.
    ServiceResponse error = ServiceError(
        422, "reload_failed",
        "the config or rules did not load (" + status.message() + "); keeping ruleset " + digest);
    return Routed(std::move(error), "reload");
  }
  return Routed(Json(200, R"({"reloaded":true,"ruleset":")" + digest + "\"}"), "reload");
}

RoutedResponse Router::HandleReady() const {
  const RuleSet rules = service_->rules();
  const bool ready = service_->ready();
  std::string body = std::string(R"({"ready":)") + (ready ? "true" : "false") + R"(,"ruleset":")" +
                     rules.digest() + R"(","rules":)" + std::to_string(rules.rule_count()) + "}";
  RoutedResponse routed = Routed(Json(ready ? 200 : 503, std::move(body)), "readyz");
  if (!ready) routed.response.error_code = "not_ready";
  return routed;
}

RoutedResponse Router::Handle(size_t worker, const HttpRequest& request) {
  const std::string endpoint = EndpointOf(request.target);
  const std::string_view path = PathOf(request.target);
  // The Twilio webhook is authenticated by its signature instead (Twilio sends no bearer token).
  const bool protected_path =
      (path.rfind("/v1/", 0) == 0 || path.rfind("/admin/", 0) == 0) && endpoint != "twilio_sms";
  if (protected_path && !Authorized(request.authorization)) {
    RoutedResponse routed = Refuse(401, "unauthorized",
                                   request.authorization.empty() ? "a bearer token is required"
                                                                 : "the bearer token is not valid",
                                   endpoint);
    routed.headers.emplace_back("WWW-Authenticate", "Bearer");
    return routed;
  }
  if (endpoint == "other") {
    return Refuse(404, "not_found", "no such endpoint", endpoint);
  }
  const bool get =
      endpoint == "page" || endpoint == "healthz" || endpoint == "readyz" || endpoint == "metrics";
  const std::string method = get ? "GET" : "POST";
  if (request.method != method) {
    RoutedResponse routed = Refuse(405, "method_not_allowed", "use " + method, endpoint);
    routed.headers.emplace_back("Allow", method);
    return routed;
  }

  if (endpoint == "page") {
    ServiceResponse page;
    page.content_type = "text/html; charset=utf-8";
    page.body = std::string(AnalystPage());
    RoutedResponse routed = Routed(std::move(page), endpoint);
    // Self-contained: its script and style are inline; it talks to this origin only.
    routed.headers.emplace_back("Content-Security-Policy",
                                "default-src 'none'; script-src 'unsafe-inline'; "
                                "style-src 'unsafe-inline'; connect-src 'self'; img-src data:; "
                                "base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    routed.headers.emplace_back("Referrer-Policy", "no-referrer");
    return routed;
  }
  if (endpoint == "healthz") return Routed(Json(200, R"({"status":"ok"})"), endpoint);
  if (endpoint == "readyz") return HandleReady();
  if (endpoint == "metrics") {
    ServiceResponse metrics;
    metrics.content_type = kMetricsType;
    metrics.body = service_->MetricsText();
    return Routed(std::move(metrics), endpoint);
  }
  if (endpoint == "reload") return HandleAdminReload();
  if (endpoint == "twilio_sms") return HandleTwilio(worker, request);
  if (endpoint == "cybertipline") return HandleCyberTipline(worker, request);

  // /v1/triage and /v1/explain take JSON.
  const std::string type = MediaType(request.content_type);
  const bool lines = IsJsonLinesType(type);
  if (!type.empty() && type != "application/json" && !(lines && endpoint == "triage")) {
    return Refuse(415, "unsupported_media_type",
                  endpoint == "triage" ? "send application/json (one record) or "
                                         "application/x-ndjson (JSON Lines)"
                                       : "send application/json (one record)",
                  endpoint);
  }
  if (endpoint == "explain") return Routed(service_->Explain(worker, request.body), endpoint);

  const std::string output = QueryValue(request.target, "output");
  if (!output.empty() && output != "decision" && output != "annotate") {
    return Refuse(400, "bad_request", "output must be decision or annotate", endpoint);
  }
  const OutputMode mode = output == "annotate" ? OutputMode::kAnnotate : OutputMode::kDecision;
  return Routed(service_->Triage(worker, request.body,
                                 lines ? BodyFormat::kJsonLines : BodyFormat::kRecord, mode),
                endpoint);
}

std::string Router::ReceivedAt() const {
  const int64_t micros = options_.now_micros
                             ? options_.now_micros()
                             : std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
  return FormatAuditTime(micros);
}

RoutedResponse Router::Refuse(int status, std::string_view code, const std::string& message,
                              const std::string& endpoint) {
  service_->metrics().CountError(code);
  return Routed(ServiceError(status, code, message), endpoint);
}

RoutedResponse Router::NotConverted(const std::string& endpoint, size_t input_bytes,
                                    const Status& error) {
  if (error.code() != Status::Code::kInvalidRecord) {
    return Refuse(500, "internal", "the body could not be converted", endpoint);
  }
  // Not triaged; recorded by its length, as the filter records a line that did not convert.
  if (!service_->RecordFailure(1, input_bytes, error).ok()) {
    return Routed(ServiceError(503, "audit_failed", "the error could not be recorded"), endpoint);
  }
  return Routed(RecordErrorResponse(error, std::nullopt), endpoint);
}

std::optional<RoutedResponse> Router::DecideConverted(size_t worker, const std::string& endpoint,
                                                      size_t input_bytes,
                                                      const Result<std::string>& record,
                                                      Decision* decision) {
  if (!record.ok()) return NotConverted(endpoint, input_bytes, record.status());
  const Status status = service_->TriageRecord(worker, *record, 1, decision);
  if (status.code() == Status::Code::kInvalidRecord) {
    return Routed(RecordErrorResponse(status, decision->id), endpoint);
  }
  if (!status.ok()) {
    return Routed(
        ServiceError(503, "audit_failed", "the decision could not be recorded in the audit store"),
        endpoint);
  }
  return std::nullopt;
}

RoutedResponse Router::HandleTwilio(size_t worker, const HttpRequest& request) {
  const IntakeAdapters& adapters = options_.adapters;
  if (!adapters.has_twilio()) {
    return Refuse(501, "not_implemented", "this build has no Twilio adapter", "twilio_sms");
  }
  if (options_.twilio_auth_token.empty() || options_.sender_secret.empty() ||
      options_.public_url.empty()) {
    return Refuse(501, "not_configured",
                  "the Twilio webhook needs a Twilio auth token, a sender secret "
                  "and the public URL (docs/serve.md)",
                  "twilio_sms");
  }
  // Received now: stamped before anything else, so that the record says when it arrived.
  const std::string received_at = ReceivedAt();
  // Signature first: an unsigned or wrongly signed webhook is never triaged.
  if (request.twilio_signature.empty()) {
    return Refuse(403, "invalid_signature", "X-Twilio-Signature is missing", "twilio_sms");
  }
  if (MediaType(request.content_type) != "application/x-www-form-urlencoded") {
    return Refuse(415, "unsupported_media_type",
                  "send application/x-www-form-urlencoded (Twilio's webhook form)", "twilio_sms");
  }
  Result<std::vector<FormField>> params = adapters.parse_form(request.body);
  if (!params.ok()) return NotConverted("twilio_sms", request.body.size(), params.status());
  std::string base = options_.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (!adapters.twilio_signature_valid(options_.twilio_auth_token, base + request.target, *params,
                                       request.twilio_signature)) {
    return Refuse(403, "invalid_signature", "X-Twilio-Signature does not match the request",
                  "twilio_sms");
  }
  Decision decision;
  if (std::optional<RoutedResponse> refused = DecideConverted(
          worker, "twilio_sms", request.body.size(),
          adapters.twilio_to_record(*params, options_.sender_secret, received_at), &decision)) {
    return *std::move(refused);
  }
  ServiceResponse twiml;
  twiml.content_type = "text/xml; charset=utf-8";
  twiml.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
  twiml.body += decision.reply.has_value()
                    ? "<Response><Message>" + XmlEscaped(*decision.reply) + "</Message></Response>"
                    : std::string("<Response/>");
  return Routed(std::move(twiml), "twilio_sms");
}

RoutedResponse Router::HandleCyberTipline(size_t worker, const HttpRequest& request) {
  if (!options_.adapters.has_cybertipline()) {
    return Refuse(501, "not_implemented", "this build has no CyberTipline XML adapter",
                  "cybertipline");
  }
  const std::string type = MediaType(request.content_type);
  if (!type.empty() && type != "application/xml" && type != "text/xml") {
    return Refuse(415, "unsupported_media_type", "send application/xml (a CyberTipline report)",
                  "cybertipline");
  }
  Result<std::string> record = options_.adapters.cybertipline_to_record(
      request.body, ReceivedAt(), service_->rules().config().max_record_bytes);
  Decision decision;
  if (std::optional<RoutedResponse> refused =
          DecideConverted(worker, "cybertipline", request.body.size(), record, &decision)) {
    return *std::move(refused);
  }
  const std::string output = QueryValue(request.target, "output");
  ServiceResponse response;
  response.content_type = "application/json";
  response.body = FormatDecisionLine(
      *record, decision, output == "annotate" ? OutputMode::kAnnotate : OutputMode::kDecision);
  return Routed(std::move(response), "cybertipline");
}

}  // namespace triage::serve
