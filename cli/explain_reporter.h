// SPDX-License-Identifier: Apache-2.0
// Reporters of `triage explain` (google/benchmark's BenchmarkReporter idea): the library computes
// each record's ExplainReport (triage/explain_report.h); a reporter turns it, or a record error,
// into the entry written on stdout. Two reporters: text (explain_text.cc), a readable account for
// a terminal, and JSON (the library's ExplainReportToJson and FormatErrorLine, one object per
// line).
//
// Record text on a terminal. The text view prints the record's text fields, which come from the
// public: every control character (C0, DEL, C1) and every bidirectional override is printed as an
// escape (\n, \t, \u001b, \u202e ...), so a record can neither move the cursor, recolour the
// terminal nor reorder what the analyst reads. Matched spans are shown in colour (bold yellow,
// underlined) when colour is on, else between the markers "[[" and "]]".
#ifndef TRIAGE_CLI_EXPLAIN_REPORTER_H_
#define TRIAGE_CLI_EXPLAIN_REPORTER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "triage/explain_report.h"
#include "triage/status.h"

namespace triage::cli {

// Renders explain entries. Implementations are stateless: const methods, thread-safe.
class ExplainReporter {
 public:
  virtual ~ExplainReporter() = default;
  // Returns the entry of an explained record; the caller writes it followed by '\n'.
  virtual std::string Record(const ExplainReport& report) const = 0;
  // Returns the entry of a record that could not be explained (`error` is InvalidRecord, whose
  // message never quotes the record); the caller writes it followed by '\n'.
  virtual std::string Error(uint64_t line, const std::optional<std::string>& id,
                            const Status& error) const = 0;
};

// The text view, with colour or with "[[...]]" markers.
std::unique_ptr<ExplainReporter> MakeTextExplainReporter(bool color);
// One JSON object per record (an error line for a record that could not be explained).
std::unique_ptr<ExplainReporter> MakeJsonExplainReporter();

// The markers around a matched span in the text view without colour.
inline constexpr std::string_view kMarkOpen = "[[";
inline constexpr std::string_view kMarkClose = "]]";

// Returns `text` with control characters and bidirectional overrides escaped (see above).
std::string EscapeForTerminal(std::string_view text);

// Returns `value` escaped, with `ranges` (sorted, disjoint byte ranges) marked.
std::string MarkRanges(std::string_view value,
                       const std::vector<std::pair<uint32_t, uint32_t>>& ranges, bool color);

}  // namespace triage::cli

#endif  // TRIAGE_CLI_EXPLAIN_REPORTER_H_
