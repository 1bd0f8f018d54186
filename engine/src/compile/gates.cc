// SPDX-License-Identifier: Apache-2.0
// The gates pass (compile/gates.h): for each rule, a walk of its condition looking for what it
// cannot hold without.
#include "compile/gates.h"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace triage::internal {
namespace {

class GateFinder {
 public:
  explicit GateFinder(const Program& program) : program_(program) {}

  // A condition a word-level node cannot hold without: a term atom or an atom.
  bool SpanGate(int span, RuleGate* gate) const {
    const SpanNode& node = program_.spans[span];
    switch (node.op) {
      case SpanOp::kTerms:
        gate->term_atom = node.a;
        return true;
      case SpanOp::kRegex:
        if (node.a < 0) return false;
        gate->atom = node.a;
        return true;
      case SpanOp::kNear:
      case SpanOp::kOrdered:
      case SpanOp::kSentence:
        for (int child : node.children) {
          if (SpanGate(child, gate)) return true;
        }
        return false;
      case SpanOp::kFilter:
        return SpanGate(node.children[0], gate);
      default:
        return false;
    }
  }
  // Whether word-level node `span` cannot hold unless one of the conditions it appends to *any
  // holds (each a term atom or an atom): a terms list or a regex, any(...) of them, or a part of
  // near/ordered/sentence or of a filter that can. Returns false when some mention could come
  // from elsewhere (number(...)).
  bool SpanAnyOf(int span, std::vector<GateTerm>* any) const {
    const SpanNode& node = program_.spans[span];
    switch (node.op) {
      case SpanOp::kTerms:
        any->push_back({-1, node.a});
        return true;
      case SpanOp::kRegex:
        if (node.a < 0) return false;
        any->push_back({node.a, -1});
        return true;
      case SpanOp::kUnion:
        for (int child : node.children) {
          if (!SpanAnyOf(child, any)) return false;
        }
        return true;
      case SpanOp::kNear:
      case SpanOp::kOrdered:
      case SpanOp::kSentence:
        for (int child : node.children) {  // every part is needed: one part's conditions do
          std::vector<GateTerm> part;
          if (SpanAnyOf(child, &part)) {
            any->insert(any->end(), part.begin(), part.end());
            return true;
          }
        }
        return false;
      case SpanOp::kFilter:
        return SpanAnyOf(node.children[0], any);
      default:
        return false;
    }
  }

  // Finds a necessary condition of node `index` for a RuleGate: a match or a count that 0 does
  // not satisfy, a rule reference, or one of these in a child of `and`. Prefers an atom (more
  // selective than a rule in practice). Returns true if it found one. Failing that, the first
  // disjunction met (`any(a, b)`, `x or y` of matches) that the node cannot hold without goes to
  // *any, if *any is still empty.
  bool SetGate(int index, RuleGate* gate, std::vector<GateTerm>* any) const {
    const ExprNode& node = program_.nodes[index];
    switch (node.op) {
      case NodeOp::kMatch:
        if (node.a < 0) return false;
        gate->atom = node.a;
        return true;
      case NodeOp::kCount: {
        if (node.a < 0 || ZeroPasses(node)) return false;
        gate->atom = node.a;
        return true;
      }
      case NodeOp::kWords:
        if (node.a < 0) return false;
        if (SpanGate(node.a, gate)) return true;
        AnyOf(index, any);
        return false;
      case NodeOp::kWordsCount:
        if (node.a < 0 || ZeroPasses(node)) return false;
        if (SpanGate(node.a, gate)) return true;
        AnyOf(index, any);
        return false;
      case NodeOp::kRuleRef:
        if (node.a < 0 || gate->rule >= 0) return false;
        gate->rule = node.a;
        return false;  // keep looking for an atom
      case NodeOp::kAnd:
        for (int child : node.children) {
          if (SetGate(child, gate, any)) return true;
        }
        return false;
      case NodeOp::kOr:
        AnyOf(index, any);
        return false;
      default:
        return false;
    }
  }

  // True when a count of 0 satisfies the comparison of count node `node`.
  static bool ZeroPasses(const ExprNode& node) {
    switch (node.cmp) {
      case Cmp::kEq:
        return node.number == 0;
      case Cmp::kNe:
        return node.number != 0;
      case Cmp::kLt:
        return 0 < node.number;
      case Cmp::kLe:
        return 0 <= node.number;
      case Cmp::kGt:
        return 0 > node.number;
      case Cmp::kGe:
        return 0 >= node.number;
    }
    return true;
  }

  // Sets *any to the alternatives node `index` cannot hold without, when *any is empty and there
  // are such alternatives (see SetGate).
  void AnyOf(int index, std::vector<GateTerm>* any) const {
    if (!any->empty()) return;
    std::vector<GateTerm> found;
    if (Alternatives(index, &found)) *any = std::move(found);
  }

  // Whether node `index` cannot hold unless one of the conditions it appends to *any holds:
  // CollectAnyOf's matches and word-level tests, and also a rule reference (that rule fired), an
  // `and` (the alternatives of one of its children: the first that has any without a rule
  // reference, else the first), and N of (...) with N >= 1 (each child's). For a rule whose
  // condition is an `or` of such alternatives, where SetGate finds no single condition.
  bool Alternatives(int index, std::vector<GateTerm>* any) const {
    const ExprNode& node = program_.nodes[index];
    const auto field = [&](GateTerm::Values values) {
      if (node.a < 0) return false;
      GateTerm term;
      term.field = node.a;
      term.values = values;
      any->push_back(term);
      return true;
    };
    switch (node.op) {
      case NodeOp::kRuleRef:
        if (node.a < 0) return false;
        any->push_back({-1, -1, node.a});
        return true;
      // A field test holds only on a value of the field (exists: any value).
      case NodeOp::kExists:
        return field(GateTerm::Values::kAny);
      case NodeOp::kCompareText:
      case NodeOp::kInTexts:
        return field(GateTerm::Values::kTexts);
      case NodeOp::kCompareNumber:
      case NodeOp::kInNumbers:
        return field(GateTerm::Values::kNumbers);
      case NodeOp::kCompareBool:
        return field(GateTerm::Values::kBools);
      case NodeOp::kOr:
        for (int child : node.children) {
          if (!Alternatives(child, any)) return false;
        }
        return true;
      case NodeOp::kCountOf:
        if (!(node.number >= 1)) return false;  // zero children holding may satisfy it
        for (int child : node.children) {
          if (!Alternatives(child, any)) return false;
        }
        return true;
      case NodeOp::kAnd: {
        // The child whose conditions are rarest in practice: matches and terms lists, else
        // field values, else rules (building blocks fire on many records); the first among equals.
        std::vector<GateTerm> chosen;
        int chosen_rank = 3;
        for (int child : node.children) {
          std::vector<GateTerm> part;
          if (!Alternatives(child, &part)) continue;
          int rank = 0;
          for (const GateTerm& t : part) {
            rank = std::max(rank, t.rule >= 0 ? 2 : t.field >= 0 ? 1 : 0);
          }
          if (rank < chosen_rank) {
            chosen = std::move(part);
            chosen_rank = rank;
            if (rank == 0) break;
          }
        }
        if (chosen_rank == 3) return false;
        any->insert(any->end(), chosen.begin(), chosen.end());
        return true;
      }
      default:
        return CollectAnyOf(index, any);
    }
  }

  bool CollectAnyOf(int index, std::vector<GateTerm>* any) const {
    const ExprNode& node = program_.nodes[index];
    switch (node.op) {
      case NodeOp::kMatch:
        if (node.a < 0) return false;
        any->push_back({node.a, -1});
        return true;
      case NodeOp::kCount:
        if (node.a < 0 || ZeroPasses(node)) return false;
        any->push_back({node.a, -1});
        return true;
      case NodeOp::kWords:
        return node.a >= 0 && SpanAnyOf(node.a, any);
      case NodeOp::kWordsCount:
        return node.a >= 0 && !ZeroPasses(node) && SpanAnyOf(node.a, any);
      case NodeOp::kOr:
        for (int child : node.children) {
          if (!CollectAnyOf(child, any)) return false;
        }
        return true;
      default:
        return false;
    }
  }

 private:
  const Program& program_;
};

// Fills *index from (key, rule) pairs, rules ascending within a key.
void FillIndex(size_t keys, std::vector<std::pair<int, int>> pairs, RuleIndex* index) {
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  // Every key a gate names has a row (hand-built programs may name atoms they do not hold).
  if (!pairs.empty()) keys = std::max(keys, static_cast<size_t>(pairs.back().first) + 1);
  index->begin.assign(keys + 1, 0);
  index->rules.clear();
  index->rules.reserve(pairs.size());
  for (const auto& [key, rule] : pairs) ++index->begin[static_cast<size_t>(key) + 1];
  for (size_t k = 0; k < keys; ++k) index->begin[k + 1] += index->begin[k];
  for (const auto& pair : pairs) index->rules.push_back(pair.second);
}

// RuleWakers (program.h) from the gates.
void BuildWakers(Program* program) {
  RuleWakers& wakers = program->wakers;
  const size_t rules = program->rules.size();
  wakers.always.assign((rules + 63) / 64, 0);
  std::vector<std::pair<int, int>> by_atom;
  std::vector<std::pair<int, int>> by_term_atom;
  std::vector<std::pair<int, int>> by_rule;
  std::vector<std::pair<int, int>> by_field;
  for (size_t r = 0; r < rules; ++r) {
    RuleGate& gate = program->gates[r];
    const int rule = static_cast<int>(r);
    const bool any = gate.any_begin != gate.any_end;
    // An any-of wakes its rule when every alternative can (a rule alternative comes first);
    // it is preferred to a rule the gate also names: a rule is woken less often by terms lists
    // and matches than by a building block that fires on most records.
    const bool any_wakes =
        any && std::all_of(program->gate_terms.begin() + gate.any_begin,
                           program->gate_terms.begin() + gate.any_end,
                           [rule](const GateTerm& term) { return term.rule < rule; });
    if (gate.atom >= 0) {
      by_atom.emplace_back(gate.atom, rule);
    } else if (gate.term_atom >= 0) {
      by_term_atom.emplace_back(gate.term_atom, rule);
      gate.woken_means_holds = gate.rule < 0 && !any;
    } else if (any_wakes) {
      gate.woken_means_holds = gate.rule < 0;
      for (int i = gate.any_begin; i < gate.any_end; ++i) {
        const GateTerm& term = program->gate_terms[i];
        if (term.atom >= 0) {
          by_atom.emplace_back(term.atom, rule);
          gate.woken_means_holds = false;
        } else if (term.term_atom >= 0) {
          by_term_atom.emplace_back(term.term_atom, rule);
        } else if (term.field >= 0) {
          // Woken by any value of the field; the gate tests the kind of value the test reads.
          by_field.emplace_back(term.field, rule);
          gate.woken_means_holds = false;
        } else {
          by_rule.emplace_back(term.rule, rule);
        }
      }
    } else if (gate.rule >= 0 && gate.rule < rule) {  // referenced rules come first (order.h)
      by_rule.emplace_back(gate.rule, rule);
      gate.woken_means_holds = !any;
    } else {
      wakers.always[r / 64] |= uint64_t{1} << (r % 64);
      gate.woken_means_holds = gate.rule < 0 && !any;
    }
  }
  FillIndex(program->atoms.size(), std::move(by_atom), &wakers.by_atom);
  FillIndex(program->term_atoms.size(), std::move(by_term_atom), &wakers.by_term_atom);
  FillIndex(rules, std::move(by_rule), &wakers.by_rule);
  FillIndex(program->fields.size(), std::move(by_field), &wakers.by_field);
}

}  // namespace

void BuildGates(Program* program) {
  const GateFinder finder(*program);
  program->gates.assign(program->rules.size(), RuleGate());
  program->gate_terms.clear();
  for (size_t r = 0; r < program->rules.size(); ++r) {
    if (program->rules[r].root < 0) continue;
    RuleGate& gate = program->gates[r];
    std::vector<GateTerm> any;
    if (finder.SetGate(program->rules[r].root, &gate, &any)) continue;
    // No single condition and no disjunction of matches: an `or` whose alternatives each need
    // a match or a rule.
    if (any.empty() && gate.rule < 0 && !finder.Alternatives(program->rules[r].root, &any)) {
      any.clear();
    }
    if (any.empty()) continue;
    gate.any_begin = static_cast<int>(program->gate_terms.size());
    program->gate_terms.insert(program->gate_terms.end(), any.begin(), any.end());
    gate.any_end = static_cast<int>(program->gate_terms.size());
  }
  BuildWakers(program);
}

}  // namespace triage::internal
