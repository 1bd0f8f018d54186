// SPDX-License-Identifier: Apache-2.0
// The subcommands of the `triage` executable. Each lives in its own file (filter.cc, check.cc, ...)
// and registers itself on the root CLI11 app; main.cc parses and runs the one selected. A command
// returns the process exit code of DESIGN.md.
#ifndef TRIAGE_CLI_COMMANDS_H_
#define TRIAGE_CLI_COMMANDS_H_

#include <functional>

namespace CLI {
class App;
}  // namespace CLI

namespace triage::cli {

// Exit codes (DESIGN.md): success; the input or the rules had errors (reported); usage error.
inline constexpr int kExitOk = 0;
inline constexpr int kExitErrors = 1;
inline constexpr int kExitUsage = 2;

// A registered subcommand: its CLI11 app (owned by the parent app) and what runs it once the
// command line has been parsed into the options it bound.
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

// `triage filter [FILE|-]`: JSONL records in, one decision or error line out per record.
Command AddFilterCommand(CLI::App* parent);
// `triage check`: load, check and lint a ruleset and its config.
Command AddCheckCommand(CLI::App* parent);
// `triage explain [FILE|-]`: why each record got its decision (ledger, spans, counterfactual).
Command AddExplainCommand(CLI::App* parent);
// `triage test [PATH...]`: run expectation files (records with expected decisions).
Command AddTestCommand(CLI::App* parent);
// `triage eval --labels LABELS [FILE|-]`: measure a ruleset against a labelled corpus.
Command AddEvalCommand(CLI::App* parent);
// `triage diff --base CONFIG --head CONFIG [FILE|-]`: two rulesets over one corpus.
Command AddDiffCommand(CLI::App* parent);
// `triage replay --audit FILE`: re-run an audit store's records under their archived rulesets.
Command AddReplayCommand(CLI::App* parent);
// `triage audit verify|show|export --audit FILE`: inspect an audit store.
Command AddAuditCommand(CLI::App* parent);
// `triage queue [FILE|-]`: open conversations and reports in the order to take them.
Command AddQueueCommand(CLI::App* parent);
// `triage serve`: the HTTP service (docs/serve.md).
Command AddServeCommand(CLI::App* parent);
// `triage worker`: a Redis Streams consumer group member (docs/worker.md).
Command AddWorkerCommand(CLI::App* parent);

}  // namespace triage::cli

#endif  // TRIAGE_CLI_COMMANDS_H_
