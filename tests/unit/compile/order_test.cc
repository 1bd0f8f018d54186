// SPDX-License-Identifier: Apache-2.0
// The order pass alone (compile/order.h): stable topological order, cycles, renumbered references.
#include "compile/order.h"

#include <deque>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "unit/compile/pass_fixture.h"

namespace triage::internal::testing {
namespace {

// A graph of rules named r0, r1, ... declared at consecutive offsets of one file.
struct Graph {
  explicit Graph(PassFixture* f, const std::vector<std::set<int>>& refs) {
    file = f->sources.AddFile("g.rules", std::string(100, ' '));
    for (size_t i = 0; i < refs.size(); ++i) {
      ast::RuleDecl& decl = decls.emplace_back();
      decl.name.name = "r" + std::to_string(i);
      decl.name.span = SourceSpan{static_cast<uint32_t>(i), static_cast<uint32_t>(i + 1)};
      RuleInfo info;
      info.decl = &decl;
      info.file = file;
      info.refs = refs[i];
      rules.push_back(info);
    }
  }
  FileId file;
  std::deque<ast::RuleDecl> decls;  // stable addresses
  std::vector<RuleInfo> rules;
};

TEST(OrderTest, ARuleComesAfterTheRulesItRefersToOtherwiseDeclarationOrder) {
  PassFixture f;
  // r0 -> r2, r1 free, r2 free, r3 -> r0.
  Graph g(&f, {{2}, {}, {}, {0}});
  const std::vector<int> position = OrderRules(g.rules, &f.reporter);
  EXPECT_TRUE(f.Codes().empty());
  EXPECT_EQ(position, (std::vector<int>{2, 0, 1, 3}));  // r1 r2 r0 r3
}

TEST(OrderTest, ACycleIsReportedOnceWithItsPathAndTheOrderIsLeftAsDeclared) {
  PassFixture f;
  Graph g(&f, {{1}, {2}, {0}, {}});
  const std::vector<int> position = OrderRules(g.rules, &f.reporter);
  EXPECT_EQ(f.Codes(), std::vector<std::string>{"rule-cycle"});
  EXPECT_NE(f.Rendered().find("r0 -> r1 -> r2 -> r0"), std::string::npos) << f.Rendered();
  EXPECT_EQ(position, (std::vector<int>{0, 1, 2, 3}));
}

TEST(OrderTest, ASelfReferenceIsACycle) {
  PassFixture f;
  Graph g(&f, {{0}});
  OrderRules(g.rules, &f.reporter);
  EXPECT_EQ(f.Codes(), std::vector<std::string>{"rule-cycle"});
}

TEST(OrderTest, PlaceRulesPutsRulesAtTheirPositionAndRenumbersReferences) {
  Program program;
  ExprNode ref;
  ref.op = NodeOp::kRuleRef;
  ref.a = 1;  // declaration index of "b"
  program.nodes.push_back(ref);
  std::vector<CompiledRule> rules(2);
  rules[0].name = "a";
  rules[0].root = 0;
  rules[1].name = "b";
  PlaceRules({1, 0}, std::move(rules), &program);
  ASSERT_EQ(program.rules.size(), 2u);
  EXPECT_EQ(program.rules[0].name, "b");
  EXPECT_EQ(program.rules[1].name, "a");
  EXPECT_EQ(program.nodes[0].a, 0);  // b's evaluation index
}

}  // namespace
}  // namespace triage::internal::testing
