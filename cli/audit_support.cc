// SPDX-License-Identifier: Apache-2.0
// The audit trail in the CLI (audit_support.h).

#include "audit_support.h"

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <CLI/CLI.hpp>

#include "triage/audit.h"
#include "triage/status.h"

namespace triage::cli {

void AddFilterAuditOptions(CLI::App* app, FilterAuditOptions* options) {
  CLI::Option* audit =
      app->add_option("--audit", options->path,
                      "Record every decision and error line in this audit store (SQLite; created "
                      "if missing)");
  app->add_option("--audit-input", options->input,
                  "What the audit store keeps of each record: text (the record as received) or "
                  "digest (its SHA-256 only: no report text, but no replay)")
      ->check(CLI::IsMember({"text", "digest"}))
      ->envname("TRIAGE_AUDIT_INPUT")
      ->capture_default_str();
  app->add_option("--audit-chain-from", options->chain_from,
                  "Start a new audit store's hash chain from this hash (the head of the store it "
                  "continues; see `triage audit verify`)")
      ->needs(audit)
      ->check(ChainHashValidator());
}

bool IsChainHash(const std::string& text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

CLI::Validator ChainHashValidator() {
  return CLI::Validator(
      [](std::string& value) {
        return IsChainHash(value) ? std::string()
                                  : std::string("expected a hash of 64 lower-case hex digits");
      },
      "HASH");
}

Result<std::unique_ptr<FilterAudit>> FilterAudit::Open(const FilterAuditOptions& options) {
  if (options.path.empty()) return std::unique_ptr<FilterAudit>();
  AuditStoreOptions store_options;
  store_options.input = options.input == "digest" ? AuditInput::kDigest : AuditInput::kText;
  store_options.chain_from = options.chain_from;
  Result<AuditStore> store = AuditStore::Open(options.path, store_options);
  if (!store.ok()) return store.status();
  return std::unique_ptr<FilterAudit>(new FilterAudit(std::move(store).value()));
}

void FilterAudit::StartBatch(size_t count) {
  if (entries_.size() < count) entries_.resize(count);
}

void FilterAudit::Capture(size_t index, const InputLine& line, const Decision& decision) {
  entries_[index] = MakeAuditEntry(line.number, line.text, decision);
}

void FilterAudit::CaptureError(size_t index, const InputLine& line,
                               const std::optional<std::string>& id, const Status& error) {
  // A line over the size limit was never held in full: only its length is known.
  std::optional<std::string_view> input;
  if (!line.truncated) input = line.text;
  entries_[index] = MakeAuditErrorEntry(line.number, input, line.length, id, error);
}

Status FilterAudit::Commit(const RuleSet& rules, size_t count) {
  if (failed_) return Status::Internal("the audit store failed earlier");
  Status status;
  for (size_t i = 0; i < count && status.ok(); ++i) {
    status = store_.Append(rules, std::move(entries_[i]));
  }
  if (status.ok()) status = store_.Flush();
  if (!status.ok()) {
    failed_ = true;
    return Status::IoError("cannot record decisions in the audit store: " + status.message() +
                           "; stopping (the unrecorded decisions were not written)");
  }
  return Status::Ok();
}

Status FilterAudit::Close() {
  const Status status = store_.Close();
  // After a failed Commit (reported by its caller), the store's closing is not reported too.
  if (status.ok() || failed_) return Status::Ok();
  failed_ = true;
  return Status::IoError("closing the audit store: " + status.message());
}

Result<AuditStore> OpenAuditForReading(const std::string& path) {
  AuditStoreOptions options;
  options.read_only = true;
  return AuditStore::Open(path, options);
}

Status ParseAuditQuery(const std::string& since, const std::string& until,
                       const std::string& ruleset, AuditQuery* query) {
  for (const auto& [text, bound] :
       {std::pair{&since, &query->since}, std::pair{&until, &query->until}}) {
    if (text->empty()) continue;
    Result<std::string> time = ParseAuditTime(*text);
    if (!time.ok()) return time.status();
    *bound = *time;
  }
  if (!ruleset.empty()) {
    const bool prefixed = ruleset.rfind("sha256:", 0) == 0;
    const std::string hex = prefixed ? ruleset.substr(7) : ruleset;
    if (!IsChainHash(hex)) {
      return Status::InvalidArgument(
          "--ruleset: expected a ruleset digest, sha256: and 64 lower-case hex digits");
    }
    query->ruleset = "sha256:" + hex;
  }
  return Status::Ok();
}

}  // namespace triage::cli
