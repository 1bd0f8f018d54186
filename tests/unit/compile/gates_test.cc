// SPDX-License-Identifier: Apache-2.0
// The gates pass alone (compile/gates.h), on hand-built programs.
#include "compile/gates.h"

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "compile/program.h"

namespace triage::internal {
namespace {

// Appends a node; returns its index.
int Node(Program* program, NodeOp op, int a = -1, std::vector<int> children = {}) {
  ExprNode node;
  node.op = op;
  node.a = a;
  node.children = std::move(children);
  program->nodes.push_back(node);
  return static_cast<int>(program->nodes.size()) - 1;
}

void AddRule(Program* program, int root) {
  CompiledRule rule;
  rule.root = root;
  program->rules.push_back(rule);
}

TEST(GatesTest, AMatchInAChainOfAndGatesTheRulePreferredToARuleReference) {
  Program program;
  const int ref = Node(&program, NodeOp::kRuleRef, 0);
  const int match = Node(&program, NodeOp::kMatch, 7);
  AddRule(&program, Node(&program, NodeOp::kMatch, 3));
  AddRule(&program, Node(&program, NodeOp::kAnd, -1, {ref, match}));
  BuildGates(&program);
  ASSERT_EQ(program.gates.size(), 2u);
  EXPECT_EQ(program.gates[0].atom, 3);
  EXPECT_EQ(program.gates[1].atom, 7);
  EXPECT_EQ(program.gates[1].rule, 0);  // met first, kept as well
}

TEST(GatesTest, AnOrOfMatchesIsAnAnyOfGate) {
  Program program;
  const int a = Node(&program, NodeOp::kMatch, 1);
  const int b = Node(&program, NodeOp::kMatch, 2);
  AddRule(&program, Node(&program, NodeOp::kOr, -1, {a, b}));
  BuildGates(&program);
  const RuleGate& gate = program.gates[0];
  EXPECT_EQ(gate.atom, -1);
  ASSERT_EQ(gate.any_end - gate.any_begin, 2);
  EXPECT_EQ(program.gate_terms[gate.any_begin].atom, 1);
  EXPECT_EQ(program.gate_terms[gate.any_begin + 1].atom, 2);
}

TEST(GatesTest, NoGateWhereTheConditionCanHoldWithoutAMatch) {
  Program program;
  // count(text ~ x) < 2 holds on a record without x; so does not text ~ x; an or with a
  // negation may hold on the negation alone.
  const int count = Node(&program, NodeOp::kCount, 4);
  program.nodes[count].cmp = Cmp::kLt;
  program.nodes[count].number = 2;
  AddRule(&program, count);
  AddRule(&program, Node(&program, NodeOp::kNot, -1, {Node(&program, NodeOp::kMatch, 5)}));
  const int match = Node(&program, NodeOp::kMatch, 6);
  const int negation = Node(&program, NodeOp::kNot, -1, {Node(&program, NodeOp::kMatch, 7)});
  AddRule(&program, Node(&program, NodeOp::kOr, -1, {match, negation}));
  BuildGates(&program);
  for (const RuleGate& gate : program.gates) {
    EXPECT_EQ(gate.atom, -1);
    EXPECT_EQ(gate.rule, -1);
    EXPECT_EQ(gate.any_begin, gate.any_end);
  }
}

TEST(GatesTest, ACountThatZeroFailsGatesLikeAMatch) {
  Program program;
  const int count = Node(&program, NodeOp::kCount, 9);
  program.nodes[count].cmp = Cmp::kGe;
  program.nodes[count].number = 2;
  AddRule(&program, count);
  BuildGates(&program);
  EXPECT_EQ(program.gates[0].atom, 9);
}

// An `or` whose alternatives are not all matches still gates its rule when each alternative
// needs a match or a rule: a rule reference, an `and` (one of its children's conditions, a match
// preferred to a rule reference) or N of (...) with N >= 1. The rule is woken by each of them.
TEST(GatesTest, AnOrOfAlternativesThatEachNeedAMatchOrARuleIsAnAnyOfGate) {
  Program program;
  AddRule(&program, Node(&program, NodeOp::kMatch, 3));  // 0
  const int ref = Node(&program, NodeOp::kRuleRef, 0);
  const int ref_and_match =
      Node(&program, NodeOp::kAnd, -1,
           {Node(&program, NodeOp::kRuleRef, 0), Node(&program, NodeOp::kMatch, 5)});
  const int two_of = Node(&program, NodeOp::kCountOf, -1,
                          {Node(&program, NodeOp::kMatch, 6), Node(&program, NodeOp::kMatch, 7)});
  program.nodes[two_of].number = 2;
  AddRule(&program, Node(&program, NodeOp::kOr, -1, {ref, ref_and_match, two_of}));  // 1
  BuildGates(&program);
  const RuleGate& gate = program.gates[1];
  EXPECT_EQ(gate.atom, -1);
  EXPECT_EQ(gate.rule, -1);
  ASSERT_EQ(gate.any_end - gate.any_begin, 4);
  EXPECT_EQ(program.gate_terms[gate.any_begin].rule, 0);
  EXPECT_EQ(program.gate_terms[gate.any_begin + 1].atom, 5);  // not the rule reference
  EXPECT_EQ(program.gate_terms[gate.any_begin + 2].atom, 6);
  EXPECT_EQ(program.gate_terms[gate.any_begin + 3].atom, 7);
  const RuleWakers& wakers = program.wakers;
  EXPECT_EQ(wakers.always[0], uint64_t{0});
  for (const int atom : {5, 6, 7}) {
    const auto [begin, end] = wakers.by_atom.Of(static_cast<size_t>(atom));
    EXPECT_EQ(std::vector<int>(begin, end), std::vector<int>{1}) << atom;
  }
  const auto [begin, end] = wakers.by_rule.Of(0);
  EXPECT_EQ(std::vector<int>(begin, end), std::vector<int>{1});
}

// A rule reference beside a disjunction (`r and (x and y or z)`): the disjunction's
// alternatives wake the rule, not the rule it refers to (a building block that fires on most
// records), and both are tested when it is woken.
TEST(GatesTest, ADisjunctionBesideARuleReferenceWakesTheRule) {
  Program program;
  AddRule(&program, Node(&program, NodeOp::kMatch, 3));  // 0
  const int ref = Node(&program, NodeOp::kRuleRef, 0);
  const int x_and_y = Node(&program, NodeOp::kAnd, -1,
                           {Node(&program, NodeOp::kMatch, 5), Node(&program, NodeOp::kMatch, 6)});
  const int either = Node(&program, NodeOp::kOr, -1, {x_and_y, Node(&program, NodeOp::kMatch, 7)});
  AddRule(&program, Node(&program, NodeOp::kAnd, -1, {ref, either}));  // 1
  BuildGates(&program);
  const RuleGate& gate = program.gates[1];
  EXPECT_EQ(gate.rule, 0);
  ASSERT_EQ(gate.any_end - gate.any_begin, 2);
  EXPECT_EQ(program.gate_terms[gate.any_begin].atom, 5);
  EXPECT_EQ(program.gate_terms[gate.any_begin + 1].atom, 7);
  EXPECT_FALSE(gate.woken_means_holds);
  const RuleWakers& wakers = program.wakers;
  for (const int atom : {5, 7}) {
    const auto [begin, end] = wakers.by_atom.Of(static_cast<size_t>(atom));
    EXPECT_EQ(std::vector<int>(begin, end), std::vector<int>{1}) << atom;
  }
  const auto [begin, end] = wakers.by_rule.Of(0);
  EXPECT_EQ(begin, end);
}

// A field test holds only on a value of its field: an `or` of field tests and matches is an
// any-of gate whose field alternatives wake the rule by the field (and test the kind of value
// the test reads); in an `and`, a match or a terms list is preferred to a field, and a field to
// a rule reference.
TEST(GatesTest, FieldTestsGateByTheirFieldHavingAValue) {
  Program program;
  program.fields.resize(4);
  AddRule(&program, Node(&program, NodeOp::kMatch, 3));  // 0
  const int exists = Node(&program, NodeOp::kExists, 1);
  const int text = Node(&program, NodeOp::kCompareText, 2);
  const int age = Node(&program, NodeOp::kCompareNumber, 3);
  AddRule(&program,
          Node(&program, NodeOp::kOr, -1, {exists, text, Node(&program, NodeOp::kMatch, 5)}));  // 1
  const int ref = Node(&program, NodeOp::kRuleRef, 0);
  AddRule(&program,
          Node(&program, NodeOp::kOr, -1,
               {Node(&program, NodeOp::kAnd, -1, {ref, age}),
                Node(&program, NodeOp::kAnd, -1, {age, Node(&program, NodeOp::kMatch, 6)})}));  // 2
  BuildGates(&program);
  const RuleGate& one = program.gates[1];
  ASSERT_EQ(one.any_end - one.any_begin, 3);
  EXPECT_EQ(program.gate_terms[one.any_begin].field, 1);
  EXPECT_EQ(program.gate_terms[one.any_begin].values, GateTerm::Values::kAny);
  EXPECT_EQ(program.gate_terms[one.any_begin + 1].field, 2);
  EXPECT_EQ(program.gate_terms[one.any_begin + 1].values, GateTerm::Values::kTexts);
  EXPECT_EQ(program.gate_terms[one.any_begin + 2].atom, 5);
  EXPECT_FALSE(one.woken_means_holds);
  const RuleGate& two = program.gates[2];
  ASSERT_EQ(two.any_end - two.any_begin, 2);
  EXPECT_EQ(program.gate_terms[two.any_begin].field, 3);  // the field, not the rule
  EXPECT_EQ(program.gate_terms[two.any_begin].values, GateTerm::Values::kNumbers);
  EXPECT_EQ(program.gate_terms[two.any_begin + 1].atom, 6);  // the match, not the field
  const RuleWakers& wakers = program.wakers;
  EXPECT_EQ(wakers.always[0], uint64_t{0});
  const auto rules_of = [&wakers](size_t field) {
    const auto [begin, end] = wakers.by_field.Of(field);
    return std::vector<int>(begin, end);
  };
  EXPECT_EQ(rules_of(1), std::vector<int>{1});
  EXPECT_EQ(rules_of(2), std::vector<int>{1});
  EXPECT_EQ(rules_of(3), std::vector<int>{2});
}

// An alternative that can hold without a match, a rule or a field value (a negation, 0 of
// (...)) leaves the `or` without a gate.
TEST(GatesTest, AnOrWithAnAlternativeThatNeedsNothingIsNotGated) {
  Program program;
  AddRule(&program, Node(&program, NodeOp::kMatch, 3));  // 0
  const int ref = Node(&program, NodeOp::kRuleRef, 0);
  AddRule(&program,
          Node(&program, NodeOp::kOr, -1,
               {ref, Node(&program, NodeOp::kNot, -1, {Node(&program, NodeOp::kMatch, 4)})}));  // 1
  const int zero_of = Node(&program, NodeOp::kCountOf, -1, {Node(&program, NodeOp::kMatch, 6)});
  program.nodes[zero_of].number = 0;
  AddRule(&program, Node(&program, NodeOp::kOr, -1, {ref, zero_of}));  // 2
  AddRule(&program,
          Node(&program, NodeOp::kOr, -1,
               {Node(&program, NodeOp::kAnd, -1, {ref, Node(&program, NodeOp::kMatch, 8)}),
                Node(&program, NodeOp::kNot, -1, {Node(&program, NodeOp::kMatch, 9)})}));  // 3
  BuildGates(&program);
  for (size_t r = 1; r < program.gates.size(); ++r) {
    const RuleGate& gate = program.gates[r];
    EXPECT_EQ(gate.atom, -1) << r;
    EXPECT_EQ(gate.any_begin, gate.any_end) << r;
    EXPECT_NE(program.wakers.always[0] & (uint64_t{1} << r), uint64_t{0}) << r;
  }
}

// A rule woken only when its gate holds is not tested again (RuleGate::woken_means_holds): a
// gate of one terms list, of one earlier rule, an any-of of terms lists and earlier rules, no
// gate. A gate with an atom (a deferred regex may wake a rule and then not match), a field (any
// value wakes it, a test reads values of one kind), a rule kept beside a list, or a later rule
// is tested.
TEST(GatesTest, AGateIsTestedAgainUnlessWakingTheRuleMeansItHolds) {
  Program program;
  program.term_atoms.resize(4);
  SpanNode terms;
  terms.op = SpanOp::kTerms;
  terms.a = 2;
  program.spans.push_back(terms);
  AddRule(&program, Node(&program, NodeOp::kMatch, 3));    // 0: atom
  AddRule(&program, Node(&program, NodeOp::kWords, 0));    // 1: list
  AddRule(&program, Node(&program, NodeOp::kRuleRef, 1));  // 2: rule
  const int ref = Node(&program, NodeOp::kRuleRef, 0);
  AddRule(&program, Node(&program, NodeOp::kOr, -1, {ref, Node(&program, NodeOp::kWords, 0)}));
  AddRule(&program, Node(&program, NodeOp::kOr, -1,
                         {ref, Node(&program, NodeOp::kMatch, 5)}));  // 4: any, atom
  AddRule(&program, Node(&program, NodeOp::kAnd, -1,
                         {ref, Node(&program, NodeOp::kWords, 0)}));  // 5: list, rule
  AddRule(&program,
          Node(&program, NodeOp::kNot, -1, {Node(&program, NodeOp::kMatch, 8)}));  // 6: none
  AddRule(&program, Node(&program, NodeOp::kExists, 0));                           // 7: a field
  AddRule(&program, Node(&program, NodeOp::kRuleRef, 9));                          // 8: later rule
  BuildGates(&program);
  const std::vector<bool> expected = {false, true, true, true, false, false, true, false, false};
  ASSERT_EQ(program.gates.size(), expected.size());
  for (size_t r = 0; r < expected.size(); ++r) {
    EXPECT_EQ(program.gates[r].woken_means_holds, expected[r]) << r;
  }
}

TEST(GatesTest, EachRuleIsWokenByOneConditionOfItsGateOrAlways) {
  Program program;
  AddRule(&program, Node(&program, NodeOp::kMatch, 3));                         // 0: atom 3
  const int ref = Node(&program, NodeOp::kRuleRef, 0);
  const int match = Node(&program, NodeOp::kMatch, 7);
  AddRule(&program, Node(&program, NodeOp::kAnd, -1, {ref, match}));           // 1: atom 7
  AddRule(&program, Node(&program, NodeOp::kRuleRef, 0));                       // 2: rule 0
  const int a = Node(&program, NodeOp::kMatch, 1);
  const int b = Node(&program, NodeOp::kMatch, 2);
  AddRule(&program, Node(&program, NodeOp::kOr, -1, {a, b}));                   // 3: atom 1 or 2
  AddRule(&program,
          Node(&program, NodeOp::kNot, -1, {Node(&program, NodeOp::kMatch, 9)}));  // 4: always
  BuildGates(&program);
  const RuleWakers& wakers = program.wakers;
  auto rules_of = [](const RuleIndex& index, size_t key) {
    if (key + 1 >= index.begin.size()) return std::vector<int>();
    const auto [begin, end] = index.Of(key);
    return std::vector<int>(begin, end);
  };
  EXPECT_EQ(rules_of(wakers.by_atom, 3), std::vector<int>{0});
  EXPECT_EQ(rules_of(wakers.by_atom, 7), std::vector<int>{1});
  EXPECT_EQ(rules_of(wakers.by_atom, 1), std::vector<int>{3});
  EXPECT_EQ(rules_of(wakers.by_atom, 2), std::vector<int>{3});
  EXPECT_EQ(rules_of(wakers.by_rule, 0), std::vector<int>{2});
  ASSERT_EQ(wakers.always.size(), 1u);
  EXPECT_EQ(wakers.always[0], uint64_t{1} << 4);
}

}  // namespace
}  // namespace triage::internal
