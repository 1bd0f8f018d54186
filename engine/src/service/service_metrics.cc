// SPDX-License-Identifier: Apache-2.0
// ServiceMetrics (triage/service_metrics.h): counters under one mutex, rendered in the Prometheus
// text exposition format. A request costs one short critical section; at the rates a service on
// two cores reaches (tens of thousands per second) the lock is not contended enough to matter.

#include "triage/service_metrics.h"

#include <cstdio>
#include <string>
#include <string_view>

namespace triage {
namespace {

// Bucket bounds print as written ("0.00025"); sums keep microseconds.
void AppendNumber(double value, std::string* out) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.9g", value);
  out->append(buffer);
}

void AppendHeader(std::string_view name, std::string_view type, std::string_view help,
                  std::string* out) {
  out->append("# HELP ").append(name).append(" ").append(help).append("\n");
  out->append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

// Appends `name{label="value"} count`.
void AppendSeries(std::string_view name, std::string_view label, std::string_view value,
                  uint64_t count, std::string* out) {
  out->append(name).append("{").append(label).append("=\"");
  AppendPrometheusLabelValue(value, out);
  out->append("\"} ").append(std::to_string(count)).append("\n");
}

}  // namespace

void AppendPrometheusLabelValue(std::string_view value, std::string* out) {
  for (const char c : value) {
    switch (c) {
      case '\\':
        out->append("\\\\");
        break;
      case '"':
        out->append("\\\"");
        break;
      case '\n':
        out->append("\\n");
        break;
      default:
        out->push_back(c);
    }
  }
}

void ServiceMetrics::CountDecision(const Decision& decision) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++bands_[decision.band];
  for (const CategoryScore& category : decision.categories) ++categories_[category.name];
}

void ServiceMetrics::CountError(std::string_view code) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = errors_.find(code);
  if (it != errors_.end()) {
    ++it->second;
  } else {
    errors_.emplace(std::string(code), 1);
  }
}

void ServiceMetrics::ObserveRequest(std::string_view endpoint, int status, double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[{std::string(endpoint), status}];
  auto it = latency_.find(endpoint);
  if (it == latency_.end()) it = latency_.emplace(std::string(endpoint), Histogram()).first;
  Histogram& histogram = it->second;
  for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (seconds <= kLatencyBuckets[i]) {
      ++histogram.buckets[i];
      break;
    }
  }
  ++histogram.count;
  histogram.sum += seconds;
}

void ServiceMetrics::CountReload(bool ok) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++(ok ? reloads_ok_ : reloads_failed_);
}

void ServiceMetrics::AddInFlight(int delta) {
  std::lock_guard<std::mutex> lock(mutex_);
  in_flight_ += delta;
}

int64_t ServiceMetrics::in_flight() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return in_flight_;
}

void ServiceMetrics::Render(std::string* out) const {
  std::lock_guard<std::mutex> lock(mutex_);
  AppendHeader("triage_decisions_total", "counter", "Records triaged, by urgency band.", out);
  for (const auto& [band, count] : bands_) {
    AppendSeries("triage_decisions_total", "band", band, count, out);
  }
  AppendHeader("triage_decision_categories_total", "counter",
               "Categories assigned to triaged records (a record may have several).", out);
  for (const auto& [category, count] : categories_) {
    AppendSeries("triage_decision_categories_total", "category", category, count, out);
  }
  AppendHeader("triage_errors_total", "counter",
               "Records that could not be triaged and requests refused, by error code.", out);
  for (const auto& [code, count] : errors_) {
    AppendSeries("triage_errors_total", "code", code, count, out);
  }
  AppendHeader("triage_requests_total", "counter", "Requests answered, by endpoint and status.",
               out);
  for (const auto& [key, count] : requests_) {
    out->append("triage_requests_total{endpoint=\"");
    AppendPrometheusLabelValue(key.first, out);
    out->append("\",status=\"").append(std::to_string(key.second)).append("\"} ");
    out->append(std::to_string(count)).append("\n");
  }
  AppendHeader("triage_request_duration_seconds", "histogram",
               "Time from a request's last byte read to its answer, by endpoint.", out);
  for (const auto& [endpoint, histogram] : latency_) {
    uint64_t cumulative = 0;
    std::string prefix = "triage_request_duration_seconds_bucket{endpoint=\"";
    AppendPrometheusLabelValue(endpoint, &prefix);
    prefix += "\",le=\"";
    for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
      cumulative += histogram.buckets[i];
      out->append(prefix);
      AppendNumber(kLatencyBuckets[i], out);
      out->append("\"} ").append(std::to_string(cumulative)).append("\n");
    }
    out->append(prefix).append("+Inf\"} ").append(std::to_string(histogram.count)).append("\n");
    std::string labels = "{endpoint=\"";
    AppendPrometheusLabelValue(endpoint, &labels);
    labels += "\"}";
    out->append("triage_request_duration_seconds_sum").append(labels).append(" ");
    AppendNumber(histogram.sum, out);
    out->append("\n");
    out->append("triage_request_duration_seconds_count").append(labels).append(" ");
    out->append(std::to_string(histogram.count)).append("\n");
  }
  AppendHeader("triage_reloads_total", "counter",
               "Ruleset reloads (SIGHUP, POST /admin/reload), by result.", out);
  AppendSeries("triage_reloads_total", "result", "failed", reloads_failed_, out);
  AppendSeries("triage_reloads_total", "result", "ok", reloads_ok_, out);
  AppendHeader("triage_requests_in_flight", "gauge", "Requests being handled now.", out);
  out->append("triage_requests_in_flight ").append(std::to_string(in_flight_)).append("\n");
}

}  // namespace triage
