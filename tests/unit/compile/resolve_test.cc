// SPDX-License-Identifier: Apache-2.0
// The resolve pass (compile/resolve.h) after the passes it needs (declare, fields, words), and
// the atom table it fills (compile/atom_table.h).
#include "compile/resolve.h"

#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "analysis/analyzer.h"
#include "compile/words.h"
#include "unit/compile/pass_fixture.h"

namespace triage::internal::testing {
namespace {

struct Resolved {
  explicit Resolved(const std::string& text) {
    f.program.analyzer = Analyzer::Create(f.config.analysis, Dictionary()).value();
    f.Parse(text);
    CollectDeclarations(f.files, &symbols, &f.program, &f.reporter);
    fields = std::make_unique<FieldTable>(f.config, &f.program, &f.reporter);
    regexes = std::make_unique<RegexChecker>(f.sources, &f.reporter);
    CheckDeclarations(&symbols, regexes.get(), &f.reporter);
    terms = std::make_unique<TermTable>(f.sources, f.config, &symbols, &f.program, &f.reporter);
    terms->CompileTerms();
    FinishTermIndex(&f.program);
    terms->CompileContexts();
    atoms =
        std::make_unique<AtomTable>(f.sources, &symbols, regexes.get(), &f.program, &f.reporter);
    ResolveContext context;
    context.sources = &f.sources;
    context.config = &f.config;
    context.symbols = &symbols;
    context.fields = fields.get();
    context.terms = terms.get();
    context.atoms = atoms.get();
    context.program = &f.program;
    context.reporter = &f.reporter;
    rules = ResolveRules(context);
    fields->Finish();
  }
  const ExprNode& Root(size_t rule) const { return f.program.nodes.at(rules.at(rule).root); }
  const ExprNode& Child(const ExprNode& node, size_t i) const {
    return f.program.nodes.at(node.children.at(i));
  }

  PassFixture f;
  Symbols symbols;
  std::unique_ptr<FieldTable> fields;
  std::unique_ptr<RegexChecker> regexes;
  std::unique_ptr<TermTable> terms;
  std::unique_ptr<AtomTable> atoms;
  std::vector<CompiledRule> rules;
};

TEST(ResolveTest, LowersConditionsAndRecordsRuleReferences) {
  Resolved r(R"(
list l1 = "x"
list l2 = "y"
rule a { when text ~ /x/ }
rule b "B" { when a and not text ~ any(l1, l2) urgency +5 tag "t" }
)");
  EXPECT_TRUE(r.f.Codes().empty()) << r.f.Rendered();
  ASSERT_EQ(r.rules.size(), 2u);
  EXPECT_EQ(r.symbols.rules[1].refs, std::set<int>{0});
  EXPECT_EQ(r.rules[1].description, "B");
  EXPECT_EQ(r.rules[1].urgency, 5);
  EXPECT_EQ(r.rules[1].tags, std::vector<std::string>{"t"});
  const ExprNode& root = r.Root(1);
  EXPECT_EQ(root.op, NodeOp::kAnd);
  EXPECT_EQ(root.source, "a and not text ~ any(l1, l2)");
  EXPECT_EQ(root.location, "t.rules:5:19");
  EXPECT_EQ(r.Child(root, 0).op, NodeOp::kRuleRef);
  EXPECT_EQ(r.Child(root, 0).a, 0);  // a declaration index until the order pass
  const ExprNode& negation = r.Child(root, 1);
  EXPECT_EQ(negation.op, NodeOp::kNot);
  EXPECT_FALSE(negation.one_test);  // written as `not`
  const ExprNode& any = r.Child(negation, 0);
  EXPECT_EQ(any.op, NodeOp::kOr);
  EXPECT_TRUE(any.one_test);  // any(l1, l2): one test spelled as an or
  EXPECT_EQ(any.children.size(), 2u);
}

TEST(ResolveTest, AtomsAreSharedPerFieldAndSource) {
  Resolved r(R"(
pattern p = /x/
rule a { when text ~ p }
rule b { when text ~ /x/ }
rule c { when channel ~ p }
)");
  EXPECT_TRUE(r.f.Codes().empty()) << r.f.Rendered();
  EXPECT_EQ(r.Root(0).a, r.Root(1).a);  // the same regex on the same field
  EXPECT_NE(r.Root(0).a, r.Root(2).a);  // another field
  EXPECT_EQ(r.f.program.atoms.size(), 2u);
  EXPECT_EQ(r.f.program.atoms[r.Root(0).a].name, "p");  // named after its first use
  EXPECT_TRUE(r.symbols.matchers.at("p").used);
}

TEST(ResolveTest, FieldTypesFollowTheFirstUseInSourceOrder) {
  Resolved r(R"(
rule a { when victim.age < 18 }
rule b { when victim.age ~ /x/ }
)");
  EXPECT_EQ(r.f.Codes(), std::vector<std::string>{"field-type-conflict"});
  EXPECT_EQ(r.f.At(0), "3:15");
  EXPECT_EQ(r.f.program.fields[r.Root(0).a].type, ValueType::kNumber);
}

TEST(ResolveTest, ChecksClausesAndNames) {
  Resolved r(R"(
category c
rule a { when text ~ /x/ when text ~ /y/ category c +5 category c +6 category d +1 }
rule b { urgency +5 }
private rule p { when text ~ /x/ tag "no" }
rule q { when nope and text ~ missing_list }
)");
  EXPECT_EQ(r.f.Codes(),
            (std::vector<std::string>{"duplicate-clause", "duplicate-clause", "unknown-category",
                                      "missing-when", "private-rule-scores", "unknown-name",
                                      "unknown-name"}))
      << r.f.Rendered();
}

TEST(ResolveTest, WordLevelMatchersBecomeSpanNodes) {
  Resolved r(R"(
terms girl = "girl"
terms sold = "sold"
context negated after 3 = girl
rule a { when text ~ near(girl, sold, within 3) and text ~ affirmed(sold) }
)");
  EXPECT_TRUE(r.f.Codes().empty()) << r.f.Rendered();
  const ExprNode& root = r.Root(0);
  const ExprNode& near = r.Child(root, 0);
  EXPECT_EQ(near.op, NodeOp::kWords);
  const SpanNode& span = r.f.program.spans.at(near.a);
  EXPECT_EQ(span.op, SpanOp::kNear);
  EXPECT_EQ(span.within, 3);
  EXPECT_EQ(span.children.size(), 2u);
  EXPECT_EQ(r.f.program.spans.at(r.Child(root, 1).a).op, SpanOp::kFilter);
  ASSERT_EQ(r.f.program.word_fields.size(), 1u);
  EXPECT_TRUE(r.f.program.word_fields[0].context);  // a filter reads it
}

// A word-level expression written the same way twice (in one rule or in two) is one span node,
// so that the scanner's per-node memo evaluates it once a record; a part that differs (the
// window, the filter, the field) makes another node, and the shared part below it stays shared.
TEST(ResolveTest, SpanNodesOfTheSameStructureAreShared) {
  Resolved r(R"(
terms girl = "girl"
terms sold = "sold"
context negated after 3 = girl
rule a { when text ~ affirmed(near(girl, sold, within 3)) }
rule b { when text ~ affirmed(near(girl, sold, within 3)) and text ~ any(girl, sold) }
rule c { when text ~ negated(near(girl, sold, within 3)) or text ~ near(girl, sold, within 4) }
rule d { when suspect.username ~ near(girl, sold, within 3) }
)");
  EXPECT_TRUE(r.f.Codes().empty()) << r.f.Rendered();
  const int a = r.Root(0).a;
  const ExprNode& b_first = r.Child(r.Root(1), 0);
  EXPECT_EQ(b_first.a, a);  // affirmed(near(...)) in another rule: the same node
  const SpanNode& affirmed = r.f.program.spans.at(a);
  ASSERT_EQ(affirmed.op, SpanOp::kFilter);
  const int near3 = affirmed.children.at(0);
  const SpanNode& negated = r.f.program.spans.at(r.Child(r.Root(2), 0).a);
  ASSERT_EQ(negated.op, SpanOp::kFilter);
  EXPECT_NE(r.Child(r.Root(2), 0).a, a);          // another filter
  EXPECT_EQ(negated.children.at(0), near3);       // over the same near(...)
  const int near4 = r.Child(r.Root(2), 1).a;
  EXPECT_NE(near4, near3);                        // another window
  EXPECT_EQ(r.f.program.spans.at(near4).children, r.f.program.spans.at(near3).children);
  const int other_field = r.Root(3).a;
  EXPECT_NE(other_field, near3);  // another field: other term atoms, another node
  // Each list is one terms node per field, however many expressions read it (`text ~ any(girl,
  // sold)` is a union over the same two leaves).
  std::set<int> text_leaves(r.f.program.spans.at(near3).children.begin(),
                            r.f.program.spans.at(near3).children.end());
  EXPECT_EQ(text_leaves.size(), 2u);
  size_t terms_nodes = 0;
  for (const SpanNode& node : r.f.program.spans) terms_nodes += node.op == SpanOp::kTerms;
  EXPECT_EQ(terms_nodes, 4u);  // girl and sold, on text and on suspect.username
}

}  // namespace
}  // namespace triage::internal::testing
