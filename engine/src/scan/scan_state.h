// SPDX-License-Identifier: Apache-2.0
// ScanState: the per-thread scratch of a Scanner (scanner.h) — the parsed record's field values,
// the atom bits, the fired rules, the word state — and the scan itself (scanner.cc holds the
// implementation and its essay). Declared here, apart from the Scanner that owns one, so that the
// conversation scanner (conversation/conversation_scanner.cc) can own one too and evaluate a
// loaded record a second time over a conversation's text. Not thread-safe.
#ifndef TRIAGE_SCAN_SCAN_STATE_H_
#define TRIAGE_SCAN_SCAN_STATE_H_

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "triage/decision.h"
#include "triage/decision_policy.h"
#include "triage/explain.h"
#include "triage/record.h"
#include "triage/scanner.h"
#include "triage/status.h"

#include "compile/program.h"
#include "scan/word_state.h"
#include "util/ascii.h"

namespace triage::internal {

struct FieldValues {
  std::vector<std::string_view> texts;
  std::vector<double> numbers;
  std::vector<char> bools;
  size_t present = 0;  // any non-null value (for exists)
  // Per text value: is it all ASCII (-1 not known yet). Matching and count(...) both ask; the
  // bytes are read once, on the first question.
  std::vector<int8_t> ascii;

  bool IsAsciiText(size_t v) {
    if (ascii.size() < texts.size()) ascii.resize(texts.size(), -1);
    if (ascii[v] < 0) ascii[v] = IsAscii(texts[v]) ? 1 : 0;
    return ascii[v] == 1;
  }

  void Clear() {
    texts.clear();
    ascii.clear();
    numbers.clear();
    bools.clear();
    present = 0;
  }
};

class ScanState {
 public:
  explicit ScanState(const Program& program)
      : values_(program.fields.size()),
        atom_bits_(program.atoms.size(), 0),
        pending_values_(program.atoms.size(), 0),
        fired_(program.rules.size(), 0),
        disabled_(program.rules.size(), 0),
        category_scores_(program.categories.size(), 0),
        category_touched_(program.categories.size(), 0),
        words_(program) {
    for (const SpanNode& node : program.spans) {
      if (node.op == SpanOp::kRegex && node.a >= 0) span_atoms_.push_back(node.a);
    }
    BuildCode(program);
  }

  Status ScanJson(const Program& program, std::string_view json, const ScanOptions& options,
                  Decision* decision);
  Status ScanRecord(const Program& program, const Record& record, const ScanOptions& options,
                    Decision* decision);
  Status Explain(const Program& program, std::string_view json, const ScanOptions& options,
                 Explanation* explanation);
  Status ExplainRecord(const Program& program, const Record& record, const ScanOptions& options,
                       Explanation* explanation);
  void set_collect_stats(const Program& program, bool on);
  const ScanStats& stats() const { return stats_; }
  // What the fired rules of the last evaluation contributed (decision_policy.h).
  const RuleTally& tally() const { return tally_; }

  // The two halves of ScanJson (without disabled rules), for the conversation scanner, which
  // evaluates one loaded record twice: once as it is, once with its text replaced by the
  // conversation's. LoadJson parses the record and extracts its fields (counted in the stats as
  // a record); *decision is reset and gets the record's id.
  Status LoadJson(const Program& program, std::string_view json, Decision* decision);
  // Evaluates the rules over the loaded values into *decision (which REQUIRES to be fresh but
  // for its id). `count_hits`: add the fired rules to the per-rule hit counts (a second
  // evaluation of the same record does not).
  void EvaluateLoaded(const Program& program, Decision* decision, bool count_hits);
  // The values of field `field` (an index into Program::fields) of the loaded record.
  const std::vector<std::string_view>& Texts(int field) const { return values_[field].texts; }
  const std::vector<double>& Numbers(int field) const { return values_[field].numbers; }
  // Replaces the text values of field `field` with the one value `text`, which must stay alive
  // until the next load.
  void ReplaceTexts(int field, std::string_view text) {
    FieldValues& values = values_[field];
    values.texts.assign(1, text);
    values.ascii.clear();
    lines_field_ = -1;
  }
  // The same, `text` being lines joined with '\n' whose analyses `lines` gives
  // (Analyzer::AnalyzeLines): the evaluations until the next load put the text's analysis
  // together from them. `lines` and the analyses it points to must stay alive as long.
  void ReplaceTexts(int field, std::string_view text, const std::vector<Analyzer::Line>* lines) {
    ReplaceTexts(field, text);
    lines_field_ = field;
    lines_ = lines;
  }
  // The analysis of text value `v` of field `field` in the latest evaluation, or nullptr when
  // the field is not read as words or has no such value.
  const AnalyzedText* Analyzed(const Program& program, int field, size_t v) const {
    const int word_field = program.word_field_of[field];
    return word_field < 0 ? nullptr : words_.Analyzed(word_field, v);
  }
  // Takes back the hits of `decision`, which is left without any: for a decision the caller is
  // about to drop or overwrite, so that later evaluations rewrite them in place (EvaluateRule)
  // rather than allocate their strings again.
  void RecycleHits(Decision* decision);
  // LoadJson without counting the record in the stats (a look at a record that will be scanned
  // later).
  Status Load(const Program& program, std::string_view json, Decision* decision);

 private:
  void SetDisabled(const Program& program, const ScanOptions& options);
  // Loads an already-parsed record's values (the Record form of Load).
  Status LoadRecord(const Program& program, const Record& record, Decision* decision);
  // Evaluates the loaded record with every rule traced into *explanation (its decision fresh but
  // for the id).
  void ExplainLoaded(const Program& program, const ScanOptions& options, Explanation* explanation);
  ConditionTrace Trace(const Program& program, int node);
  void CollectSpans(const Program& program, int node, std::vector<MatchSpan>* spans);
  // Resets *decision to a fresh Decision, keeping its hits in spare_hits_ and its hit list's
  // capacity.
  void RecycleDecision(Decision* decision);
  void ClearValues() {
    for (FieldValues& v : values_) v.Clear();
    lines_field_ = -1;
    id_.clear();
    has_id_ = false;
  }
  Status Extract(const Program& program, const simdjson::dom::element& root);
  Status ExtractPath(const Field& field, int field_index, const std::string& path_text,
                     const std::vector<PathStep>& steps, size_t step,
                     simdjson::dom::element element);
  Status AddJsonLeaf(const Field& field, int field_index, const std::string& path_text,
                     simdjson::dom::element element);
  void Evaluate(const Program& program, Decision* decision, bool count_hits = true);
  // Evaluates rule `r` (an evaluation index) after its gate; when it fires, records it, wakes the
  // rules gated on it and, unless it is private, adds it to the tally and *decision.
  void EvaluateRule(const Program& program, size_t r, Decision* decision);
  // Sets woken_ to the rules the record's atoms and term mentions wake (RuleWakers, program.h).
  void WakeRules(const Program& program);
  void Wake(std::pair<const int*, const int*> rules) {
    for (const int* r = rules.first; r != rules.second; ++r) {
      woken_[static_cast<size_t>(*r) / 64] |= uint64_t{1} << (static_cast<size_t>(*r) % 64);
    }
  }
  // True when one of the alternatives of `gate`'s any-of condition holds.
  bool AnyGateHolds(const Program& program, const RuleGate& gate);
  // True when field `field` has a value of the kind `values` (GateTerm::Values): what a field
  // test of that kind reads (exists: `present`).
  bool HasValues(int field, GateTerm::Values values) const {
    const FieldValues& v = values_[static_cast<size_t>(field)];
    switch (values) {
      case GateTerm::Values::kAny:
        return v.present != 0;
      case GateTerm::Values::kTexts:
        return !v.texts.empty();
      case GateTerm::Values::kNumbers:
        return !v.numbers.empty();
      case GateTerm::Values::kBools:
        return !v.bools.empty();
    }
    return true;
  }
  // Matches text value `v` of the matcher's field; returns the number of sets that failed on it.
  size_t MatchValue(const Program& program, const FieldMatcher& matcher, size_t v);
  void MarkEntry(const Program& program, int entry, FieldValues* values, size_t v,
                 re2::StringPiece text);
  void MatchAlone(const Program& program, int atom, re2::StringPiece text) {
    if (atom_bits_[atom] != kAtomFound && RE2::PartialMatch(text, program.atoms[atom].Regex())) {
      atom_bits_[atom] = kAtomFound;
    }
  }
  // A hard regex the prefilter passed on value `v`: run on first need (AtomHolds), not now.
  void Defer(const Program& program, int atom, size_t v, re2::StringPiece text) {
    if (atom_bits_[atom] == kAtomFound) return;
    if (v >= 64) {  // the pending set is a 64-bit mask: later values run now
      MatchAlone(program, atom, text);
      return;
    }
    if (atom_bits_[atom] == kAtomAbsent) {
      atom_bits_[atom] = kAtomPending;
      pending_values_[atom] = 0;
    }
    pending_values_[atom] |= uint64_t{1} << v;
  }
  // Whether atom `atom` occurs in the current record, running a deferred regex if needed.
  bool AtomHolds(const Program& program, int atom) {
    if (atom_bits_[atom] == kAtomPending) Resolve(program, atom);
    return atom_bits_[atom] == kAtomFound;
  }
  void Resolve(const Program& program, int atom);
  // Fills code_, code_children_ and rule_root_ from the program (once, at construction).
  void BuildCode(const Program& program);
  bool Eval(const Program& program, int node);
  // Eval of a child node, with a rule reference (four in ten of the nodes the default pack
  // visits) answered here rather than through a call.
  bool EvalChild(const Program& program, int node) {
    const ExprCode& code = code_[node];
    if (code.op == NodeOp::kRuleRef) return code.a >= 0 && fired_[code.a] != 0;
    return Eval(program, node);
  }
  size_t CountMatches(const Program& program, int atom);

  std::vector<FieldValues> values_;
  // The expression nodes as Eval reads them, 16 bytes each: an ExprNode is ten times that, with
  // its op, operand and children on different cache lines, and a record visits hundreds of them
  // (the default pack: ~600). The children of node i are code_children_[first_child,
  // first_child + children); the texts and number lists of `in` and the comparisons of text and
  // booleans are read from the ExprNode itself.
  struct ExprCode {
    int32_t a = -1;
    uint32_t first_child = 0;
    uint32_t children = 0;
    NodeOp op = NodeOp::kAnd;
    Cmp cmp = Cmp::kEq;
  };
  std::vector<ExprCode> code_;
  std::vector<double> code_number_;  // by node: ExprNode::number (counts and comparisons)
  std::vector<int> code_children_;
  // By rule (evaluation index): its root expression node, or -1 when it is disabled in the
  // ruleset or has none (CompiledRule is large; the loop over the woken rules reads only this).
  std::vector<int> rule_root_;
  // By atom: kAtomAbsent, kAtomFound, or kAtomPending (a hard regex the prefilter passed, not run
  // yet: on the values of pending_values_[atom]). The word state reads only the atoms of
  // span_atoms_, which are resolved before it runs.
  static constexpr uint8_t kAtomAbsent = 0;
  static constexpr uint8_t kAtomFound = 1;
  static constexpr uint8_t kAtomPending = 2;
  std::vector<uint8_t> atom_bits_;
  std::vector<uint64_t> pending_values_;
  std::vector<uint64_t> woken_;  // a bit per rule: the rules to evaluate (WakeRules)
  std::vector<int> span_atoms_;  // atoms read by word-level expressions (SpanOp::kRegex)
  std::vector<uint8_t> fired_;
  std::vector<uint8_t> disabled_;
  bool any_disabled_ = false;  // some entry of disabled_ is set
  std::vector<int> category_scores_;
  std::vector<uint8_t> category_touched_;
  RuleTally tally_;  // of the last evaluation
  // Hits of earlier decisions, kept for their strings' buffers: a load takes back the hits of
  // the decision it resets (RecycleDecision), EvaluateRule rewrites one in place for each rule
  // that fires, so that a record's hits cost no allocation once names this long have been seen.
  std::vector<RuleHit> spare_hits_;
  std::vector<int> set_hits_;
  std::vector<int> literal_hits_;  // prefilter literals found in the current value
  std::vector<int> potentials_;    // hard atoms (filter ids) that passed the prefilter
  std::string id_;
  bool has_id_ = false;
  simdjson::dom::parser parser_;
  simdjson::padded_string buffer_;
  std::deque<std::string> owned_texts_;  // id values read as text (stable addresses)
  WordState words_;
  // ReplaceTexts with lines: the field whose value is lines, and their analyses (-1: none).
  int lines_field_ = -1;
  const std::vector<Analyzer::Line>* lines_ = nullptr;
  int id_field_ = -1;
  bool collect_stats_ = false;
  ScanStats stats_;
};

}  // namespace triage::internal

#endif  // TRIAGE_SCAN_SCAN_STATE_H_
