// SPDX-License-Identifier: Apache-2.0
// AuditStore::Replay and AuditStore::RestoreConversations (audit.h): re-run stored records.
//
// Every selected entry whose record text was kept is scanned again exactly as `triage filter`
// scanned it — ConversationScanner::ScanJson on the stored bytes, under the entry's archived
// ruleset recompiled with CompileArchivedRuleSet (once per digest) — and the new decision JSON
// (DecisionToJson, or AuditErrorJson for a record that fails) is compared with the stored one byte
// for byte. The engine promises that evaluation is a pure function of (record, ruleset), so a
// difference means the store, the archive or the engine changed; the differing top-level members
// name what changed ("engine" alone: a different engine version decided it).
//
// SMS conversations. A conversation message's decision also depends on the messages before it in
// its conversation store partition (conversation_store.h). Replay rebuilds that state as the
// filter built it: one in-memory store for the whole run, every conversation message of the store
// re-run in seq order (the filter's input order) under its own ruleset, the store configured
// with that ruleset's limits before each message, as the filter configures it before each batch
// that holds messages. With a selection (--since, --ruleset...), the messages outside it are
// still re-run, silently, so that the selected ones see the state they were decided in; records
// of no conversation outside the selection are skipped. A conversation message whose text was
// not kept (digest-only, or purged) cannot be re-run, and neither can the later messages of its
// conversation, which are counted as not replayable too. RestoreConversations runs the same loop
// without comparing anything, for a filter that continues the store.
//
// Two kinds of entry have no text to re-run: those written with --audit-input digest (reported
// as not replayable) and records over limits.max_record_bytes, which the filter never held in
// full. For the latter the stored error is checked against the ruleset's limit and the stored
// length: still over the limit is the same too_large error.
#include <simdjson.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "triage/audit.h"
#include "triage/conversation_scanner.h"
#include "triage/conversation_store.h"
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
  std::unique_ptr<ConversationScanner> scanner;  // null when the ruleset is unavailable
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

// The conversation id of a stored decision, or "" if it has none.
std::string ConversationIdOf(const std::string& decision_json) {
  if (decision_json.find("\"conversation\"") == std::string::npos) return {};
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(decision_json).get(root) != simdjson::SUCCESS) return {};
  std::string_view id;
  if (root.at_pointer("/conversation/id").get(id) != simdjson::SUCCESS) return {};
  return std::string(id);
}

bool Selected(const AuditQuery& query, const AuditEntry& entry) {
  return (query.since.empty() || entry.time >= query.since) &&
         (query.until.empty() || entry.time < query.until) &&
         (query.ruleset.empty() || entry.ruleset == query.ruleset) &&
         (!query.record_id.has_value() || entry.record_id == query.record_id);
}

bool SelectsAll(const AuditQuery& query) {
  return query.since.empty() && query.until.empty() && query.ruleset.empty() &&
         !query.record_id.has_value();
}

}  // namespace

namespace internal {

// One run over a store's entries with conversation state rebuilt as the filter built it (the
// file comment). Not thread-safe.
class ReplayRun {
 public:
  // Conversation state goes to `conversations` (not owned), or to a store of the run's own made
  // with the first ruleset's limits when it is null.
  ReplayRun(AuditStore* store, const std::optional<RuleSet>& with,
            ConversationStore* conversations = nullptr)
      : store_(store), with_(with), conversations_(conversations) {
    if (with_.has_value()) {
      replayers_[""].scanner = std::make_unique<ConversationScanner>(*with_, Conversations(*with_));
    }
  }

  // The replayer of `digest` (the what-if one with `with`), compiling it on first use.
  Replayer& For(const std::string& digest) {
    if (with_.has_value()) return replayers_[""];
    const auto found = replayers_.find(digest);
    if (found != replayers_.end()) return found->second;
    Replayer& replayer = replayers_[digest];
    Result<std::vector<RuleSetSource>> sources = store_->ArchivedRuleSet(digest);
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
    ConversationStore* conversations = Conversations(*rules);
    replayer.scanner =
        std::make_unique<ConversationScanner>(std::move(rules).value(), conversations);
    return replayer;
  }

  // Re-runs `entry`'s record under `replayer` (which has a scanner), into *decision. Returns the
  // scan's status; *conversation tells whether the record was a conversation message.
  Status Run(Replayer& replayer, const AuditEntry& entry, Decision* decision, bool* conversation) {
    // The filter's steps for one message (conversation_scanner.h), its store configured by the
    // message's ruleset first, as the filter configures it before a batch.
    ConversationScanner& scanner = *replayer.scanner;
    ConversationTicket ticket;
    *conversation = scanner.Route(*entry.input, &ticket) >= 0;
    if (*conversation) {
      conversations_->Configure(scanner.rules().config().conversations);
      scanner.Admit(&ticket);
    }
    const Status status = scanner.ScanJson(*entry.input, ticket, decision);
    if (*conversation) conversations_->Settle();
    return status;
  }

  ConversationStore* Conversations(const RuleSet& first) {
    if (conversations_ == nullptr) {
      owned_ = std::make_unique<MemoryConversationStore>(first.config().conversations);
      conversations_ = owned_.get();
    }
    return conversations_;
  }

  // Conversations that lost a message replay cannot re-run (its text was not kept).
  bool Tainted(const std::string& conversation_id) const {
    return !conversation_id.empty() && tainted_.count(conversation_id) != 0;
  }
  void Taint(const std::string& conversation_id) {
    if (!conversation_id.empty()) tainted_.insert(conversation_id);
  }

 private:
  AuditStore* store_;
  const std::optional<RuleSet>& with_;
  ConversationStore* conversations_;                // not owned, or owned_
  std::unique_ptr<MemoryConversationStore> owned_;  // made with the first ruleset
  std::map<std::string, Replayer> replayers_;       // by digest; the what-if one under ""
  std::set<std::string> tainted_;
};

}  // namespace internal

Status AuditStore::Replay(const AuditReplayOptions& options,
                          const std::function<void(const AuditReplayResult&)>& on_result) {
  internal::AuditStoreImpl& impl = *impl_;
  if (impl.closed) return Status::InvalidArgument("audit store '" + impl.path + "' is closed");
  internal::ReplayRun run(this, options.with);
  // With a selection, every entry is read: the conversation messages outside it rebuild the state
  // the selected ones were decided in.
  const bool all = SelectsAll(options.query);
  Decision decision;
  return ForEach(all ? options.query : AuditQuery(), [&](const AuditEntry& entry) -> Status {
    const bool selected = all || Selected(options.query, entry);
    const bool maybe_sms =
        entry.input.has_value() && (entry.input->find("sms") != std::string::npos ||
                                    entry.input->find("\\u") != std::string::npos);
    if (!selected && !maybe_sms) {
      return Status::Ok();  // no conversation message: nothing to rebuild
    }
    const std::string conversation_id = ConversationIdOf(entry.decision);
    AuditReplayResult result;
    result.entry = &entry;
    result.stored_band = internal::BandOf(entry.decision);
    Replayer& replayer = run.For(entry.ruleset);
    if (replayer.scanner == nullptr) {
      run.Taint(conversation_id);
      if (!selected) return Status::Ok();
      result.outcome = AuditReplayOutcome::kRuleSetFailed;
      result.message = replayer.failure;
      on_result(result);
      return Status::Ok();
    }
    const RuleSet& rules = replayer.scanner->rules();
    if (!entry.input.has_value()) {
      run.Taint(conversation_id);
      if (!selected) return Status::Ok();
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
    bool conversation = false;
    const Status status = run.Run(replayer, entry, &decision, &conversation);
    if (!selected) return Status::Ok();
    if (run.Tainted(conversation_id)) {
      // An earlier message of its conversation could not be re-run: its state is not the one
      // the filter had.
      result.outcome = AuditReplayOutcome::kNotReplayable;
      on_result(result);
      return Status::Ok();
    }
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

Status AuditStore::RestoreConversations(ConversationStore* conversations, uint64_t* restored) {
  internal::AuditStoreImpl& impl = *impl_;
  if (impl.closed) return Status::InvalidArgument("audit store '" + impl.path + "' is closed");
  *restored = 0;
  const std::optional<RuleSet> no_with;
  internal::ReplayRun run(this, no_with, conversations);
  Decision decision;
  return ForEach({}, [&](const AuditEntry& entry) -> Status {
    if (!entry.input.has_value() || ConversationIdOf(entry.decision).empty()) return Status::Ok();
    Replayer& replayer = run.For(entry.ruleset);
    if (replayer.scanner == nullptr) return Status::Ok();
    bool conversation = false;
    (void)run.Run(replayer, entry, &decision, &conversation);
    if (conversation) ++*restored;
    return Status::Ok();
  });
}

}  // namespace triage
