// SPDX-License-Identifier: Apache-2.0
// `triage audit verify|show|export --audit FILE`: the auditor's view of an audit store written by
// `triage filter --audit` (docs/audit.md).
//
//   verify   walks the hash chain and checks every archived ruleset. stdout gets one verdict line:
//              ok: 1200 entries (15 without text), 2 rulesets, head <hash>
//            or, exit 1, broken: entry 17 (id r-17) [hash-mismatch]; each problem is detailed on
//            stderr. --anchor HASH (repeatable) also requires the chain to contain a head hash
//            recorded earlier, which catches a store cut short or rewritten wholesale.
//   show     prints one entry (by seq, or every entry of a record id) with its decision and
//            ruleset digest. The record text is printed only with --input: these are reports of
//            crimes against children, and screens are seen by more people than the reports are.
//   export   writes the selected entries as JSON Lines (AuditEntryToJson), or with --rulesets the
//            archived rulesets, one per line with their files.
//
// Stores are opened read-only: nothing here can change one.

#include "triage/audit.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "triage/status.h"

#include "audit_support.h"
#include "commands.h"
#include "report_status.h"

namespace triage::cli {
namespace {

struct AuditOptions {
  std::string path;
  // verify
  std::vector<std::string> anchors;
  // show
  std::string key;
  bool by_id = false;
  bool with_input = false;
  bool json = false;
  // export
  std::string since;
  std::string until;
  std::string ruleset;
  bool rulesets = false;
};

// Returns ` (id X)` for an entry with a record id, else "".
std::string IdSuffix(const std::optional<std::string>& id) {
  return id.has_value() ? " (id " + *id + ")" : "";
}

// Returns the exit code once stdout is flushed.
int FlushStdout() { return std::fflush(stdout) == 0 ? kExitOk : kExitErrors; }

int RunVerify(const AuditOptions& options) {
  Result<AuditStore> store = OpenAuditForReading(options.path);
  if (!store.ok()) return ReportFailure(store.status(), kExitErrors);
  AuditVerifyOptions verify_options;
  verify_options.anchors = options.anchors;
  AuditVerification report;
  const Status status = store->Verify(verify_options, &report);
  if (!status.ok()) {
    std::fprintf(stderr, "triage: error: %s\n", status.message().c_str());
    return kExitErrors;
  }
  if (report.ok()) {
    std::printf("ok: %llu entr%s (%llu without text), %llu ruleset%s, head %s\n",
                static_cast<unsigned long long>(report.entries), report.entries == 1 ? "y" : "ies",
                static_cast<unsigned long long>(report.digest_only),
                static_cast<unsigned long long>(report.rulesets), report.rulesets == 1 ? "" : "s",
                report.head.c_str());
    if (report.genesis != kAuditGenesis) {
      std::printf("chained from %s\n", report.genesis.c_str());
    }
    return FlushStdout();
  }
  const AuditVerification::Problem* first_entry = nullptr;
  for (const AuditVerification::Problem& problem : report.problems) {
    const std::string where = problem.seq == 0 ? ""
                                               : "entry " + std::to_string(problem.seq) +
                                                     IdSuffix(problem.record_id) + ": ";
    std::fprintf(stderr, "%s: error: %s%s [%s]\n", options.path.c_str(), where.c_str(),
                 problem.message.c_str(), problem.code.c_str());
    if (problem.seq != 0 && first_entry == nullptr) first_entry = &problem;
  }
  std::fprintf(stderr,
               "triage: audit store does not verify: %zu problem%s; %llu entries verified\n",
               report.problems.size(), report.problems.size() == 1 ? "" : "s",
               static_cast<unsigned long long>(report.entries));
  const AuditVerification::Problem& shown =
      first_entry != nullptr ? *first_entry : report.problems.front();
  if (shown.seq != 0) {
    std::printf("broken: entry %lld%s [%s]\n", static_cast<long long>(shown.seq),
                IdSuffix(shown.record_id).c_str(), shown.code.c_str());
  } else if (!shown.ruleset.empty()) {
    std::printf("broken: ruleset %s [%s]\n", shown.ruleset.c_str(), shown.code.c_str());
  } else {
    std::printf("broken: [%s]\n", shown.code.c_str());
  }
  std::fflush(stdout);
  return kExitErrors;
}

void PrintEntry(const AuditEntry& entry, bool with_input) {
  std::printf("seq        %lld\n", static_cast<long long>(entry.seq));
  std::printf("time       %s\n", entry.time.c_str());
  std::printf("line       %llu\n", static_cast<unsigned long long>(entry.line));
  std::printf("id         %s\n", entry.record_id.has_value() ? entry.record_id->c_str() : "-");
  std::string input = std::to_string(entry.input_bytes) + " bytes";
  if (entry.input_sha256.has_value()) input += ", sha256 " + *entry.input_sha256;
  if (!entry.input.has_value()) {
    input += entry.input_sha256.has_value() ? " (text not kept)" : " (not held: over the limit)";
  } else if (!with_input) {
    input += " (text kept; --input prints it)";
  }
  std::printf("input      %s\n", input.c_str());
  if (with_input && entry.input.has_value()) {
    std::fwrite(entry.input->data(), 1, entry.input->size(), stdout);
    std::fputc('\n', stdout);
  }
  std::printf("decision   %s\n", entry.decision.c_str());
  std::printf("ruleset    %s\n", entry.ruleset.c_str());
  std::printf("engine     %s\n", entry.engine.c_str());
  std::printf("prev_hash  %s\n", entry.prev_hash.c_str());
  std::printf("hash       %s\n", entry.hash.c_str());
}

int RunShow(const AuditOptions& options) {
  Result<AuditStore> store = OpenAuditForReading(options.path);
  if (!store.ok()) return ReportFailure(store.status(), kExitErrors);
  std::vector<AuditEntry> entries;
  const bool numeric = !options.key.empty() && options.key.size() <= 18 &&
                       options.key.find_first_not_of("0123456789") == std::string::npos;
  if (numeric && !options.by_id) {
    Result<AuditEntry> entry = store->Entry(std::strtoll(options.key.c_str(), nullptr, 10));
    if (!entry.ok()) {
      std::fprintf(stderr, "triage: error: %s\n", entry.status().message().c_str());
      return kExitErrors;
    }
    entries.push_back(std::move(entry).value());
  } else {
    AuditQuery query;
    query.record_id = options.key;
    const Status status = store->ForEach(query, [&](const AuditEntry& entry) {
      entries.push_back(entry);
      return Status::Ok();
    });
    if (!status.ok()) {
      std::fprintf(stderr, "triage: error: %s\n", status.message().c_str());
      return kExitErrors;
    }
    if (entries.empty()) {
      std::fprintf(stderr, "triage: error: no entry for record id '%s' in '%s'\n",
                   options.key.c_str(), options.path.c_str());
      return kExitErrors;
    }
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    if (options.json) {
      AuditEntry shown = entries[i];
      if (!options.with_input) shown.input.reset();
      std::printf("%s\n", AuditEntryToJson(shown).c_str());
      continue;
    }
    if (i > 0) std::printf("\n");
    PrintEntry(entries[i], options.with_input);
  }
  return FlushStdout();
}

int ExportRuleSets(AuditStore* store) {
  Result<std::vector<std::string>> digests = store->RuleSetDigests();
  if (!digests.ok()) {
    std::fprintf(stderr, "triage: error: %s\n", digests.status().message().c_str());
    return kExitErrors;
  }
  for (const std::string& digest : *digests) {
    Result<std::vector<RuleSetSource>> sources = store->ArchivedRuleSet(digest);
    if (!sources.ok()) {
      std::fprintf(stderr, "triage: error: %s\n", sources.status().message().c_str());
      return kExitErrors;
    }
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.StartObject();
    writer.Key("ruleset");
    writer.String(digest.c_str(), static_cast<rapidjson::SizeType>(digest.size()));
    writer.Key("files");
    writer.StartArray();
    for (const RuleSetSource& source : *sources) {
      writer.StartObject();
      writer.Key("name");
      writer.String(source.name.c_str(), static_cast<rapidjson::SizeType>(source.name.size()));
      writer.Key("text");
      writer.String(source.text.c_str(), static_cast<rapidjson::SizeType>(source.text.size()));
      writer.EndObject();
    }
    writer.EndArray();
    writer.EndObject();
    std::fwrite(buffer.GetString(), 1, buffer.GetSize(), stdout);
    std::fputc('\n', stdout);
  }
  return FlushStdout();
}

int RunExport(const AuditOptions& options) {
  AuditQuery query;
  const Status parsed = ParseAuditQuery(options.since, options.until, options.ruleset, &query);
  if (!parsed.ok()) return ReportFailure(parsed, kExitUsage);
  Result<AuditStore> store = OpenAuditForReading(options.path);
  if (!store.ok()) return ReportFailure(store.status(), kExitErrors);
  if (options.rulesets) return ExportRuleSets(&*store);
  const Status status = store->ForEach(query, [](const AuditEntry& entry) {
    const std::string line = AuditEntryToJson(entry);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
    return Status::Ok();
  });
  if (!status.ok()) {
    std::fprintf(stderr, "triage: error: %s\n", status.message().c_str());
    return kExitErrors;
  }
  return FlushStdout();
}

CLI::Option* AddStoreOption(CLI::App* app, AuditOptions* options) {
  return app->add_option("--audit", options->path, "The audit store (written by filter --audit)")
      ->required();
}

}  // namespace

Command AddAuditCommand(CLI::App* parent) {
  auto options = std::make_shared<AuditOptions>();
  CLI::App* app = parent->add_subcommand(
      "audit", "Inspect an audit store: verify its hash chain, show an entry, export it");
  app->require_subcommand(1);

  CLI::App* verify = app->add_subcommand(
      "verify",
      "Walk the hash chain and check every archived ruleset; print the entry count and head "
      "hash, or the first broken entry (exit 1)");
  AddStoreOption(verify, options.get());
  verify->add_option("--anchor", options->anchors,
                     "A head hash recorded earlier that the chain must still contain "
                     "(repeatable)")
      ->check(ChainHashValidator());

  CLI::App* show = app->add_subcommand(
      "show", "Print one entry (by sequence number) or every entry of a record id");
  AddStoreOption(show, options.get());
  show->add_option("entry", options->key, "A sequence number, or a record id")->required();
  show->add_flag("--id", options->by_id, "Read ENTRY as a record id even if it is a number");
  show->add_flag("--input", options->with_input, "Also print the record's text, if kept");
  show->add_flag("--json", options->json, "Print each entry as one JSON line");

  CLI::App* exporter = app->add_subcommand(
      "export", "Write the entries (or, with --rulesets, the archived rulesets) as JSON Lines");
  AddStoreOption(exporter, options.get());
  exporter->add_option("--since", options->since, "Only entries at or after this UTC time");
  exporter->add_option("--until", options->until, "Only entries before this UTC time");
  exporter->add_option("--ruleset", options->ruleset, "Only entries decided by this ruleset");
  exporter->add_flag("--rulesets", options->rulesets,
                     "Write the archived rulesets with their files instead of the entries");

  return Command{app, [options, verify, show] {
                   if (verify->parsed()) return RunVerify(*options);
                   if (show->parsed()) return RunShow(*options);
                   return RunExport(*options);
                 }};
}

}  // namespace triage::cli
