// SPDX-License-Identifier: Apache-2.0
// Router: HTTP requests of `triage serve` to Service calls, without any socket. It checks the
// bearer token of /v1/* and /admin/*, picks the endpoint by method and path, reads the body's
// media type, and answers with the Service's response (or a JSON error). The HTTP server
// (http_server.h) only moves bytes; everything a request means is decided here, so it is tested
// without a network.
//
//   GET  /                 the analyst page (analyst_page.h)
//   GET  /healthz          200 {"status":"ok"} while the process runs
//   GET  /readyz           200 {"ready":true,"ruleset":...} with rules loaded; else 503
//   GET  /metrics          Prometheus text format
//   POST /v1/triage        one record (application/json) or JSON Lines (application/x-ndjson);
//                          ?output=annotate adds the decision to the record instead
//   POST /v1/explain       one record -> the explain report
//   POST /v1/twilio/sms    a Twilio inbound SMS webhook: X-Twilio-Signature checked first (403 and
//                          never triaged when missing or wrong), then triaged; answers TwiML with
//                          the keyword auto-reply, or an empty <Response/>. Authenticated by its
//                          signature, not by the bearer token (Twilio cannot send one)
//   POST /v1/cybertipline  a CyberTipline report XML -> its decision line
//                          (both through IntakeAdapters; 501 while a slot is empty)
//   POST /admin/reload     reload the config and rules; the old ones stay on failure
//
// Thread-safe: Handle() and Reload() may be called from any thread (each worker with its slot).
#ifndef TRIAGE_SERVE_ROUTER_H_
#define TRIAGE_SERVE_ROUTER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "triage/decision.h"
#include "triage/rule_set.h"
#include "triage/service.h"
#include "triage/status.h"

#include "intake_adapters.h"

namespace triage::serve {

// What the router needs of a request.
struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query, as received
  std::string content_type;
  std::string authorization;     // the Authorization header ("" when absent)
  std::string twilio_signature;  // the X-Twilio-Signature header ("" when absent)
  std::string body;
};

// The router's answer: the response, the endpoint name for the metrics, and extra headers.
struct RoutedResponse {
  ServiceResponse response;
  std::string endpoint;  // a fixed name: "triage", "explain", "metrics", ..., "other"
  std::vector<std::pair<std::string, std::string>> headers;
};

struct RouterOptions {
  // The bearer token /v1/* and /admin/* require ("": none).
  std::string token;
  // Loads the config and rules afresh (POST /admin/reload, SIGHUP); reports its diagnostics itself.
  std::function<Result<RuleSet>()> load;
  // Writes one line of the service's log (no record text is ever passed to it).
  std::function<void(const std::string&)> log;
  // The adapters (empty slots: their endpoints answer 501).
  IntakeAdapters adapters;
  // Twilio's auth token (the signature's key) and the key senders are hashed with; without
  // both, POST /v1/twilio/sms answers 501 not_configured.
  std::string twilio_auth_token;
  std::string sender_secret;
  // The service's public base URL as Twilio calls it ("https://triage.example.org"): the
  // signature covers the full URL, which behind a proxy is not the one the server sees.
  std::string public_url;
  // The time a webhook or report is stamped received at (microseconds since the epoch, UTC);
  // empty: the system clock. The stamp goes into the record (and so into the audit store), so
  // replay reproduces the decision.
  std::function<int64_t()> now_micros;
};

class Router {
 public:
  // `service` is not owned and must outlive the router.
  Router(Service* service, RouterOptions options);

  // Answers `request` on worker slot `worker`.
  RoutedResponse Handle(size_t worker, const HttpRequest& request);

  // Reloads the rules (`trigger` names what asked, for the log: "SIGHUP", "POST /admin/reload").
  // Logs the outcome; returns the load's failure.
  Status Reload(const std::string& trigger);

  // The endpoint name of `target` for the metrics (its path, mapped to a fixed set of names).
  static std::string EndpointOf(std::string_view target);
  // True if requests to `endpoint` (an EndpointOf name) may use a worker slot's scanners or wait
  // (triage, explain, the adapters, reload); the others answer at once and never touch a slot, so
  // they may be handled on any thread with any slot number.
  static bool NeedsWorker(std::string_view endpoint);

 private:
  bool Authorized(const std::string& authorization) const;
  RoutedResponse HandleTwilio(size_t worker, const HttpRequest& request);
  RoutedResponse HandleCyberTipline(size_t worker, const HttpRequest& request);
  // A refused request: ServiceError(status, code, message), counted in the metrics' errors.
  RoutedResponse Refuse(int status, std::string_view code, const std::string& message,
                        const std::string& endpoint);
  // The answer to a body an adapter could not convert (`error`), recorded by its length.
  RoutedResponse NotConverted(const std::string& endpoint, size_t input_bytes, const Status& error);
  // Triages a converted `record` into *decision. Returns the refusal to answer instead (the
  // conversion's or the record's error, or a failed audit), or nothing when it was triaged.
  std::optional<RoutedResponse> DecideConverted(size_t worker, const std::string& endpoint,
                                                size_t input_bytes,
                                                const Result<std::string>& record,
                                                Decision* decision);
  // "2026-11-02T10:00:00.123Z": now, by options_.now_micros.
  std::string ReceivedAt() const;
  RoutedResponse HandleAdminReload();
  RoutedResponse HandleReady() const;

  Service* service_;
  RouterOptions options_;
};

// Returns true if `given` equals `expected`, in time that depends only on their lengths (no early
// exit at the first differing byte).
bool ConstantTimeEquals(std::string_view given, std::string_view expected);

}  // namespace triage::serve

#endif  // TRIAGE_SERVE_ROUTER_H_
