// SPDX-License-Identifier: Apache-2.0
// The `triage` executable: declares the subcommands (each in its own file), parses the command
// line with CLI11 and runs the selected one. Exit codes (DESIGN.md): 0 success, 1 the input or the
// rules had errors, 2 usage error. This is the one place with a last-resort catch (H5).
//
// SIGXFSZ is ignored: over a file size limit (ulimit -f), its default action would kill the
// process without a word, in the middle of a batch. Ignored, the write fails with EFBIG instead,
// which every writer already reports as a write error (exit 1), and the audit store's open
// transaction rolls back, leaving the store as it was after its last commit.

#include <signal.h>  // NOLINT(modernize-deprecated-headers): POSIX signal API

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "triage/version.h"

#include "commands.h"

int main(int argc, char** argv) {
  using triage::cli::Command;
  signal(SIGXFSZ, SIG_IGN);
  try {
    CLI::App app("Rule-based triage of child-protection and anti-trafficking reports", "triage");
    app.set_version_flag("--version", std::string("triage ") + triage::EngineVersion(),
                         "Print the version and exit");
    app.require_subcommand(1);
    app.failure_message([](const CLI::App* /*app*/, const CLI::Error& error) {
      return std::string("triage: error: ") + error.what() +
             "\nRun with --help for more information.\n";
    });
    const std::vector<Command> commands = {
        triage::cli::AddFilterCommand(&app),  triage::cli::AddCheckCommand(&app),
        triage::cli::AddExplainCommand(&app), triage::cli::AddTestCommand(&app),
        triage::cli::AddEvalCommand(&app),    triage::cli::AddDiffCommand(&app),
        triage::cli::AddReplayCommand(&app),  triage::cli::AddAuditCommand(&app),
        triage::cli::AddQueueCommand(&app),   triage::cli::AddServeCommand(&app),
        triage::cli::AddWorkerCommand(&app),
    };
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
      // --help and --version arrive here too, with exit code 0.
      return app.exit(error) == 0 ? triage::cli::kExitOk : triage::cli::kExitUsage;
    }
    for (const Command& command : commands) {
      if (command.app->parsed()) return command.run();
    }
    return triage::cli::kExitUsage;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "triage: internal error: %s\n", error.what());
    return triage::cli::kExitErrors;
  }
}
