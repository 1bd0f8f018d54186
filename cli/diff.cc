// SPDX-License-Identifier: Apache-2.0
// `triage diff --base CONFIG --head CONFIG [FILE|-]`: what a ruleset change does to a corpus.
//
// Every record of FILE (JSONL, default stdin) is triaged by both rulesets, on --jobs workers.
// The report gives the band transition matrix (base band by head band), per category how many
// records gained it and lost it, and the changed records — a different band, score, set of
// categories or set of fired rules — each with base band/score -> head band/score, the
// categories on both sides, and the rules added to and removed from the fired set. Moves toward a
// less urgent band come first (the largest drop first) and are flagged with '!', since a missed
// emergency costs the most; then moves toward a more urgent band, then changes within a band.
// Bands are compared by their position in their own config's list (the first is the most
// urgent), so configs whose bands differ can still be compared. With --labels, every move also
// says whether it goes toward or away from the labelled band (labels are read as by `triage
// eval`, against the head config). --format json writes the same as one JSON object.
//
// Exit 0; 1 when corpus lines could not be triaged (by either ruleset; reported on stderr, left
// out of the report) or label lines were bad; 2 on usage errors.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "triage/compare.h"
#include "triage/labels.h"
#include "triage/rule_set.h"
#include "triage/scanner.h"
#include "triage/scored_record.h"
#include "triage/status.h"

#include "command_options.h"
#include "commands.h"
#include "eval_corpus.h"
#include "eval_labels.h"
#include "line_io.h"
#include "load_rules.h"
#include "report_status.h"
#include "reporter.h"

namespace triage::cli {
namespace {

struct DiffOptions {
  std::string input = "-";
  std::string base;
  std::string head;
  std::string labels;
  std::string format = "text";
  int jobs = 0;
};

int RunDiff(const DiffOptions& options) {
  Result<RuleSet> base_loaded = LoadRulesReporting(options.base, nullptr);
  Result<RuleSet> head_loaded = LoadRulesReporting(options.head, nullptr);
  if (!base_loaded.ok() || !head_loaded.ok()) return kExitErrors;
  const RuleSet base = std::move(base_loaded).value();
  const RuleSet head = std::move(head_loaded).value();

  LabelSet labels;
  const bool labelled = !options.labels.empty();
  if (labelled) {
    const Status status = LoadLabels(options.labels, head.config(), head.category_names(), &labels);
    if (!status.ok()) return ReportFailure(status, kExitErrors);
  }

  RulesetComparison comparison(base, head, labelled ? &labels : nullptr);

  CorpusOptions corpus;
  corpus.input = options.input;
  corpus.jobs = ResolveJobs(options.jobs);
  const std::string input_name = InputName(options.input);
  const size_t base_max = base.config().max_record_bytes;
  const size_t head_max = head.config().max_record_bytes;
  std::vector<Scanner> base_scanners;
  std::vector<Scanner> head_scanners;
  for (size_t i = 0; i < corpus.jobs; ++i) {
    base_scanners.emplace_back(base);
    head_scanners.emplace_back(head);
  }
  struct Slot {
    ScoredRecord base;
    ScoredRecord head;
    Status status;
  };
  std::vector<Slot> slots(kCorpusBatchLines);
  CorpusStats stats;
  ForEachCorpusLine(
      corpus, std::max(base_max, head_max) + 1,
      [&](size_t worker, size_t index, const InputLine& line) {
        Slot& slot = slots[index];
        slot.status = ScoreLine(&base_scanners[worker], line, base_max, false, &slot.base);
        const Status head_status =
            ScoreLine(&head_scanners[worker], line, head_max, false, &slot.head);
        if (slot.status.ok()) slot.status = head_status;
      },
      [&](size_t index, const InputLine& line) {
        Slot& slot = slots[index];
        if (!slot.status.ok()) {
          ReportRecordError(input_name, line.number, slot.base.id ? slot.base.id : slot.head.id,
                            slot.status);
          ++stats.errors;
          return;
        }
        comparison.Add(std::move(slot.base), std::move(slot.head));
      },
      &stats);
  ComparisonReport report = comparison.Finish();
  report.base_config = options.base;
  report.head_config = options.head;
  report.lines = stats.lines;
  report.errors = stats.errors;

  const std::string out = MakeDiffReporter(options.format)->Render(report);
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) {
    std::fprintf(stderr, "triage: error: writing output failed\n");
    return kExitErrors;
  }
  return stats.errors > 0 || stats.read_failed || labels.errors > 0 ? kExitErrors : kExitOk;
}

}  // namespace

Command AddDiffCommand(CLI::App* parent) {
  auto options = std::make_shared<DiffOptions>();
  CLI::App* app = parent->add_subcommand(
      "diff",
      "Run two rulesets over one corpus: band transitions, category changes and every changed "
      "record (less urgent moves first)");
  AddInputOption(app, &options->input, "records");
  app->add_option("--base", options->base, "Config (triage.yaml) of the ruleset before")
      ->required();
  app->add_option("--head", options->head, "Config (triage.yaml) of the ruleset after")->required();
  app->add_option("-l,--labels", options->labels,
                  "Labels (JSONL, as for eval): say whether each move goes toward or away from "
                  "the labelled band");
  app->add_option("-f,--format", options->format, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  AddJobsOption(app, &options->jobs);
  return Command{app, [options] { return RunDiff(*options); }};
}

}  // namespace triage::cli
