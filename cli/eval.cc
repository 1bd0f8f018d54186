// SPDX-License-Identifier: Apache-2.0
// `triage eval --labels LABELS [FILE|-]`: measures a ruleset against a labelled corpus.
//
// Every record of FILE (JSONL, default stdin) is triaged (Scanner::Explain, for the category
// totals below assign_min that the assign_min sweep needs) on --jobs workers and matched by id
// with LABELS (eval_labels.h). The report (triage/evaluation.h defines every measure) comes in this
// order: under-triage first — records labelled urgent that were decided below the urgent band,
// the most expensive mistake — then per-category precision, recall and F1, the band confusion
// matrix, per-rule hits, the threshold sweep with --target-recall answers, and the corpus
// summary (records without a label, labels without a record). Text on stdout by default;
// --format json for tools; --json FILE and --html FILE write those forms to files as well.
//
// Exit 0; 1 when corpus lines could not be triaged or label lines were bad (all reported on
// stderr; the report is still written, from the rest); 2 on usage errors.

#include <cstddef>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "triage/band_index.h"
#include "triage/evaluation.h"
#include "triage/rule_set.h"
#include "triage/scanner.h"
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

struct EvalOptions {
  std::string input = "-";
  std::string config;
  std::string labels;
  std::string format = "text";
  std::string json_path;
  std::string html_path;
  std::vector<std::string> targets;
  std::string urgent_band;
  int jobs = 0;
};

bool WriteTextFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::fprintf(stderr, "triage: error: cannot write '%s'\n", path.c_str());
    return false;
  }
  return true;
}

bool WriteStdout(const std::string& text) {
  return std::fwrite(text.data(), 1, text.size(), stdout) == text.size() &&
         std::fflush(stdout) == 0;
}

int RunEval(const EvalOptions& options) {
  const std::string config_path = FindConfigOrReport(options.config);
  if (config_path.empty()) return kExitErrors;
  Result<RuleSet> loaded = LoadRulesReporting(config_path, nullptr);
  if (!loaded.ok()) return kExitErrors;
  const RuleSet rules = std::move(loaded).value();
  const EngineConfig& config = rules.config();
  const std::vector<std::string> categories = rules.category_names();

  EvalSettings settings;
  settings.urgent_band = config.bands.size() >= 3 ? 1 : 0;
  if (!options.urgent_band.empty()) {
    const std::optional<size_t> urgent = FindBand(config.bands, options.urgent_band);
    if (!urgent) {
      std::fprintf(stderr, "triage: error: --urgent-band: no band named '%s' in %s\n",
                   options.urgent_band.c_str(), config_path.c_str());
      return kExitUsage;
    }
    settings.urgent_band = *urgent;
  }
  for (const std::string& text : options.targets) {
    Result<RecallTarget> target = ParseRecallTarget(text, config, categories);
    if (!target.ok()) return ReportFailure(target.status(), kExitUsage);
    settings.targets.push_back(std::move(target).value());
  }

  LabelSet labels;
  const Status labels_loaded = LoadLabels(options.labels, config, categories, &labels);
  if (!labels_loaded.ok()) return ReportFailure(labels_loaded, kExitErrors);

  CorpusOptions corpus;
  corpus.input = options.input;
  corpus.jobs = ResolveJobs(options.jobs);
  const std::string input_name = InputName(options.input);
  const size_t max_bytes = config.max_record_bytes;
  std::vector<Scanner> scanners;
  scanners.reserve(corpus.jobs);
  for (size_t i = 0; i < corpus.jobs; ++i) scanners.emplace_back(rules);
  std::vector<ScoredRecord> slots(kCorpusBatchLines);
  std::vector<Status> statuses(kCorpusBatchLines);
  std::vector<ScoredRecord> records;
  CorpusStats stats;
  ForEachCorpusLine(
      corpus, max_bytes + 1,
      [&](size_t worker, size_t slot, const InputLine& line) {
        statuses[slot] =
            ScoreLine(&scanners[worker], line, max_bytes, /*explain=*/true, &slots[slot]);
      },
      [&](size_t slot, const InputLine& line) {
        if (!statuses[slot].ok()) {
          ReportRecordError(input_name, line.number, slots[slot].id, statuses[slot]);
          ++stats.errors;
          return;
        }
        records.push_back(std::move(slots[slot]));
      },
      &stats);

  EvalReport report = ComputeEval(rules, records, labels, settings);
  report.config_path = config_path;
  report.input_name = input_name;
  report.labels_path = options.labels;
  report.lines = stats.lines;
  report.record_errors = stats.errors;
  report.label_errors = labels.errors;
  if (!report.duplicate_ids.empty()) {
    std::fprintf(stderr,
                 "triage: warning: %zu record(s) repeat an earlier id and were left out of the "
                 "measures (first: %s)\n",
                 report.duplicate_ids.size(), report.duplicate_ids.front().c_str());
  }

  bool ok = true;
  ok = WriteStdout(MakeEvalReporter(options.format)->Render(report)) && ok;
  if (!options.json_path.empty()) {
    ok = WriteTextFile(options.json_path, MakeEvalReporter("json")->Render(report)) && ok;
  }
  if (!options.html_path.empty()) {
    ok = WriteTextFile(options.html_path, MakeEvalReporter("html")->Render(report)) && ok;
  }
  if (!ok) return kExitErrors;
  return stats.errors > 0 || stats.read_failed || labels.errors > 0 ? kExitErrors : kExitOk;
}

}  // namespace

Command AddEvalCommand(CLI::App* parent) {
  auto options = std::make_shared<EvalOptions>();
  CLI::App* app = parent->add_subcommand(
      "eval",
      "Measure a ruleset against a labelled corpus: under-triage, per-category precision and "
      "recall, band confusion, rule hits, threshold sweep; text, JSON or an HTML report");
  AddInputOption(app, &options->input, "records");
  app->add_option("-l,--labels", options->labels,
                  R"(Labels, JSONL: {"id":...,"band":"P1","categories":[...]})")
      ->required();
  AddConfigOption(app, &options->config);
  app->add_option("-f,--format", options->format, "stdout format: text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  app->add_option("--json", options->json_path, "Also write the JSON report to this file");
  app->add_option("--html", options->html_path,
                  "Also write a self-contained HTML report (inline SVG charts) to this file");
  app->add_option("--target-recall", options->targets,
                  "KEY=RECALL: the highest threshold reaching this recall; KEY is a band (its "
                  "floor), a category or assign_min (all categories). Repeatable")
      ->allow_extra_args(false);
  app->add_option("--urgent-band", options->urgent_band,
                  "Lowest band counted as urgent for under-triage (default: the second band)");
  AddJobsOption(app, &options->jobs);
  return Command{app, [options] { return RunEval(*options); }};
}

}  // namespace triage::cli
