// SPDX-License-Identifier: Apache-2.0
// Queue: what an advocate should take next. Fed a decision stream (the lines `triage filter`
// writes, annotated or decision-only) or the entries of an audit store, it keeps the open SMS
// conversations and the reports, and orders them by band first (the config's bands, most urgent
// first; records the engine could not triage come right after the most urgent band, since they
// may be anything), then by how long they have waited (a conversation since it opened, a report
// since it was received), the longest first, then by arrival. A conversation leaves the queue when
// it closes (idle past its timeout) or a stop keyword ends it; it is shown with its latest
// decision, which is the conversation's. A conversation of a sender who had opted out and texts
// again stays in the queue, marked opted_out (no reply may be sent, but what it says is seen: a
// STOP sent by mistake, or by whoever took the phone, must not hide a crisis). The queue knows
// nothing of who has picked what up: it is a view of the stream, not a work tracker.
//
// Times are the records' own (conversation.at, received_at), never the clock: Items(now) says
// what the queue held at `now`, given every record up to `now` (QueueOptions::until keeps later
// records out, for a view of the past).
#ifndef TRIAGE_QUEUE_H_
#define TRIAGE_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triage/audit.h"
#include "triage/decision.h"
#include "triage/export.h"
#include "triage/status.h"

namespace triage {

enum class QueueItemKind {
  kConversation,  // an open SMS conversation
  kReport,        // a record of no conversation (a report, an SMS without a conversation key)
  kError,         // a line the engine could not triage
};

// Returns "conversation", "report", "error".
TRIAGE_EXPORT const char* QueueItemKindName(QueueItemKind kind);

struct QueueItem {
  QueueItemKind kind = QueueItemKind::kReport;
  std::string id;         // the conversation id, the record id, or "line N" (an error without id)
  std::string record_id;  // the record (for a conversation: its latest message), "" if none
  std::string band;       // "error" for an error
  int urgency = 0;
  std::vector<std::string> categories;
  std::string error_code;            // for an error
  uint64_t messages = 1;             // a conversation's messages so far
  std::optional<int64_t> since;      // waiting since (microseconds, UTC), when known
  std::optional<int64_t> last_at;    // the latest activity, when known
  std::optional<int64_t> closes_at;  // a conversation: when it closes without another message
  bool opted_out = false;            // a conversation: its sender opted out (no reply may be sent)
  uint64_t arrival = 0;              // the position of its latest line in the stream
};

struct QueueOptions {
  // The band names, most urgent first (EngineConfig::bands). A band not listed ranks after them.
  std::vector<std::string> bands;
  // Records after this time (microseconds, UTC) are left out: the queue as it stood then.
  std::optional<int64_t> until;
};

// Not thread-safe.
class TRIAGE_EXPORT Queue {
 public:
  explicit Queue(QueueOptions options);

  // Adds one line of a decision stream. `fallback_time` is the time to use when the line carries
  // none of its own (a report in decision-only output). Returns InvalidArgument (and adds
  // nothing) for a line that is not a decision or error line; its message never quotes the line.
  Status AddLine(std::string_view line, std::optional<int64_t> fallback_time = std::nullopt);
  // Adds an audit store entry: its decision, its record's received_at (else the entry's time).
  Status AddAuditEntry(const AuditEntry& entry);

  // The queue at `now` (microseconds, UTC), in the order to take it.
  std::vector<QueueItem> Items(int64_t now) const;

  // The latest time among the records added (for a view "as of the end of the stream").
  std::optional<int64_t> latest() const { return latest_; }

 private:
  struct Conversation {
    QueueItem item;
    bool open = true;  // not ended by a stop keyword
  };
  size_t Rank(const std::string& band) const;
  // Notes `time` (when known) as the latest seen; false when it lies after options_.until, so
  // that the line is left out of the view.
  bool Seen(const std::optional<int64_t>& time);
  Status Add(std::string_view line, std::optional<int64_t> fallback_time,
             const std::optional<std::string>& audit_id);

  QueueOptions options_;
  std::map<std::string, Conversation> conversations_;
  std::vector<QueueItem> records_;  // reports and errors, in arrival order
  uint64_t arrivals_ = 0;
  std::optional<int64_t> latest_;
};

// Returns the queue as one JSON document:
// {"at":"2026-11-02T23:30:00Z","items":[{"kind":"conversation","id":...,"band":"P1",...}]}
TRIAGE_EXPORT std::string QueueToJson(const std::vector<QueueItem>& items, int64_t now);

}  // namespace triage

#endif  // TRIAGE_QUEUE_H_
