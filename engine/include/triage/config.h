// SPDX-License-Identifier: Apache-2.0
// EngineConfig: the YAML config (triage.yaml) as a plain value: which rule files to load, how
// logical fields map onto JSON paths in a record, the urgency bands, category assignment, per-rule
// overrides and limits. docs/config.md is the reference. Every element remembers its position in
// the YAML file so that later checks (an override naming a missing rule) can point at it.
#ifndef TRIAGE_CONFIG_H_
#define TRIAGE_CONFIG_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "triage/diagnostic.h"
#include "triage/export.h"
#include "triage/source.h"
#include "triage/status.h"

namespace triage {

// The type a logical field holds. kAuto: inferred from how the rules use the field.
enum class FieldType { kAuto, kText, kNumber, kBool };

// One logical field ("victim.age") and the JSON paths that feed it ("victims[*].age"). A path is
// dot-separated keys, each optionally followed by [*] (every element) or [N] (one element).
struct FieldMapping {
  std::string name;
  std::vector<std::string> paths;
  FieldType type = FieldType::kAuto;
  SourceSpan span;  // of the entry in the config
};

// An urgency band: scores at or above `min` (and below the previous band's) fall in it.
struct UrgencyBand {
  std::string name;
  int min = 0;
  std::string label;
};

// A per-rule adjustment made by analysts without touching rule logic.
struct RuleOverride {
  std::string rule;
  std::optional<bool> enabled;
  std::optional<int> urgency;  // replaces the rule's additive urgency
  std::optional<int> floor;    // replaces (or adds) the rule's urgency floor
  std::vector<std::pair<std::string, int>> categories;  // replaces these category scores
  SourceSpan span;
};

// Text analysis (`analysis:` in triage.yaml; docs/config.md): how text values become words and
// sentences for the word-level constructs of the rule language. Part of the ruleset's digest, and
// so are the dictionary files' contents. Without the section the defaults below apply.
struct AnalysisConfig {
  int version = 1;                       // analysis.version: the analysis behaviour's version
  bool fold_accents = true;              // analysis.fold.accents: "niña" and "nina" meet
  bool fold_confusables = true;          // analysis.fold.confusables: Cyrillic "а" reads as "a"
  bool line_breaks_end_sentences = true; // analysis.sentences.line_breaks
  // analysis.sentences.lowercase_after_stop: ". ", "! " or "? " before a lowercase letter also
  // ends a sentence (SMS writers rarely capitalise; UAX #29 keeps "e.g. this" together).
  bool lowercase_after_stop = false;
  // analysis.sentences.clause_breaks: a comma, semicolon, colon, bracket or dash between two words
  // ends a clause, and a context trigger's scope stops there ("no pay, she keeps my passport":
  // the passport is not negated). Sentences themselves are unchanged.
  bool clause_breaks = false;
  // analysis.stemmers: Snowball language names ("english", "spanish"), in order.
  std::vector<std::string> stem_languages;
  // analysis.dictionaries: lexical-normalisation files, relative to the config's directory.
  std::vector<std::string> dictionaries;
  std::vector<SourceSpan> dictionary_spans;
  SourceSpan span;  // of the section, invalid when absent
};

// The default of limits.max_nesting_depth, and the most it may be set to: every pass over a
// condition recurses once per level, and this bound keeps the deepest condition well within a
// thread's stack in every build, the sanitizers' included (docs/robustness.md has the measure).
inline constexpr uint32_t kDefaultMaxNestingDepth = 100;
inline constexpr uint32_t kMaxNestingDepth = 200;
// SMS conversations (`conversations:` in triage.yaml; docs/conversations.md): how messages of
// `kind: sms` are threaded, the carrier keywords, the replies to them and the memory bounds.
// Part of the ruleset's digest like the rest of the config. Without the section the defaults
// below apply.
struct ConversationConfig {
  // conversations.idle_timeout: a conversation closes when its next message comes this many
  // seconds or more after its last one (on the records' own received_at).
  int64_t idle_timeout_seconds = 900;
  // conversations.max_open: conversations whose messages are held (the least recently used
  // one loses them first).
  size_t max_open = 10000;
  // conversations.max_messages and max_text_bytes: the conversation text the rules read is the
  // last max_messages messages, at most max_text_bytes bytes of them.
  size_t max_messages = 20;
  size_t max_text_bytes = 8192;
  // conversations.max_remembered: conversation keys remembered after their messages were let go
  // (an opt-out, a lost context to report); 0 means 4 x max_open.
  size_t max_remembered = 0;
  // conversations.keywords: carrier keywords (a message that is only the word, any case,
  // trimmed). help: opens or continues a conversation; stop: ends it and opts the sender out;
  // start: opts an opted-out sender back in.
  std::vector<std::string> help_keywords = {"HELP", "INFO", "AYUDA"};
  std::vector<std::string> stop_keywords = {"STOP",   "END",    "CANCEL", "UNSUBSCRIBE",
                                            "QUIT",   "STOPALL", "OPTOUT", "REVOKE",
                                            "PARAR",  "ALTO",   "CANCELAR"};
  std::vector<std::string> start_keywords = {"START", "UNSTOP", "YES", "SI"};
  // conversations.replies: keyword (as written in a help or start list) -> the reply text.
  struct Reply {
    std::string keyword;
    std::string text;
  };
  std::vector<Reply> replies;
  SourceSpan span;  // of the section, invalid when absent

  // The effective max_remembered.
  size_t remembered_limit() const { return max_remembered != 0 ? max_remembered : 4 * max_open; }
};

// One entry of categories.fallback_by_band: the fallback category of a record decided in `band`
// (in place of categories.fallback).
struct BandFallback {
  std::string band;
  std::string category;
  SourceSpan band_span;      // of the key
  SourceSpan category_span;  // of the value
};

// One entry of categories.fallback_by_field's `values`: the fallback category of a record whose
// field holds `value` (in place of categories.fallback_by_band and categories.fallback).
struct FieldValueFallback {
  std::string value;  // as written in the config; a record's text value must equal it exactly
  std::string category;
  SourceSpan value_span;     // of the key
  SourceSpan category_span;  // of the value
};

// categories.fallback_by_field: the fallback of a record depends on the value of one of its
// logical fields (`channel`: a platform's machine report that no category claims is not a
// hotline contact). Absent when `field` is empty.
struct FallbackByField {
  std::string field;      // a logical field of the config (fields: or the default mapping)
  SourceSpan field_span;  // of the field name
  std::vector<FieldValueFallback> values;  // in the config's order, each value listed once
  SourceSpan span;                         // of the key `fallback_by_field`

  bool empty() const { return field.empty(); }
};

struct EngineConfig {
  FileId file;  // the YAML file, invalid for the built-in default
  std::vector<std::string> rule_files;  // as written, relative to the config's directory
  std::vector<SourceSpan> rule_file_spans;
  // Explicit field mappings; they add to, or replace by name, DefaultFieldMappings().
  std::vector<FieldMapping> fields;
  int urgency_max = 100;
  std::vector<UrgencyBand> bands;  // descending `min`, the last one 0
  SourceSpan bands_span;
  int assign_min = 30;
  int max_labels = 2;
  std::string fallback = "unclassified";
  SourceSpan fallback_span;
  // categories.fallback_by_band, in the config's order; each band a declared band name, listed
  // at most once. A record decided in a listed band gets its category as the fallback.
  std::vector<BandFallback> fallback_by_band;
  // categories.fallback_by_field: a record whose field holds a listed value (the first such value
  // in the record's order) gets that value's category as the fallback, whatever its band.
  FallbackByField fallback_by_field;
  std::vector<RuleOverride> overrides;
  size_t max_record_bytes = 1048576;
  // limits.max_rule_file_bytes: a larger rule file is refused before it is read (file-too-large).
  size_t max_rule_file_bytes = size_t{8} << 20;
  // limits.max_rules: the most rules a ruleset may declare (too-many-rules); each costs memory
  // (docs/robustness.md).
  size_t max_rules = 50000;
  // limits.max_nesting_depth: the most constructs a rule's condition may nest one inside another
  // (parentheses, `not`, `N of (...)`, word-level calls); one more is a too-deep error. At most
  // kMaxNestingDepth.
  uint32_t max_nesting_depth = kDefaultMaxNestingDepth;
  AnalysisConfig analysis;
  ConversationConfig conversations;
};

// The largest config LoadConfig accepts, in bytes (config-too-large); LoadRuleSet reads no
// larger one. Its YAML aliases may add at most 1,000,000 nodes to the ones written out
// (alias-expansion): docs/robustness.md.
inline constexpr size_t kMaxConfigBytes = size_t{8} << 20;
// The deepest a config's maps and lists may nest (too-deep): a config needs a handful of levels,
// and the YAML parser recurses once per level.
inline constexpr size_t kMaxConfigNesting = 64;

// The field mappings every config starts from (DESIGN.md's report and SMS shapes): id, kind,
// channel, text <- [summary, body], incident_type, victim.age <- victims[*].age, ...
TRIAGE_EXPORT std::vector<FieldMapping> DefaultFieldMappings();
// The bands P1 (80) P2 (50) P3 (20) P4 (0).
TRIAGE_EXPORT std::vector<UrgencyBand> DefaultBands();

// Parses the YAML file `file` of `sources` into a config. Unknown keys, wrong types, malformed
// field paths and nonsensical bands are errors with the offending node's line and column, all
// appended to *diagnostics (not null). A file over kMaxConfigBytes, whose aliases expand too far,
// or that nests deeper than kMaxConfigNesting is refused before it is read. Returns
// InvalidArgument iff errors were found.
TRIAGE_EXPORT Result<EngineConfig> LoadConfig(const SourceManager& sources, FileId file,
                                              Diagnostics* diagnostics);

}  // namespace triage

#endif  // TRIAGE_CONFIG_H_
