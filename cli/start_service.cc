// SPDX-License-Identifier: Apache-2.0
// StartServiceReporting (start_service.h).
#include "start_service.h"

#include <memory>
#include <string>
#include <utility>

#include "report_status.h"

namespace triage::cli {

std::unique_ptr<Service> StartServiceReporting(RuleSet rules, size_t workers,
                                               const FilterAuditOptions& audit,
                                               ConversationStore* conversations) {
  ServiceOptions options;
  options.conversations = conversations;
  options.workers = workers;
  options.audit_path = audit.path;
  options.audit_input = audit.input == "digest" ? AuditInput::kDigest : AuditInput::kText;
  options.audit_chain_from = audit.chain_from;
  Result<std::unique_ptr<Service>> started = Service::Start(std::move(rules), options);
  if (!started.ok()) {
    ReportFailure(started.status(), 0);
    return nullptr;
  }
  std::unique_ptr<Service> service = std::move(started).value();
  if (service->restored_messages() > 0) {
    Log("conversations: " + std::to_string(service->restored_messages()) +
        " earlier messages re-run from the audit store");
  }
  return service;
}

}  // namespace triage::cli
