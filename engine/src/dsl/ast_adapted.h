// SPDX-License-Identifier: Apache-2.0
// Fusion adaptation of the AST structs, so that X3 can fill them as sequences. Only the data
// members the grammar produces are listed; Node::span is written by AnnotateSpan.
#ifndef TRIAGE_DSL_AST_ADAPTED_H_
#define TRIAGE_DSL_AST_ADAPTED_H_

#include <boost/fusion/include/adapt_struct.hpp>

#include "dsl/ast.h"

BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::Identifier, name)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::FieldRef, path)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::StringLit, value)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::RegexLit, source, flags)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::NumberLit, text)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::BoolLit, text)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::AnyOf, keyword, names)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::NumberRange, keyword, low, high)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::SpanCall, func, args, within)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::CountOf, count, items)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::TermsOption, name, args)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::TermsDecl, name, options, items)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::ContextScope, direction, window)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::ContextDecl, kind, scope, terms)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::MatchTest, field, op, matcher)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::CountTest, keyword, field, matcher, op, value)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::ExistsTest, keyword, field)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::CompareTest, field, op, value)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::InTest, field, values)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::RuleRef, name)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::NotExpr, keyword, operand)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::AndExpr, terms)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::OrExpr, terms)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::WhenClause, keyword, expr)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::UrgencyClause, keyword, floor_op, value)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::CategoryClause, keyword, category, value)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::TextClause, keyword, value)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::ExampleDecl, keyword, text, expect)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::CategoryDecl, name, description)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::PatternDecl, name, regex)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::ListDecl, name, options, phrases)
BOOST_FUSION_ADAPT_STRUCT(triage::dsl::ast::RuleDecl, visibility, name, description, clauses)

#endif  // TRIAGE_DSL_AST_ADAPTED_H_
