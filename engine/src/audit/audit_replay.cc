// SPDX-License-Identifier: Apache-2.0
// AuditStore::Replay (audit.h): re-runs stored records and compares the decisions.
//
// Every selected entry whose record text was kept is scanned again exactly as `triage filter`
// scanned it — Scanner::ScanJson on the stored bytes, under the entry's archived ruleset
// recompiled with CompileArchivedRuleSet (once per digest) — and the new decision JSON
// (DecisionToJson, or AuditErrorJson for a record that fails) is compared with the stored one byte
// for byte. The engine promises that evaluation is a pure function of (record, ruleset), so a
// difference means the store, the archive or the engine changed; the differing top-level members
// name what changed ("engine" alone: a different engine version decided it).
//
// Two kinds of entry have no text to re-run: those written with --audit-input digest (reported
// as not replayable) and records over limits.max_record_bytes, which the filter never held in
// full. For the latter the stored error is checked against the ruleset's limit and the stored
// length: still over the limit is the same too_large error.
#include <simdjson.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "triage/audit.h"
#include "triage/decision.h"
#include "triage/diagnostic.h"
#include "triage/rule_set.h"
#include "triage/scanner.h"
#include "triage/source.h"
#include "triage/status.h"

#include "audit/audit_store_impl.h"

namespace triage {
namespace {

// A ruleset to replay with, or why there is none.
struct Replayer {
  std::unique_ptr<Scanner> scanner;  // null when the ruleset is unavailable
  std::string failure;
};

// Returns the top-level members whose values differ between two JSON objects, in the order of
// `stored` followed by members only `replayed` has. Compares minified values.
std::vector<std::string> DifferingFields(const std::string& stored, const std::string& replayed) {
  simdjson::dom::parser stored_parser;
  simdjson::dom::parser replayed_parser;
  simdjson::dom::object a;
  simdjson::dom::object b;
  if (stored_parser.parse(stored).get(a) != simdjson::SUCCESS ||
      replayed_parser.parse(replayed).get(b) != simdjson::SUCCESS) {
    return {"decision"};
  }
  std::vector<std::string> fields;
  for (const auto field : a) {
    simdjson::dom::element other;
    if (b.at_key(field.key).get(other) != simdjson::SUCCESS ||
        simdjson::minify(field.value) != simdjson::minify(other)) {
      fields.emplace_back(field.key);
    }
  }
  for (const auto field : b) {
    simdjson::dom::element unused;
    if (a.at_key(field.key).get(unused) != simdjson::SUCCESS) fields.emplace_back(field.key);
  }
  if (fields.empty()) fields.emplace_back("decision");  // same values, different bytes
  return fields;
}

// Returns the stored error's code, or "" if the stored decision is not an error.
std::string ErrorCodeOf(const std::string& decision_json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(decision_json).get(root) != simdjson::SUCCESS) return {};
  std::string_view code;
  if (root.at_pointer("/error/code").get(code) != simdjson::SUCCESS) return {};
  return std::string(code);
}

}  // namespace

Status AuditStore::Replay(const AuditReplayOptions& options,
                          const std::function<void(const AuditReplayResult&)>& on_result) {
  internal::AuditStoreImpl& impl = *impl_;
  if (impl.closed) return Status::InvalidArgument("audit store '" + impl.path + "' is closed");

  std::map<std::string, Replayer> replayers;  // by digest; the what-if one under ""
  if (options.with.has_value()) {
    replayers[""].scanner = std::make_unique<Scanner>(*options.with);
  }
  // Returns the replayer for `digest`, compiling the archived ruleset on first use.
  const auto replayer_for = [&](const std::string& digest) -> Replayer& {
    if (options.with.has_value()) return replayers[""];
    const auto found = replayers.find(digest);
    if (found != replayers.end()) return found->second;
    Replayer& replayer = replayers[digest];
    Result<std::vector<RuleSetSource>> sources = ArchivedRuleSet(digest);
    if (!sources.ok()) {
      replayer.failure = "ruleset " + digest + " is not archived";
      return replayer;
    }
    SourceManager manager;
    Diagnostics diagnostics;
    Result<RuleSet> rules = CompileArchivedRuleSet(&manager, *sources, LoadOptions(), &diagnostics);
    if (!rules.ok()) {
      std::string first;
      for (const Diagnostic& diagnostic : diagnostics.items()) {
        if (diagnostic.severity == Severity::kError) {
          first = ": " + diagnostic.message + " [" + diagnostic.code + "]";
          break;
        }
      }
      replayer.failure = "archived ruleset " + digest + " does not compile (" +
                         diagnostics.Summary() + ")" + first;
      return replayer;
    }
    if (rules->digest() != digest) {
      replayer.failure = "archived ruleset " + digest + " compiles to " + rules->digest() +
                         " (its files were changed)";
      return replayer;
    }
    replayer.scanner = std::make_unique<Scanner>(std::move(rules).value());
    return replayer;
  };

  Decision decision;
  return ForEach(options.query, [&](const AuditEntry& entry) -> Status {
    AuditReplayResult result;
    result.entry = &entry;
    result.stored_band = internal::BandOf(entry.decision);
    Replayer& replayer = replayer_for(entry.ruleset);
    if (replayer.scanner == nullptr) {
      result.outcome = AuditReplayOutcome::kRuleSetFailed;
      result.message = replayer.failure;
      on_result(result);
      return Status::Ok();
    }
    const RuleSet& rules = replayer.scanner->rules();
    if (!entry.input.has_value()) {
      // Nothing to re-run, except the size check of a record the filter never held in full.
      const bool too_large = ErrorCodeOf(entry.decision) == "too_large";
      if (too_large && entry.input_bytes > rules.config().max_record_bytes) {
        result.outcome = AuditReplayOutcome::kErrorReproduced;
        result.replayed_band = "error";
      } else if (too_large && !options.with.has_value()) {
        result.outcome = AuditReplayOutcome::kDiffers;
        result.differing_fields = {"error"};
      } else {
        result.outcome = AuditReplayOutcome::kNotReplayable;
      }
      on_result(result);
      return Status::Ok();
    }
    const Status status = replayer.scanner->ScanJson(*entry.input, &decision);
    result.replayed = status.ok() ? DecisionToJson(decision) : AuditErrorJson(status);
    result.replayed_band = status.ok() ? decision.band : "error";
    if (result.replayed == entry.decision) {
      result.outcome =
          status.ok() ? AuditReplayOutcome::kReproduced : AuditReplayOutcome::kErrorReproduced;
    } else {
      result.outcome = AuditReplayOutcome::kDiffers;
      result.differing_fields = DifferingFields(entry.decision, result.replayed);
    }
    on_result(result);
    return Status::Ok();
  });
}

}  // namespace triage
