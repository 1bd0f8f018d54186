// SPDX-License-Identifier: Apache-2.0
// ServiceMetrics: what a long-running driver (`triage serve`, a queue worker) counts — decisions
// by band and by category, errors by code, requests by endpoint and status with a latency
// histogram, reloads — and their Prometheus text exposition format (version 0.0.4). Label values
// are band, category and error-code names from the ruleset and the library, and endpoint names
// the driver chooses from a fixed set, so the number of series is bounded; no label ever holds
// record text or an id.
//
// Thread-safe: every method may be called from any thread.
#ifndef TRIAGE_SERVICE_METRICS_H_
#define TRIAGE_SERVICE_METRICS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "triage/decision.h"
#include "triage/export.h"

namespace triage {

class TRIAGE_EXPORT ServiceMetrics {
 public:
  // The request latency histogram's upper bounds, in seconds (Prometheus' `le`); +Inf follows.
  static constexpr std::array<double, 14> kLatencyBuckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};

  // Counts one decision: its band, and each category it was assigned.
  void CountDecision(const Decision& decision);
  // Counts one error: a record that could not be triaged (its record code, e.g. "invalid_json")
  // or a request refused (e.g. "unauthorized", "too_large").
  void CountError(std::string_view code);
  // Counts one answered request of `endpoint` with HTTP status `status`, which took `seconds`.
  void ObserveRequest(std::string_view endpoint, int status, double seconds);
  // Counts a reload that succeeded (`ok`) or kept the old ruleset.
  void CountReload(bool ok);
  // Counts requests being handled now (+1 when one starts, -1 when it is answered).
  void AddInFlight(int delta);
  int64_t in_flight() const;

  // Appends the counters in the Prometheus text format to *out, each family with its HELP and
  // TYPE lines, series in a fixed order (sorted by label values).
  void Render(std::string* out) const;

 private:
  struct Histogram {
    std::array<uint64_t, kLatencyBuckets.size()> buckets{};  // cumulative at render time
    uint64_t count = 0;
    double sum = 0;
  };

  mutable std::mutex mutex_;
  std::map<std::string, uint64_t, std::less<>> bands_;
  std::map<std::string, uint64_t, std::less<>> categories_;
  std::map<std::string, uint64_t, std::less<>> errors_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  std::map<std::string, Histogram, std::less<>> latency_;
  uint64_t reloads_ok_ = 0;
  uint64_t reloads_failed_ = 0;
  int64_t in_flight_ = 0;
};

// Appends `value` to *out escaped as a Prometheus label value (backslash, double quote and line
// feed escaped).
TRIAGE_EXPORT void AppendPrometheusLabelValue(std::string_view value, std::string* out);

}  // namespace triage

#endif  // TRIAGE_SERVICE_METRICS_H_
