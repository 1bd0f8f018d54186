// SPDX-License-Identifier: Apache-2.0
// Service (triage/service.h): the request handling of `triage serve`, transport aside.
//
// Each worker slot holds a ConversationScanner (triage) and a Scanner (explain) built from the
// ruleset the slot last saw; at the start of a request the slot compares the Engine's generation
// with its own and rebuilds its scanners after a reload, so a request is decided by one ruleset
// from its first record to its last.
//
// A record goes through ConversationScanner's steps as `triage filter` and `triage replay` take
// them. Route() runs on the worker without a lock. A conversation message then takes the
// conversation lock and, holding it, has the store configured with its ruleset's limits (only when
// that ruleset differs from the one the store was configured with last: the same config is a
// no-op), is admitted, scanned and settled, and reserves its audit place — so the chain holds
// conversation messages in admission order, the order replay re-runs them in. A record of no
// conversation is scanned without the lock and reserves its place after. The entry is filled
// outside the lock, and the request waits for the commit of its last entry before it answers.

#include "triage/service.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "triage/conversation_scanner.h"
#include "triage/conversation_store.h"
#include "triage/engine.h"
#include "triage/explain.h"
#include "triage/scanner.h"
#include "triage/version.h"

#include "output/json_strings.h"
#include "service/audit_committer.h"

namespace triage {
namespace {

constexpr char kJson[] = "application/json";
constexpr char kJsonLines[] = "application/x-ndjson";

bool IsBlankLine(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

// The HTTP status of a single record's error line.
int RecordErrorStatus(const Status& status) {
  return status.record_code() == "too_large" ? 413 : 400;
}

}  // namespace

ServiceResponse ServiceError(int status, std::string_view code, std::string_view message) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  internal::WriteJsonKey(&writer, "error");
  writer.StartObject();
  internal::WriteJsonKey(&writer, "code");
  internal::WriteJsonString(&writer, code);
  internal::WriteJsonKey(&writer, "message");
  internal::WriteJsonString(&writer, message);
  writer.EndObject();
  writer.EndObject();
  ServiceResponse response;
  response.status = status;
  response.content_type = kJson;
  response.body.assign(buffer.GetString(), buffer.GetSize());
  response.error_code = std::string(code);
  return response;
}

class Service::Impl {
 public:
  Impl(RuleSet rules, const ServiceOptions& options)
      : options_(options), engine_(rules) {
    if (options.conversations != nullptr) {
      store_ = options.conversations;
    } else {
      own_store_ = std::make_unique<MemoryConversationStore>(rules.config().conversations);
      store_ = own_store_.get();
    }
    workers_.resize(std::max<size_t>(options.workers, 1));
    for (auto& worker : workers_) worker = std::make_unique<Worker>();
  }

  Status Open() {
    if (options_.audit_path.empty()) return Status::Ok();
    AuditStoreOptions store_options;
    store_options.input = options_.audit_input;
    store_options.chain_from = options_.audit_chain_from;
    store_options.clock = options_.clock;
    Result<AuditStore> store = AuditStore::Open(options_.audit_path, store_options);
    if (!store.ok()) return store.status();
    // The store's earlier runs: their open conversations carry on in this one, as in the filter
    // (a store given by the caller holds them already).
    if (own_store_ != nullptr) {
      TRIAGE_RETURN_IF_ERROR(store->RestoreConversations(own_store_.get(), &restored_));
    }
    audit_ = std::make_unique<internal::AuditCommitter>(std::move(store).value());
    return Status::Ok();
  }

  // One worker slot's scanners and scratch.
  struct Worker {
    uint64_t generation = UINT64_MAX;
    std::optional<RuleSet> rules;
    std::optional<ConversationScanner> conversations;
    std::optional<Scanner> scanner;  // made on the slot's first explain
    ConversationTicket ticket;
    Decision decision;
    Explanation explanation;
  };

  // Brings the slot's scanners to the live ruleset.
  Worker& Sync(size_t index) {
    Worker& worker = *workers_[index];
    const uint64_t generation = engine_.generation();
    if (generation != worker.generation) {
      RuleSet rules = engine_.current();
      worker.generation = generation;
      worker.conversations.emplace(rules, store_);
      worker.scanner.reset();
      worker.rules = std::move(rules);
    }
    return worker;
  }

  // Triages one record on `worker` into worker.decision; reserves and fills its audit place in
  // *ticket (when there is a store). Returns OK or an InvalidRecord error.
  Status ScanRecord(Worker& worker, std::string_view json, uint64_t line,
                    std::optional<uint64_t>* ticket) {
    ConversationScanner& scanner = *worker.conversations;
    worker.decision.id.reset();
    Status status;
    if (scanner.Route(json, &worker.ticket) >= 0) {
      std::lock_guard<std::mutex> lock(conversation_mutex_);
      if (configured_ != worker.rules->digest()) {
        store_->Configure(worker.rules->config().conversations);
        configured_ = worker.rules->digest();
      }
      scanner.Admit(&worker.ticket);
      status = scanner.ScanJson(json, worker.ticket, &worker.decision);
      store_->Settle();
      if (audit_ != nullptr) *ticket = audit_->Reserve();
    } else {
      status = scanner.ScanJson(json, worker.ticket, &worker.decision);
      if (audit_ != nullptr) *ticket = audit_->Reserve();
    }
    if (!status.ok() && status.code() != Status::Code::kInvalidRecord) {
      // Not the record's fault; the library's message is not shown (only record errors promise
      // never to quote the record), as in the filter.
      status =
          Status::InvalidRecord("internal", "the record could not be triaged (internal error)");
    }
    if (status.ok()) {
      metrics_.CountDecision(worker.decision);
    } else {
      metrics_.CountError(status.record_code());
    }
    if (audit_ != nullptr) {
      AuditEntry entry;
      if (status.ok()) {
        entry = MakeAuditEntry(line, json, worker.decision, options_.clock);
      } else {
        // A record over the size limit is recorded by its length only, as the filter does.
        std::optional<std::string_view> input;
        if (status.record_code() != "too_large") input = json;
        entry = MakeAuditErrorEntry(line, input, json.size(), worker.decision.id, status,
                                    options_.clock);
      }
      audit_->Fill(**ticket, *worker.rules, std::move(entry));
    }
    return status;
  }

  // Waits for the commit of `ticket` (and all before it). Returns IoError when it failed.
  Status AwaitAudit(const std::optional<uint64_t>& ticket) {
    if (!ticket.has_value()) return Status::Ok();
    const Status status = audit_->Wait(*ticket);
    if (status.ok()) return status;
    return Status::IoError("cannot record decisions in the audit store: " + status.message());
  }

  ServiceResponse AuditFailed() {
    metrics_.CountError("audit_failed");
    return ServiceError(503, "audit_failed",
                        "the decisions could not be recorded in the audit store; none is returned");
  }

  ServiceResponse Unavailable() {
    return ServiceError(503, "unavailable", "the service is stopping or its audit store failed");
  }

  ServiceResponse Triage(size_t index, std::string_view body, BodyFormat format, OutputMode mode) {
    if (!ready()) return Unavailable();
    Worker& worker = Sync(index);
    std::optional<uint64_t> ticket;
    ServiceResponse response;
    if (format == BodyFormat::kRecord) {
      const Status status = ScanRecord(worker, body, 1, &ticket);
      response.content_type = kJson;
      if (status.ok()) {
        response.body = FormatDecisionLine(body, worker.decision, mode);
      } else {
        response.status = RecordErrorStatus(status);
        response.error_code = status.record_code();
        response.body = FormatErrorLine(1, worker.decision.id, status);
      }
    } else {
      response.content_type = kJsonLines;
      uint64_t number = 0;
      size_t begin = 0;
      while (begin < body.size()) {
        size_t end = body.find('\n', begin);
        if (end == std::string_view::npos) end = body.size();
        const std::string_view line = body.substr(begin, end - begin);
        begin = end + 1;
        ++number;
        if (IsBlankLine(line)) continue;
        const Status status = ScanRecord(worker, line, number, &ticket);
        if (status.ok()) {
          response.body += FormatDecisionLine(line, worker.decision, mode);
        } else {
          response.body += FormatErrorLine(number, worker.decision.id, status);
        }
        response.body += '\n';
      }
    }
    if (!AwaitAudit(ticket).ok()) return AuditFailed();
    return response;
  }

  Status TriageRecord(size_t index, std::string_view json, uint64_t line, Decision* decision) {
    if (!ready()) return Status::Internal("the service is not ready");
    Worker& worker = Sync(index);
    std::optional<uint64_t> ticket;
    const Status status = ScanRecord(worker, json, line, &ticket);
    const Status audited = AwaitAudit(ticket);
    if (!audited.ok()) {
      metrics_.CountError("audit_failed");
      return audited;
    }
    *decision = worker.decision;
    return status;
  }

  Status RecordFailure(uint64_t line, uint64_t input_bytes, const Status& error) {
    metrics_.CountError(error.record_code());
    if (audit_ == nullptr) return Status::Ok();
    if (!ready()) return Status::Internal("the service is not ready");
    const uint64_t ticket = audit_->Reserve();
    audit_->Fill(
        ticket, engine_.current(),
        MakeAuditErrorEntry(line, std::nullopt, input_bytes, std::nullopt, error, options_.clock));
    const Status audited = AwaitAudit(ticket);
    if (!audited.ok()) metrics_.CountError("audit_failed");
    return audited;
  }

  ServiceResponse Explain(size_t index, std::string_view body) {
    Worker& worker = Sync(index);
    if (!worker.scanner.has_value()) worker.scanner.emplace(*worker.rules);
    Status status = worker.scanner->Explain(body, ScanOptions(), &worker.explanation);
    if (!status.ok()) {
      if (status.code() != Status::Code::kInvalidRecord) {
        status = Status::InvalidRecord("internal", "the record could not be explained");
      }
      metrics_.CountError(status.record_code());
      ServiceResponse response;
      response.status = RecordErrorStatus(status);
      response.content_type = kJson;
      response.error_code = status.record_code();
      response.body = FormatErrorLine(1, worker.explanation.decision.id, status);
      return response;
    }
    const ExplainReport report =
        BuildExplainReport(&*worker.scanner, body, 1, worker.explanation, options_.explain);
    ServiceResponse response;
    response.content_type = kJson;
    response.body = ExplainReportToJson(report);
    return response;
  }

  Status Reload(const std::function<Result<RuleSet>()>& load) {
    const Status status = engine_.Reload(load);
    metrics_.CountReload(status.ok());
    return status;
  }

  bool ready() const {
    std::lock_guard<std::mutex> lock(state_mutex_);
    return !stopped_ && (audit_ == nullptr || !audit_->failed());
  }

  std::string MetricsText() const {
    std::string out;
    metrics_.Render(&out);
    const RuleSet rules = engine_.current();
    out += "# HELP triage_ruleset_info The live ruleset (its digest) and the engine version.\n";
    out += "# TYPE triage_ruleset_info gauge\n";
    out += "triage_ruleset_info{ruleset=\"";
    AppendPrometheusLabelValue(rules.digest(), &out);
    out += "\",engine=\"";
    AppendPrometheusLabelValue(EngineVersion(), &out);
    out += "\",rules=\"" + std::to_string(rules.rule_count()) + "\"} 1\n";
    out += "# HELP triage_ready 1 while the service answers triage requests.\n";
    out += "# TYPE triage_ready gauge\n";
    out += std::string("triage_ready ") + (ready() ? "1" : "0") + "\n";
    const ConversationStoreStats conversations = store_->stats();
    out += "# HELP triage_conversations_open SMS conversations held now.\n";
    out += "# TYPE triage_conversations_open gauge\n";
    out += "triage_conversations_open " + std::to_string(conversations.open) + "\n";
    if (audit_ != nullptr) {
      out += "# HELP triage_audit_entries_total Audit entries committed by this process.\n";
      out += "# TYPE triage_audit_entries_total counter\n";
      out += "triage_audit_entries_total " + std::to_string(audit_->committed()) + "\n";
    }
    return out;
  }

  Status Stop() {
    {
      std::lock_guard<std::mutex> lock(state_mutex_);
      if (stopped_) return stop_status_;
      stopped_ = true;
    }
    Status status = audit_ != nullptr ? audit_->Close() : Status::Ok();
    std::lock_guard<std::mutex> lock(state_mutex_);
    stop_status_ = status;
    return status;
  }

  RuleSet rules() const { return engine_.current(); }
  uint64_t restored() const { return restored_; }
  ServiceMetrics& metrics() { return metrics_; }

 private:
  ServiceOptions options_;
  Engine engine_;
  std::unique_ptr<MemoryConversationStore> own_store_;  // when the options gave none
  ConversationStore* store_;                            // own_store_, or the options'
  std::vector<std::unique_ptr<Worker>> workers_;
  std::unique_ptr<internal::AuditCommitter> audit_;
  uint64_t restored_ = 0;
  ServiceMetrics metrics_;
  // Held while a conversation message is admitted, scanned and settled.
  std::mutex conversation_mutex_;
  std::string configured_;  // guarded by conversation_mutex_: the digest the store has limits of
  mutable std::mutex state_mutex_;
  bool stopped_ = false;  // guarded by state_mutex_
  Status stop_status_;    // guarded by state_mutex_
};

Result<std::unique_ptr<Service>> Service::Start(RuleSet rules, const ServiceOptions& options) {
  auto impl = std::make_unique<Impl>(std::move(rules), options);
  TRIAGE_RETURN_IF_ERROR(impl->Open());
  return std::unique_ptr<Service>(new Service(std::move(impl)));
}

Service::Service(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Service::~Service() { (void)Stop(); }

ServiceResponse Service::Triage(size_t worker, std::string_view body, BodyFormat format,
                                OutputMode mode) {
  return impl_->Triage(worker, body, format, mode);
}

Status Service::TriageRecord(size_t worker, std::string_view json, uint64_t line,
                             Decision* decision) {
  return impl_->TriageRecord(worker, json, line, decision);
}

Status Service::RecordFailure(uint64_t line, uint64_t input_bytes, const Status& error) {
  return impl_->RecordFailure(line, input_bytes, error);
}

ServiceResponse Service::Explain(size_t worker, std::string_view body) {
  return impl_->Explain(worker, body);
}

Status Service::Reload(const std::function<Result<RuleSet>()>& load) { return impl_->Reload(load); }

RuleSet Service::rules() const { return impl_->rules(); }
bool Service::ready() const { return impl_->ready(); }
uint64_t Service::restored_messages() const { return impl_->restored(); }
ServiceMetrics& Service::metrics() { return impl_->metrics(); }
std::string Service::MetricsText() const { return impl_->MetricsText(); }
Status Service::Stop() { return impl_->Stop(); }

}  // namespace triage
