// SPDX-License-Identifier: Apache-2.0
// The audit trail in the CLI (audit_support.h).

#include "audit_support.h"

#include <simdjson.h>

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
namespace {

// Reads the code, message and id back from an error line the filter wrote with
// FormatErrorLine(): {"line":N,"id":"...","triage":{"error":{"code":"...","message":"..."}}}.
Status ErrorOfLine(const std::string& output, std::optional<std::string>* id) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::string_view code;
  std::string_view message;
  if (parser.parse(output).get(root) != simdjson::SUCCESS ||
      root.at_pointer("/triage/error/code").get(code) != simdjson::SUCCESS ||
      root.at_pointer("/triage/error/message").get(message) != simdjson::SUCCESS) {
    // Not reached: the filter writes every error line with FormatErrorLine().
    return Status::InvalidRecord("internal", "the record could not be triaged (internal error)");
  }
  std::string_view id_text;
  if (root["id"].get(id_text) == simdjson::SUCCESS) *id = std::string(id_text);
  return Status::InvalidRecord(std::string(code), std::string(message));
}

}  // namespace

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

std::unique_ptr<FilterAudit> FilterAudit::Open(const FilterAuditOptions& options, bool* failed) {
  *failed = false;
  if (options.path.empty()) return nullptr;
  AuditStoreOptions store_options;
  store_options.input = options.input == "digest" ? AuditInput::kDigest : AuditInput::kText;
  store_options.chain_from = options.chain_from;
  Result<AuditStore> store = AuditStore::Open(options.path, store_options);
  if (!store.ok()) {
    std::fprintf(stderr, "triage: error: %s\n", store.status().message().c_str());
    *failed = true;
    return nullptr;
  }
  return std::unique_ptr<FilterAudit>(new FilterAudit(std::move(store).value()));
}

void FilterAudit::StartBatch(size_t count) {
  if (entries_.size() < count) entries_.resize(count);
}

void FilterAudit::Capture(size_t index, const InputLine& line, const Decision* decision,
                          const std::string& output) {
  if (decision != nullptr) {
    entries_[index] = MakeAuditEntry(line.number, line.text, *decision);
    return;
  }
  std::optional<std::string> id;
  const Status error = ErrorOfLine(output, &id);
  // A line over the size limit was never held in full: only its length is known.
  std::optional<std::string_view> input;
  if (!line.truncated) input = line.text;
  entries_[index] = MakeAuditErrorEntry(line.number, input, line.length, id, error);
}

bool FilterAudit::Commit(const RuleSet& rules, size_t count) {
  if (failed_) return false;
  Status status;
  for (size_t i = 0; i < count && status.ok(); ++i) {
    status = store_.Append(rules, std::move(entries_[i]));
  }
  if (status.ok()) status = store_.Flush();
  if (!status.ok()) {
    std::fprintf(stderr,
                 "triage: error: cannot record decisions in the audit store: %s; stopping (the "
                 "unrecorded decisions were not written)\n",
                 status.message().c_str());
    failed_ = true;
    return false;
  }
  return true;
}

bool FilterAudit::Close() {
  const Status status = store_.Close();
  if (!status.ok() && !failed_) {
    std::fprintf(stderr, "triage: error: closing the audit store: %s\n", status.message().c_str());
    failed_ = true;
  }
  return !failed_;
}

std::optional<AuditStore> OpenAuditForReading(const std::string& path) {
  AuditStoreOptions options;
  options.read_only = true;
  Result<AuditStore> store = AuditStore::Open(path, options);
  if (!store.ok()) {
    std::fprintf(stderr, "triage: error: %s\n", store.status().message().c_str());
    return std::nullopt;
  }
  return std::move(store).value();
}

bool ParseAuditQuery(const std::string& since, const std::string& until, const std::string& ruleset,
                     AuditQuery* query) {
  for (const auto& [text, bound] :
       {std::pair{&since, &query->since}, std::pair{&until, &query->until}}) {
    if (text->empty()) continue;
    Result<std::string> time = ParseAuditTime(*text);
    if (!time.ok()) {
      std::fprintf(stderr, "triage: error: %s\n", time.status().message().c_str());
      return false;
    }
    *bound = *time;
  }
  if (!ruleset.empty()) {
    const bool prefixed = ruleset.rfind("sha256:", 0) == 0;
    const std::string hex = prefixed ? ruleset.substr(7) : ruleset;
    if (!IsChainHash(hex)) {
      std::fprintf(stderr,
                   "triage: error: --ruleset: expected a ruleset digest, sha256: and 64 lower-case "
                   "hex digits\n");
      return false;
    }
    query->ruleset = "sha256:" + hex;
  }
  return true;
}

}  // namespace triage::cli
