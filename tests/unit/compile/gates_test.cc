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
  // comparison may hold on the comparison alone.
  const int count = Node(&program, NodeOp::kCount, 4);
  program.nodes[count].cmp = Cmp::kLt;
  program.nodes[count].number = 2;
  AddRule(&program, count);
  AddRule(&program, Node(&program, NodeOp::kNot, -1, {Node(&program, NodeOp::kMatch, 5)}));
  const int match = Node(&program, NodeOp::kMatch, 6);
  const int compare = Node(&program, NodeOp::kCompareNumber, 0);
  AddRule(&program, Node(&program, NodeOp::kOr, -1, {match, compare}));
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
  AddRule(&program, Node(&program, NodeOp::kExists, 0));                        // 4: always
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
