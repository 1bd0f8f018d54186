// SPDX-License-Identifier: Apache-2.0
// Starting the triage::Service that `triage serve` and `triage worker` run, with the command
// line's --audit options, as both report it.
#ifndef TRIAGE_CLI_START_SERVICE_H_
#define TRIAGE_CLI_START_SERVICE_H_

#include <cstddef>
#include <memory>

#include "triage/rule_set.h"
#include "triage/service.h"

#include "audit_support.h"

namespace triage::cli {

// Starts the service on `rules` with `workers` scanners and the audit store of `audit` (none when
// its path is empty). Logs on stderr how many conversation messages were re-run from the audit
// store. `conversations`, when not null, is the conversation store to use instead of the
// service's own (ServiceOptions::conversations). On failure reports the error on stderr and
// returns null.
std::unique_ptr<Service> StartServiceReporting(RuleSet rules, size_t workers,
                                               const FilterAuditOptions& audit,
                                               ConversationStore* conversations = nullptr);

}  // namespace triage::cli

#endif  // TRIAGE_CLI_START_SERVICE_H_
