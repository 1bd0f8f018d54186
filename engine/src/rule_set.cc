// SPDX-License-Identifier: Apache-2.0
// Loading a ruleset: config, rule files, parse, lower, digest.
//
// The digest is SHA-256 over a canonical serialisation of the ruleset's sources, the config first
// and then each rule file in the config's order:
//   "triage-ruleset-v1\n" then, per source, "<name>\n<byte length>\n<text>\n"
// where names are relative to the config's directory (the config by its file name) and texts have
// "\r\n" normalised to "\n". Moving a pack to another directory keeps its digest; changing a byte
// of a rule, a weight in the config or the order of the rule files changes it.
#include "triage/rule_set.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <utility>

#include "analysis/analyzer.h"
#include "compile/lower.h"
#include "compile/program.h"
#include "compile/rule_set_access.h"
#include "dsl/parse.h"
#include "util/sha256.h"
#include "triage/record.h"
#include "triage/scanner.h"
#include "triage/config.h"

namespace triage {
namespace {

std::string Canonical(const std::string& text) {
  // Copied a run at a time between the "\r\n"s (a large pack is megabytes, most of it with none).
  std::string out;
  out.reserve(text.size());
  size_t from = 0;
  for (size_t at = text.find("\r\n"); at != std::string::npos; at = text.find("\r\n", from)) {
    out.append(text, from, at - from);
    from = at + 1;  // the '\n' starts the next run
  }
  out.append(text, from, std::string::npos);
  return out;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out.empty() ? "none" : out;
}

// Runs the inline examples; each failure is an "example-failed" error at the example.
bool RunExamples(const RuleSet& rules, const SourceManager& sources, Diagnostics* diagnostics) {
  const internal::Program& program = internal::RuleSetAccess::ProgramOf(rules);
  if (program.examples.empty()) return true;
  Scanner scanner(rules);
  bool ok = true;
  for (const internal::Example& example : program.examples) {
    // A text that is a JSON object is a whole record; any other text is the `text` field.
    Decision decision;
    Status status;
    if (!example.text.empty() && example.text[0] == '{') {
      status = scanner.ScanJson(example.text, &decision);
    } else {
      Record record;
      record.Add("text", example.text);
      status = scanner.Scan(record, &decision);
    }
    if (!status.ok()) {
      ok = false;
      diagnostics->Error("example-failed", "example is not a valid record: " + status.message(),
                         example.file, example.span);
      continue;
    }
    std::vector<std::string> assigned;
    for (const CategoryScore& c : decision.categories) assigned.push_back(c.name);
    std::vector<std::string> problems;
    if (example.rule >= 0) {
      const std::string& name = program.rules[example.rule].name;
      const bool fired = std::any_of(decision.rules.begin(), decision.rules.end(),
                                     [&](const RuleHit& hit) { return hit.rule == name; });
      if (fired == example.counter) {
        problems.push_back(example.counter ? "rule '" + name + "' fired on its counterexample"
                                           : "rule '" + name + "' did not fire");
      }
    }
    if (!example.band.empty() && decision.band != example.band) {
      problems.push_back("expected band " + example.band + ", got " + decision.band +
                         " (score " + std::to_string(decision.urgency) + ")");
    }
    for (const std::string& category : example.categories) {
      if (std::find(assigned.begin(), assigned.end(), category) == assigned.end()) {
        problems.push_back("expected category " + category + ", got " + Join(assigned));
      }
    }
    if (problems.empty()) continue;
    ok = false;
    std::string message = "example failed: " + problems[0];
    for (size_t i = 1; i < problems.size(); ++i) message += "; " + problems[i];
    diagnostics->Error("example-failed", message, example.file, example.span);
  }
  (void)sources;
  return ok;
}

// The sources of a ruleset besides its config: rule files, then analysis dictionaries.
struct PackFiles {
  std::vector<FileId> rules;
  std::vector<std::string> rule_names;
  std::vector<FileId> dictionaries;
  std::vector<std::string> dictionary_names;

  void Add(FileId file, const std::string& name, const EngineConfig& config) {
    const auto& d = config.analysis.dictionaries;
    if (std::find(d.begin(), d.end(), name) != d.end()) {
      dictionaries.push_back(file);
      dictionary_names.push_back(name);
    } else {
      rules.push_back(file);
      rule_names.push_back(name);
    }
  }
};

// Parses and lowers the rule files of an already loaded config.
Result<RuleSet> Build(SourceManager* sources, const EngineConfig& config, FileId config_file,
                      const std::string& config_name, const PackFiles& pack,
                      const LoadOptions& options, Diagnostics* diagnostics) {
  const std::vector<FileId>& rule_files = pack.rules;
  const std::vector<std::string>& rule_names = pack.rule_names;
  // Text analysis: its dictionaries first, in the config's order (a later entry overrides).
  for (const std::string& name : config.analysis.dictionaries) {
    if (std::find(pack.dictionary_names.begin(), pack.dictionary_names.end(), name) ==
        pack.dictionary_names.end()) {
      diagnostics->Error("dictionary-not-found",
                         "analysis dictionary '" + name + "' is not among the ruleset's files",
                         config_file, config.analysis.span);
      return Status::InvalidArgument(diagnostics->Summary());
    }
  }
  internal::Dictionary dictionary;
  bool dictionary_ok = true;
  for (FileId file : pack.dictionaries) {
    dictionary_ok = dictionary.AddFile(*sources, file, config.analysis, diagnostics) &&
                    dictionary_ok;
  }
  if (!dictionary_ok) return Status::InvalidArgument(diagnostics->Summary());
  auto analyzer = internal::Analyzer::Create(config.analysis, std::move(dictionary));
  if (!analyzer.ok()) {
    diagnostics->Error("bad-analysis", analyzer.status().message(), config_file,
                       config.analysis.span);
    return analyzer.status();
  }
  std::vector<dsl::ast::RuleFile> files;
  bool syntax_errors = false;
  // The limits of docs/robustness.md: a file over limits.max_rule_file_bytes is not parsed, and
  // more than limits.max_rules rules are not compiled (each costs memory).
  for (FileId file : rule_files) {
    const size_t size = sources->file(file).text().size();
    if (size > config.max_rule_file_bytes) {
      diagnostics->Error("file-too-large",
                         "rule file of " + std::to_string(size) +
                             " bytes is larger than limits.max_rule_file_bytes (" +
                             std::to_string(config.max_rule_file_bytes) + ")",
                         file, SourceSpan{});
      syntax_errors = true;
    }
  }
  if (syntax_errors) return Status::InvalidArgument(diagnostics->Summary());
  size_t rule_count = 0;
  for (FileId file : rule_files) {
    dsl::ParseOptions parse_options;
    parse_options.max_nesting_depth = config.max_nesting_depth;
    auto parsed = dsl::Parse(*sources, file, parse_options, diagnostics);
    if (!parsed.ok()) {
      syntax_errors = true;
      continue;
    }
    for (const dsl::ast::Decl& decl : parsed->decls) {
      const auto* rule = boost::get<dsl::ast::RuleDecl>(&decl.get());
      if (rule == nullptr || ++rule_count != config.max_rules + 1) continue;
      diagnostics->Error("too-many-rules",
                         "more than limits.max_rules (" + std::to_string(config.max_rules) +
                             ") rules; this is the first one over",
                         file, rule->span);
      syntax_errors = true;
    }
    files.push_back(std::move(parsed).value());
  }
  if (syntax_errors) return Status::InvalidArgument(diagnostics->Summary());
  auto program =
      internal::Lower(*sources, config, files, options, std::move(analyzer).value(), diagnostics);
  if (!program.ok()) return program.status();
  std::shared_ptr<internal::Program> p = std::move(program).value();
  p->sources.push_back({config_name, Canonical(sources->file(config_file).text())});
  for (size_t i = 0; i < rule_files.size(); ++i) {
    p->sources.push_back({rule_names[i], Canonical(sources->file(rule_files[i]).text())});
  }
  for (size_t i = 0; i < pack.dictionaries.size(); ++i) {
    p->sources.push_back(
        {pack.dictionary_names[i], Canonical(sources->file(pack.dictionaries[i]).text())});
  }
  p->digest = internal::RuleSetDigest(p->sources);
  RuleSet rules = internal::RuleSetAccess::Make(std::move(p));
  if (!RunExamples(rules, *sources, diagnostics)) {
    return Status::InvalidArgument(diagnostics->Summary());
  }
  return rules;
}

}  // namespace

RuleSet::RuleSet(std::shared_ptr<const internal::Program> program) : program_(std::move(program)) {}

const std::string& RuleSet::digest() const { return program_->digest; }
size_t RuleSet::rule_count() const { return program_->rules.size(); }
std::vector<std::string> RuleSet::rule_names() const {
  std::vector<std::string> names;
  names.reserve(program_->rules.size());
  for (const auto& rule : program_->rules) names.push_back(rule.name);
  return names;
}
std::vector<std::string> RuleSet::category_names() const { return program_->categories; }
const EngineConfig& RuleSet::config() const { return program_->config; }
const std::vector<RuleSetSource>& RuleSet::sources() const { return program_->sources; }

namespace {

// Returns true if the file at `path` may be read: it is absent (Load reports that), or a regular
// file of at most `max_bytes`. Else reports why not, as not-a-file or file-too-large at
// (file, span), so that a FIFO is never opened and a huge file never read.
bool MayRead(const std::string& path, size_t max_bytes, const std::string& what, FileId file,
             SourceSpan span, Diagnostics* diagnostics) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status) || fs::is_directory(status)) return true;
  if (!fs::is_regular_file(status)) {
    diagnostics->Error("not-a-file", "cannot read " + what + ": not a regular file", file, span);
    return false;
  }
  const uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > max_bytes) {
    diagnostics->Error("file-too-large",
                       "cannot read " + what + ": " + std::to_string(size) +
                           " bytes is over the limit of " + std::to_string(max_bytes),
                       file, span);
    return false;
  }
  return true;
}

}  // namespace

Result<RuleSet> LoadRuleSet(SourceManager* sources, const std::string& config_path,
                            const LoadOptions& options, Diagnostics* diagnostics) {
  if (!sources->Find(config_path).valid() &&
      !MayRead(config_path, kMaxConfigBytes, "config '" + config_path + "'", {}, {},
               diagnostics)) {
    return Status::InvalidArgument(diagnostics->Summary());
  }
  auto config_file = sources->Load(config_path, kMaxConfigBytes);
  if (!config_file.ok()) {
    diagnostics->Error("config-not-found",
                       "cannot read config '" + config_path + "': " + config_file.status().message());
    return config_file.status();
  }
  auto config = LoadConfig(*sources, *config_file, diagnostics);
  if (!config.ok()) return config.status();
  const std::filesystem::path dir = std::filesystem::path(config_path).parent_path();
  PackFiles pack;
  bool missing = false;
  for (size_t i = 0; i < config->rule_files.size(); ++i) {
    const std::string& name = config->rule_files[i];
    const std::string path = (dir / name).lexically_normal().string();
    const SourceSpan name_span =
        i < config->rule_file_spans.size() ? config->rule_file_spans[i] : SourceSpan{};
    if (!sources->Find(path).valid() &&
        !MayRead(path, config->max_rule_file_bytes, "rule file '" + name + "'", *config_file,
                 name_span, diagnostics)) {
      missing = true;
      continue;
    }
    auto file = sources->Load(path, config->max_rule_file_bytes);
    if (!file.ok()) {
      const SourceSpan span =
          i < config->rule_file_spans.size() ? config->rule_file_spans[i] : SourceSpan{};
      diagnostics->Error("rule-file-not-found",
                         "cannot read rule file '" + name + "': " + file.status().message(),
                         *config_file, span);
      missing = true;
      continue;
    }
    pack.rules.push_back(*file);
    pack.rule_names.push_back(name);
  }
  const AnalysisConfig& analysis = config->analysis;
  for (size_t i = 0; i < analysis.dictionaries.size(); ++i) {
    const std::string& name = analysis.dictionaries[i];
    auto file = sources->Load((dir / name).lexically_normal().string());
    if (!file.ok()) {
      const SourceSpan span =
          i < analysis.dictionary_spans.size() ? analysis.dictionary_spans[i] : analysis.span;
      diagnostics->Error("dictionary-not-found",
                         "cannot read analysis dictionary '" + name + "': " +
                             file.status().message(),
                         *config_file, span);
      missing = true;
      continue;
    }
    pack.dictionaries.push_back(*file);
    pack.dictionary_names.push_back(name);
  }
  if (missing) return Status::InvalidArgument(diagnostics->Summary());
  const std::string config_name = std::filesystem::path(config_path).filename().string();
  return Build(sources, *config, *config_file, config_name, pack, options, diagnostics);
}

Result<RuleSet> CompileRuleSet(SourceManager* sources, const std::string& config_yaml,
                               const std::vector<NamedText>& rule_files,
                               const LoadOptions& options, Diagnostics* diagnostics) {
  const FileId config_file = sources->AddFile("triage.yaml", config_yaml);
  auto config = LoadConfig(*sources, config_file, diagnostics);
  if (!config.ok()) return config.status();
  PackFiles pack;
  for (const NamedText& rule_file : rule_files) {
    pack.Add(sources->AddFile(rule_file.name, rule_file.text), rule_file.name, *config);
  }
  return Build(sources, *config, config_file, "triage.yaml", pack, options, diagnostics);
}

Result<RuleSet> CompileArchivedRuleSet(SourceManager* sources,
                                       const std::vector<RuleSetSource>& archived,
                                       const LoadOptions& options, Diagnostics* diagnostics) {
  if (archived.empty()) {
    diagnostics->Error("empty-archive", "an archived ruleset needs at least its config");
    return Status::InvalidArgument("empty archive");
  }
  const FileId config_file = sources->AddFile(archived[0].name, archived[0].text);
  auto config = LoadConfig(*sources, config_file, diagnostics);
  if (!config.ok()) return config.status();
  PackFiles pack;
  for (size_t i = 1; i < archived.size(); ++i) {
    pack.Add(sources->AddFile(archived[i].name, archived[i].text), archived[i].name, *config);
  }
  return Build(sources, *config, config_file, archived[0].name, pack, options, diagnostics);
}

}  // namespace triage
