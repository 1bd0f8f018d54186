// SPDX-License-Identifier: Apache-2.0
// AuditStore::Verify (audit.h): walks the hash chain from the genesis to the head and checks every
// archived ruleset, inside one read transaction so that a writer appending meanwhile cannot make
// the walk see half a batch.
//
// What each check catches. An entry whose content changed no longer matches its hash
// (hash-mismatch). A changed hash no longer matches the next entry's prev_hash (chain-broken), as
// does a removed or inserted entry; a removed entry also leaves a gap in seq (seq-gap). A changed
// record text no longer matches input_sha256 (input-mismatch). An archived ruleset whose config or
// rule text changed no longer hashes to its digest (ruleset-digest-mismatch); one removed leaves
// its entries pointing at nothing (ruleset-missing). What the chain cannot catch alone is a store
// cut short at the end or rewritten wholesale with fresh hashes: that needs a head hash recorded
// elsewhere, checked here as an anchor (anchor-missing).
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "triage/audit.h"
#include "triage/status.h"

#include "audit/audit_store_impl.h"
#include "audit/sqlite.h"

namespace triage {
namespace {

using internal::SqliteStatement;

void AddProblem(AuditVerification* report, int64_t seq, std::string ruleset, std::string code,
                std::string message, std::optional<std::string> record_id = std::nullopt) {
  report->problems.push_back(
      {seq, std::move(record_id), std::move(ruleset), std::move(code), std::move(message)});
}

// Checks the entries; stops at the first broken one. Sets *complete if it reached the head.
Status WalkChain(internal::AuditStoreImpl* impl, const std::set<std::string>& archived,
                 std::set<std::string>* anchors, AuditVerification* report, bool* complete) {
  *complete = false;
  SqliteStatement select;
  TRIAGE_RETURN_IF_ERROR(select.Prepare(
      impl->db, std::string("SELECT ") + internal::kEntryColumns + " FROM entries ORDER BY seq"));
  std::string previous_hash = impl->genesis;
  int64_t previous_seq = 0;
  anchors->erase(previous_hash);
  for (;;) {
    const SqliteStatement::StepResult step = select.Step();
    if (step == SqliteStatement::StepResult::kDone) break;
    if (step == SqliteStatement::StepResult::kError) return impl->db.Error("reading entries");
    const AuditEntry entry = internal::ReadEntryRow(select);
    const auto broken = [&](const char* code, const std::string& message) {
      AddProblem(report, entry.seq, entry.ruleset, code, message, entry.record_id);
      report->head = previous_hash;
      return Status::Ok();
    };
    if (entry.seq != previous_seq + 1) {
      const int64_t missing = entry.seq - previous_seq - 1;
      return broken("seq-gap", "it follows entry " + std::to_string(previous_seq) + ": " +
                                   std::to_string(missing) + " entr" +
                                   (missing == 1 ? "y is" : "ies are") + " missing before it");
    }
    if (entry.prev_hash != previous_hash) {
      return broken("chain-broken",
                    "its prev_hash is not the hash of the entry before it (an entry before it "
                    "was changed, removed or inserted)");
    }
    if (AuditEntryHash(entry) != entry.hash) {
      return broken("hash-mismatch", "its content does not match its hash (the entry was changed)");
    }
    if (entry.input.has_value() &&
        (!entry.input_sha256.has_value() || AuditSha256Hex(*entry.input) != *entry.input_sha256)) {
      return broken("input-mismatch",
                    "its record text does not match its input_sha256 (the text was changed)");
    }
    if (archived.count(entry.ruleset) == 0) {
      return broken("ruleset-missing", "its ruleset " + entry.ruleset + " is not archived");
    }
    if (!entry.input.has_value()) ++report->digest_only;
    ++report->entries;
    previous_hash = entry.hash;
    previous_seq = entry.seq;
    anchors->erase(entry.hash);
  }
  report->head = previous_hash;
  *complete = true;
  return Status::Ok();
}

}  // namespace

Status AuditStore::Verify(const AuditVerifyOptions& options, AuditVerification* report) {
  internal::AuditStoreImpl& impl = *impl_;
  if (impl.closed) return Status::InvalidArgument("audit store '" + impl.path + "' is closed");
  *report = AuditVerification();
  report->genesis = impl.genesis;
  report->head = impl.genesis;

  TRIAGE_RETURN_IF_ERROR(impl.db.Exec("BEGIN"));  // one snapshot for the whole walk
  const auto verify = [&]() -> Status {
    TRIAGE_ASSIGN_OR_RETURN(const std::vector<std::string> digests, RuleSetDigests());
    std::set<std::string> archived;
    for (const std::string& digest : digests) {
      archived.insert(digest);
      ++report->rulesets;
      TRIAGE_ASSIGN_OR_RETURN(const std::vector<RuleSetSource> sources, ArchivedRuleSet(digest));
      if (sources.empty()) {
        AddProblem(report, 0, digest, "ruleset-digest-mismatch",
                   "archived ruleset " + digest + " has no files");
      } else if (internal::RuleSetDigestOf(sources) != digest) {
        AddProblem(report, 0, digest, "ruleset-digest-mismatch",
                   "archived ruleset " + digest +
                       ": its config and rule files do not hash to its digest (they were changed)");
      }
    }
    std::set<std::string> anchors(options.anchors.begin(), options.anchors.end());
    bool complete = false;
    TRIAGE_RETURN_IF_ERROR(WalkChain(&impl, archived, &anchors, report, &complete));
    if (complete) {
      for (const std::string& anchor : anchors) {
        AddProblem(report, 0, "", "anchor-missing",
                   "the chain does not contain the recorded hash " + anchor +
                       " (the store was cut short or rewritten)");
      }
    }
    return Status::Ok();
  };
  Status status = verify();
  (void)impl.db.Exec("COMMIT");
  return status;
}

}  // namespace triage
