// SPDX-License-Identifier: Apache-2.0
// `triage explain [FILE|-]`: why each JSON Lines record got its decision, for analysts.
//
// For every non-blank input line (read, numbered and size-limited as `triage filter` does), the
// record is explained with Scanner::Explain and printed as a readable account (--format text,
// the default) or as one JSON object per line (--format json):
//
//   - the score ledger: every fired rule in evaluation order with its urgency, floor and category
//     contributions ("(override)" where the config retuned it) and the running total, then the
//     sum, the clamp to [0, urgency.max], the floor, the score and the band boundary it reached;
//   - the categories: every category a fired rule scored, against assign_min and max_labels,
//     and the fallback when none reached assign_min;
//   - the record's text fields with the spans matched by fired rules highlighted (colour on a
//     terminal without NO_COLOR, "[[...]]" otherwise), and per rule the snippets it matched;
//   - a counterfactual: the smallest set of fired rules whose removal moves the record to another
//     band (sets of 1, 2, 3; triage/counterfactual.h has the search and its limits);
//   - the rules closest to firing, with the first part of their condition that failed;
//   - with --why-not RULE, that rule's condition tree with the truth value of every part.
//
// A line that cannot be explained gets an error entry (line number, code, a message that never
// quotes the record) and the run goes on. Record text goes to stdout only, never to stderr.
// Exit codes: 0 all lines explained, 1 some line (or the rules, or the input) had an error, 2
// usage errors — a --why-not naming no rule among them.

#include "triage/explain.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "triage/decision.h"
#include "triage/explain_report.h"
#include "triage/rule_set.h"
#include "triage/scanner.h"
#include "triage/status.h"
#include "triage/why_not.h"

#include "command_options.h"
#include "commands.h"
#include "explain_reporter.h"
#include "line_io.h"
#include "load_rules.h"
#include "report_status.h"
#include "terminal.h"

namespace triage::cli {
namespace {

struct ExplainOptions {
  std::string input = "-";
  std::string config;
  std::string format = "text";
  std::string color = "auto";
  std::vector<std::string> why_not;
  int closest = 3;
  int max_set = 3;
};

// Explains records one at a time with one Scanner (also used for the counterfactual's rescans).
// Not thread-safe.
class Explainer {
 public:
  Explainer(const ExplainOptions& options, RuleSet rules, bool color)
      : rules_(std::move(rules)),
        scanner_(rules_),
        reporter_(options.format == "json" ? MakeJsonExplainReporter()
                                           : MakeTextExplainReporter(color)) {
    report_options_.closest = static_cast<size_t>(options.closest);
    report_options_.max_set = static_cast<size_t>(options.max_set);
    report_options_.why_not = options.why_not;
  }

  // Writes the entry of one input line, ending with '\n', to *out. Returns false if the line
  // had an error.
  bool ExplainLine(const InputLine& line, std::string* out);
  // The most bytes of a line to keep (the ruleset's limits.max_record_bytes).
  size_t MaxKeep() const { return rules_.config().max_record_bytes; }

 private:
  void WriteError(uint64_t line, const std::optional<std::string>& id, const Status& error,
                  std::string* out) const;

  RuleSet rules_;
  Scanner scanner_;
  std::unique_ptr<ExplainReporter> reporter_;
  ExplainReportOptions report_options_;
  Explanation explanation_;
};

void Explainer::WriteError(uint64_t line, const std::optional<std::string>& id, const Status& error,
                           std::string* out) const {
  *out = reporter_->Error(line, id, error) + "\n";
}

bool Explainer::ExplainLine(const InputLine& line, std::string* out) {
  const size_t max_bytes = rules_.config().max_record_bytes;
  if (line.truncated || line.length > max_bytes) {
    WriteError(line.number, std::nullopt, RecordTooLarge(line.length, max_bytes), out);
    return false;
  }
  Status status = scanner_.Explain(line.text, ScanOptions(), &explanation_);
  if (!status.ok()) {
    if (status.code() != Status::Code::kInvalidRecord) {
      // Only record errors promise never to quote the record: do not show another message.
      status = Status::InvalidRecord("internal", "the record could not be explained");
    }
    WriteError(line.number, explanation_.decision.id, status, out);
    return false;
  }

  const ExplainReport report =
      BuildExplainReport(&scanner_, line.text, line.number, explanation_, report_options_);
  *out = reporter_->Record(report) + "\n";
  return true;
}

int RunExplain(const ExplainOptions& options) {
  const std::string config_path = FindConfigOrReport(options.config);
  if (config_path.empty()) return kExitErrors;
  Result<RuleSet> rules = LoadRulesReporting(config_path, nullptr);
  if (!rules.ok()) return kExitErrors;

  // --why-not names must be rules: a typo is a usage error, caught before any input is read.
  const std::vector<std::string> names = rules->rule_names();
  for (const std::string& name : options.why_not) {
    if (std::find(names.begin(), names.end(), name) != names.end()) continue;
    std::fprintf(stderr, "triage: error: --why-not: no rule named '%s' in %s\n", name.c_str(),
                 config_path.c_str());
    const std::vector<std::string> similar = SimilarNames(name, names);
    if (!similar.empty()) {
      std::string list;
      for (const std::string& s : similar) list += (list.empty() ? "'" : ", '") + s + "'";
      std::fprintf(stderr, "triage: note: did you mean %s?\n", list.c_str());
    }
    return kExitUsage;
  }

  const Result<int> opened = OpenInput(options.input);
  if (!opened.ok()) return ReportFailure(opened.status(), kExitErrors);
  const int input_fd = *opened;

  bool color = false;
  if (options.format == "text") {
    color = options.color == "always" || (options.color == "auto" && ColorEnabled(STDOUT_FILENO));
  }
  Explainer explainer(options, std::move(rules).value(), color);
  LineReader reader(input_fd);
  OutputWriter writer(STDOUT_FILENO);
  InputLine line;
  std::string out;
  size_t records = 0;
  size_t errors = 0;
  bool read_failed = false;
  while (true) {
    // A line over the limit is kept only up to it: enough to know it is over, never all of it.
    const LineReader::Result result = reader.Next(&line, explainer.MaxKeep(), /*may_block=*/true);
    if (result == LineReader::Result::kInterrupted || result == LineReader::Result::kWouldBlock) {
      continue;
    }
    if (result == LineReader::Result::kEnd) break;
    if (result == LineReader::Result::kError) {
      std::fprintf(stderr, "triage: error: reading input failed: %s\n",
                   std::strerror(reader.error()));
      read_failed = true;
      break;
    }
    ++records;
    if (!explainer.ExplainLine(line, &out)) ++errors;
    std::string_view entry = out;
    entry.remove_suffix(1);  // WriteLine adds the '\n'
    writer.WriteLine(entry);
    // An analyst reads as the records come: push each entry out.
    if (!writer.Flush()) break;
  }
  writer.Flush();
  if (input_fd != STDIN_FILENO) close(input_fd);
  if (writer.failed()) {
    std::fprintf(stderr, "triage: error: writing output failed: %s\n",
                 std::strerror(writer.error()));
    return kExitErrors;
  }
  if (errors > 0) {
    std::fprintf(stderr, "triage: %zu of %zu record%s could not be explained\n", errors, records,
                 records == 1 ? "" : "s");
  }
  return errors > 0 || read_failed ? kExitErrors : kExitOk;
}

}  // namespace

Command AddExplainCommand(CLI::App* parent) {
  auto options = std::make_shared<ExplainOptions>();
  CLI::App* app = parent->add_subcommand(
      "explain",
      "Explain the decision of each JSON Lines record: score ledger, categories, matched text, "
      "a counterfactual, the rules closest to firing and, with --why-not, one rule's condition");
  AddInputOption(app, &options->input, "file");
  AddConfigOption(app, &options->config);
  app->add_option("-f,--format", options->format,
                  "text: a readable account; json: one JSON object per record")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  app->add_option("--why-not", options->why_not,
                  "Show RULE's condition with the truth value of every part (repeatable)")
      ->option_text("RULE")
      ->allow_extra_args(false);
  app->add_option("--color", options->color,
                  "Colour the text view: auto (on a terminal, unless NO_COLOR is set), always, "
                  "never (matches between [[ and ]])")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  app->add_option("--closest", options->closest,
                  "How many rules that did not fire to show as closest to firing (0: none)")
      ->check(CLI::Range(0, 1000))
      ->capture_default_str();
  app->add_option("--max-set", options->max_set,
                  "Largest set of fired rules the counterfactual tries to disable (0: no "
                  "counterfactual)")
      ->check(CLI::Range(0, 3))
      ->capture_default_str();
  return Command{app, [options] { return RunExplain(*options); }};
}

}  // namespace triage::cli
