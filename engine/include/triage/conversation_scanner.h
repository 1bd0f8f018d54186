// SPDX-License-Identifier: Apache-2.0
// ConversationScanner: triages records like a Scanner, and threads SMS messages into
// conversations (the BeFree flow, docs/conversations.md). A record of `kind: sms` with a
// conversation key — its `conversation` field, or else its (`from`, `to`) pair — joins the open
// conversation of that key or opens one; the conversation closes when a message comes
// `conversations.idle_timeout` or more after the last (on the records' own received_at, never the
// clock). The rules run over the message alone and over the conversation's text so far (its
// latest messages joined with line breaks, so that each is its own sentence, within
// max_messages and max_text_bytes); the record's decision is the conversation's — the highest
// decision the conversation has reached while open: its urgency never drops — and carries a
// ConversationInfo with the message's own. Carrier keywords (HELP, STOP, START, as configured)
// open, end and resume conversations and may carry an auto-reply, never to an opted-out sender.
// Every other record is triaged exactly as Scanner::ScanJson triages it.
//
// Determinism: a conversation decision depends on the messages before it in its conversation
// and, through the store's memory bound, on the other messages of its store partition. Given the
// same messages in the same order within each partition, the decisions are the same bytes, on any
// number of threads: drivers scan the messages of one partition (Partition()) in input order, on
// one thread at a time, and may spread partitions (and records of no conversation) over threads.
#ifndef TRIAGE_CONVERSATION_SCANNER_H_
#define TRIAGE_CONVERSATION_SCANNER_H_

#include <cstdint>
#include <memory>
#include <string_view>

#include "triage/conversation_store.h"
#include "triage/decision.h"
#include "triage/export.h"
#include "triage/rule_set.h"
#include "triage/scanner.h"
#include "triage/status.h"

namespace triage {

// What one ConversationScanner has seen (the store keeps what it holds: ConversationStoreStats).
struct ConversationCounters {
  uint64_t messages = 0;      // SMS messages threaded into a conversation
  uint64_t unthreaded = 0;    // SMS records without a conversation key, triaged alone
  uint64_t opened = 0;        // conversations opened
  uint64_t keywords = 0;      // messages that were a carrier keyword
  uint64_t opted_out = 0;     // stop keywords
  uint64_t opted_in = 0;      // start keywords from an opted-out sender
  uint64_t replies = 0;       // decisions that carry an auto-reply
  uint64_t context_lost = 0;  // messages whose conversation had lost its earlier messages
  uint64_t untimed = 0;       // threaded messages without a valid received_at

  // Adds `other` into this.
  void Merge(const ConversationCounters& other);
};

// Not thread-safe: use one per thread. Several may share one store (its contract says how).
// Keeps the RuleSet alive; the store is not owned and must outlive the scanner.
class TRIAGE_EXPORT ConversationScanner {
 public:
  ConversationScanner(RuleSet rules, ConversationStore* store);
  ~ConversationScanner();
  ConversationScanner(ConversationScanner&&) noexcept;
  ConversationScanner& operator=(ConversationScanner&&) noexcept;

  // Returns the store partition of the conversation `json` is a message of, or -1 if it is no
  // conversation message (not an SMS, no conversation key, or not a record that can be triaged):
  // such a record may be scanned on any thread, in any order. Cheap for records that cannot be
  // SMS (it looks for "sms" in the bytes before parsing anything).
  int Partition(std::string_view json);

  // Triages one JSON record; *decision is overwritten. A conversation message is threaded (see
  // the file comment) and its decision is the conversation's, with decision->conversation set;
  // `message`, when not null, gets the message's decision on its own (for a record of no
  // conversation, the same as *decision). Errors as Scanner::ScanJson; a record that cannot be
  // triaged changes no conversation.
  Status ScanJson(std::string_view json, Decision* decision, Decision* message = nullptr);

  // Statistics of the scans (Scanner's: off by default) and the conversation counters (always).
  void set_collect_stats(bool on);
  const ScanStats& stats() const;
  const ConversationCounters& counters() const;

  const RuleSet& rules() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace triage

#endif  // TRIAGE_CONVERSATION_SCANNER_H_
