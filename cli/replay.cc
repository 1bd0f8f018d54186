// SPDX-License-Identifier: Apache-2.0
// `triage replay --audit FILE [--since T] [--until T] [--ruleset DIGEST] [--with CONFIG]`: re-run
// the records of an audit store and compare (AuditStore::Replay).
//
// Without --with, every selected record is re-run under the ruleset archived with it and the new
// decision JSON is compared with the stored one byte for byte. stdout gets one line per entry that
// differs — its seq and id, then each differing member of the decision with the stored and the
// replayed value (decisions hold no record text) — and a summary:
//
//   replay of audit.db: 1200 entries
//     reproduced          1180
//     errors reproduced      3
//     differ                 2
//     not replayable        15  (only the record's digest was kept)
//     ruleset failed         0
//
// Exit 1 if any entry differs or its archived ruleset could not be recompiled to its digest.
//
// With --with CONFIG, the records are re-run under that ruleset instead (a what-if: what would
// the stored intake have looked like under the new rules?). stdout lists the entries whose
// decision changes and a band transition table — rows the stored band, columns the new one:
//
//   band transitions (rows: stored, columns: under sha256:...):
//              P1     P2     P3     P4  error
//     P1       10      2      0      0      0
//
// Exit 0: changes are what a what-if is for. --summary leaves out the per-entry lines.

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "triage/audit.h"
#include "triage/config.h"
#include "triage/rule_set.h"
#include "triage/status.h"

#include "audit_support.h"
#include "commands.h"
#include "load_rules.h"
#include "report_status.h"

namespace triage::cli {
namespace {

struct ReplayOptions {
  std::string path;
  std::string since;
  std::string until;
  std::string ruleset;
  std::string with;
  bool summary = false;
};

struct Counts {
  uint64_t total = 0;
  uint64_t reproduced = 0;
  uint64_t errors_reproduced = 0;
  uint64_t differ = 0;
  uint64_t not_replayable = 0;
  uint64_t ruleset_failed = 0;
};

std::string EntryName(const AuditEntry& entry) {
  std::string name = "entry " + std::to_string(entry.seq);
  if (entry.record_id.has_value()) name += " (id " + *entry.record_id + ")";
  return name;
}

void PrintDifference(const AuditReplayResult& result, const std::vector<std::string>& fields) {
  const AuditEntry& entry = *result.entry;
  std::string names;
  for (const std::string& field : fields) names += (names.empty() ? "" : ", ") + field;
  std::printf("differs: %s: %s\n", EntryName(entry).c_str(), names.c_str());
  for (const std::string& field : fields) {
    std::printf("  %-10s stored %s\n", field.c_str(),
                DecisionJsonMember(entry.decision, field).value_or("(absent)").c_str());
    std::printf("  %-10s replay %s\n", "",
                DecisionJsonMember(result.replayed, field).value_or("(absent)").c_str());
  }
}

void PrintCount(const char* what, uint64_t count, const char* note = "") {
  std::printf("  %-18s %8llu%s\n", what, static_cast<unsigned long long>(count), note);
}

int RunPlainReplay(AuditStore* store, const ReplayOptions& options, const AuditQuery& query) {
  AuditReplayOptions replay_options;
  replay_options.query = query;
  Counts counts;
  std::set<std::string> failed_rulesets;
  const Status status = store->Replay(replay_options, [&](const AuditReplayResult& result) {
    ++counts.total;
    switch (result.outcome) {
      case AuditReplayOutcome::kReproduced:
        ++counts.reproduced;
        break;
      case AuditReplayOutcome::kErrorReproduced:
        ++counts.errors_reproduced;
        break;
      case AuditReplayOutcome::kDiffers:
        ++counts.differ;
        if (!options.summary) PrintDifference(result, result.differing_fields);
        break;
      case AuditReplayOutcome::kNotReplayable:
        ++counts.not_replayable;
        break;
      case AuditReplayOutcome::kRuleSetFailed:
        ++counts.ruleset_failed;
        if (failed_rulesets.insert(result.entry->ruleset).second) {
          std::fprintf(stderr, "triage: error: %s\n", result.message.c_str());
        }
        break;
    }
  });
  if (!status.ok()) {
    std::fprintf(stderr, "triage: error: %s\n", status.message().c_str());
    return kExitErrors;
  }
  std::printf("replay of %s: %llu entries\n", options.path.c_str(),
              static_cast<unsigned long long>(counts.total));
  PrintCount("reproduced", counts.reproduced);
  PrintCount("errors reproduced", counts.errors_reproduced);
  PrintCount("differ", counts.differ);
  PrintCount("not replayable", counts.not_replayable, "  (only the record's digest was kept)");
  PrintCount("ruleset failed", counts.ruleset_failed);
  if (std::fflush(stdout) != 0) return kExitErrors;
  return counts.differ > 0 || counts.ruleset_failed > 0 ? kExitErrors : kExitOk;
}

int RunWhatIf(AuditStore* store, const ReplayOptions& options, const AuditQuery& query) {
  Result<RuleSet> rules = LoadRulesReporting(options.with, nullptr);
  if (!rules.ok()) return kExitErrors;
  AuditReplayOptions replay_options;
  replay_options.query = query;
  replay_options.with = *rules;

  // Band order: the new config's bands, then any other band met (older configs), then errors.
  std::vector<std::string> bands;
  for (const UrgencyBand& band : rules->config().bands) bands.push_back(band.name);
  const auto add_band = [&bands](const std::string& band) {
    if (band.empty() || band == "error") return;
    for (const std::string& known : bands) {
      if (known == band) return;
    }
    bands.push_back(band);
  };
  std::map<std::pair<std::string, std::string>, uint64_t> transitions;
  uint64_t total = 0;
  uint64_t unchanged = 0;
  uint64_t changed = 0;
  uint64_t not_replayable = 0;
  const Status status = store->Replay(replay_options, [&](const AuditReplayResult& result) {
    ++total;
    if (result.outcome == AuditReplayOutcome::kNotReplayable ||
        result.outcome == AuditReplayOutcome::kRuleSetFailed || result.replayed_band.empty()) {
      ++not_replayable;
      return;
    }
    add_band(result.stored_band);
    add_band(result.replayed_band);
    ++transitions[{result.stored_band, result.replayed_band}];
    // The ruleset digest always changes; a decision that changes in nothing else is unchanged.
    std::vector<std::string> fields;
    for (const std::string& field : result.differing_fields) {
      if (field != "ruleset") fields.push_back(field);
    }
    if (fields.empty() || result.outcome != AuditReplayOutcome::kDiffers) {
      ++unchanged;
      return;
    }
    ++changed;
    if (options.summary) return;
    std::string names;
    for (const std::string& field : fields) names += (names.empty() ? "" : ", ") + field;
    std::printf("changes: %s: %s -> %s: %s\n", EntryName(*result.entry).c_str(),
                result.stored_band.c_str(), result.replayed_band.c_str(), names.c_str());
  });
  if (!status.ok()) {
    std::fprintf(stderr, "triage: error: %s\n", status.message().c_str());
    return kExitErrors;
  }
  bands.emplace_back("error");

  std::printf("what-if of %s under %s: %llu entries\n", options.path.c_str(),
              rules->digest().c_str(), static_cast<unsigned long long>(total));
  PrintCount("unchanged", unchanged);
  PrintCount("changed", changed);
  PrintCount("not replayable", not_replayable, "  (only the record's digest was kept)");
  std::printf("band transitions (rows: stored band, columns: new band):\n");
  std::printf("  %-8s", "");
  for (const std::string& column : bands) std::printf(" %7s", column.c_str());
  std::printf("\n");
  for (const std::string& row : bands) {
    std::printf("  %-8s", row.c_str());
    for (const std::string& column : bands) {
      const auto found = transitions.find({row, column});
      std::printf(" %7llu",
                  static_cast<unsigned long long>(found == transitions.end() ? 0 : found->second));
    }
    std::printf("\n");
  }
  return std::fflush(stdout) == 0 ? kExitOk : kExitErrors;
}

int RunReplay(const ReplayOptions& options) {
  AuditQuery query;
  const Status parsed = ParseAuditQuery(options.since, options.until, options.ruleset, &query);
  if (!parsed.ok()) return ReportFailure(parsed, kExitUsage);
  Result<AuditStore> store = OpenAuditForReading(options.path);
  if (!store.ok()) return ReportFailure(store.status(), kExitErrors);
  if (!options.with.empty()) return RunWhatIf(&*store, options, query);
  return RunPlainReplay(&*store, options, query);
}

}  // namespace

Command AddReplayCommand(CLI::App* parent) {
  auto options = std::make_shared<ReplayOptions>();
  CLI::App* app = parent->add_subcommand(
      "replay",
      "Re-run the records of an audit store under their archived rulesets and report every "
      "decision that does not reproduce byte for byte (exit 1); --with: a what-if under "
      "another ruleset");
  app->add_option("--audit", options->path, "The audit store (written by filter --audit)")
      ->required();
  app->add_option("--since", options->since,
                  "Only entries decided at or after this UTC time (2026-11-02, "
                  "2026-11-02T10:00:00Z)");
  app->add_option("--until", options->until, "Only entries decided before this UTC time");
  app->add_option("--ruleset", options->ruleset, "Only entries decided by this ruleset digest");
  app->add_option("--with", options->with,
                  "Replay under this config (triage.yaml) instead of the archived rulesets and "
                  "summarise the band transitions");
  app->add_flag("--summary", options->summary,
                "Print the counts (and band transitions) only, not every entry that differs");
  return Command{app, [options] { return RunReplay(*options); }};
}

}  // namespace triage::cli
