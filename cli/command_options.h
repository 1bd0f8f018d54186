// SPDX-License-Identifier: Apache-2.0
// What several subcommands share: their common options (the input file, --config, --jobs, each
// declared once with one help text and one environment fallback), opening the input, and the
// error for a record over limits.max_record_bytes.
#ifndef TRIAGE_CLI_COMMAND_OPTIONS_H_
#define TRIAGE_CLI_COMMAND_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "triage/status.h"

namespace CLI {
class App;
}  // namespace CLI

namespace triage::cli {

// The positional input: a JSONL file, '-' (the default) for stdin. `noun` is "file" or
// "records" ("Input JSONL <noun>; '-' or omitted reads stdin").
void AddInputOption(CLI::App* app, std::string* input, const char* noun);

// -c/--config with the TRIAGE_CONFIG fallback; `help` defaults to the usual text.
void AddConfigOption(CLI::App* app, std::string* config,
                     const char* help =
                         "Config file (triage.yaml); default: the installed rule "
                         "pack");

// -j/--jobs in [0, 1024] with the TRIAGE_JOBS fallback (0: one per hardware thread).
void AddJobsOption(CLI::App* app, int* jobs);

// Opens `input` for reading ('-': stdin). Returns the descriptor (the caller closes it unless it
// is stdin), or IoError "cannot open input '<input>': <reason>".
Result<int> OpenInput(const std::string& input);

// Returns the InvalidRecord("too_large") error of a record of `length` bytes over `max_bytes`.
Status RecordTooLarge(uint64_t length, size_t max_bytes);

}  // namespace triage::cli

#endif  // TRIAGE_CLI_COMMAND_OPTIONS_H_
