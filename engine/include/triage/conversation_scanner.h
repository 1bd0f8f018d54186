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
// and, through the store's memory bound, on the order of all messages. ScanJson(json, ...) does a
// message's steps one after the other and suits a driver that scans one record at a time. A
// parallel driver splits them (conversation_store.h explains why this gives the same bytes):
//
//   Route(line, &ticket)          any thread, any order: is it a conversation message, where?
//   Admit(&ticket)                one thread, input order: the store's memory bound
//   ScanJson(line, &ticket, ...)  the messages of one partition in input order, one at a time;
//                                 partitions (and records of no conversation) on any thread
//   store.Settle()                one thread, once the batch is scanned
#ifndef TRIAGE_CONVERSATION_SCANNER_H_
#define TRIAGE_CONVERSATION_SCANNER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
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

// A message on its way through a parallel driver: what Route() found and Admit() decided. Opaque
// to drivers but for `partition`.
struct ConversationTicket {
  int partition = -1;  // the store partition of its conversation; -1: no conversation message
  // Internal.
  std::string key;
  std::optional<int64_t> time;
  CarrierKeyword keyword = CarrierKeyword::kNone;
  bool admitted = false;
  ConversationAdmission admission;
};

// Not thread-safe: use one per thread. Several may share one store (its contract says how).
// Keeps the RuleSet alive; the store is not owned and must outlive the scanner.
class TRIAGE_EXPORT ConversationScanner {
 public:
  ConversationScanner(RuleSet rules, ConversationStore* store);
  ~ConversationScanner();
  ConversationScanner(ConversationScanner&&) noexcept;
  ConversationScanner& operator=(ConversationScanner&&) noexcept;

  // Triages one JSON record; *decision is overwritten. A conversation message is threaded (see
  // the file comment) and its decision is the conversation's, with decision->conversation set;
  // `message`, when not null, gets the message's decision on its own (for a record of no
  // conversation, the same as *decision). Errors as Scanner::ScanJson; a record that cannot be
  // triaged changes no conversation. Does Route, Admit, the scan and the store's Settle in turn.
  Status ScanJson(std::string_view json, Decision* decision, Decision* message = nullptr);

  // The steps of ScanJson for a parallel driver (file comment). Route fills *ticket and returns
  // ticket->partition: -1 for a record of no conversation (not an SMS, no conversation key, or a
  // record that cannot be triaged), which may then be scanned anywhere, in any order. Cheap for
  // records that cannot be SMS (it looks for "sms" in the bytes before parsing anything).
  int Route(std::string_view json, ConversationTicket* ticket);
  // Admits a routed conversation message to the store. REQUIRES: ticket->partition >= 0; called
  // in input order on one thread, with no scan of a conversation message running.
  void Admit(ConversationTicket* ticket);
  // Scans a record routed (and, if a conversation message, admitted) as ScanJson does, without
  // settling the store.
  Status ScanJson(std::string_view json, const ConversationTicket& ticket, Decision* decision,
                  Decision* message = nullptr);

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
