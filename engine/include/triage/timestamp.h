// SPDX-License-Identifier: Apache-2.0
// Timestamps as records carry them (`received_at`): RFC 3339 date-times, read into microseconds
// since the Unix epoch (UTC) and written back in one canonical form. Conversations measure their
// idle timeout on these, never on the clock of the machine that triages them, so that the same
// stream gives the same conversations whenever and wherever it is triaged.
#ifndef TRIAGE_TIMESTAMP_H_
#define TRIAGE_TIMESTAMP_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "triage/export.h"

namespace triage {

// Parses an RFC 3339 date-time — "2026-11-02T10:00:00Z", "2026-11-02t10:00:00.25z",
// "2026-11-02T12:00:00+02:00" — into microseconds since the Unix epoch (UTC); fractional seconds
// beyond microseconds are cut. Returns nullopt for anything else (a date alone, a missing offset,
// an impossible date). Thread-safe.
TRIAGE_EXPORT std::optional<int64_t> ParseTimestamp(std::string_view text);

// Returns `micros` (since the Unix epoch) as "2026-11-02T10:00:00Z", with the fraction of a second
// when there is one ("2026-11-02T10:00:00.25Z"). Thread-safe.
TRIAGE_EXPORT std::string FormatTimestamp(int64_t micros);

}  // namespace triage

#endif  // TRIAGE_TIMESTAMP_H_
