// SPDX-License-Identifier: Apache-2.0
// The declaration of the rule-file grammar. A file is parsed one declaration at a time (parse.cc
// drives the loop, which is what lets it recover after a syntax error and report the next one),
// so the entry rule is a single declaration: category, pattern, list or rule.
#ifndef TRIAGE_DSL_GRAMMAR_H_
#define TRIAGE_DSL_GRAMMAR_H_

#include <boost/spirit/home/x3.hpp>

#include "dsl/ast.h"
#include "dsl/grammar_config.h"

namespace triage::dsl {

using DeclRule = x3::rule<struct DeclId, ast::Decl>;
BOOST_SPIRIT_DECLARE(DeclRule)

// Returns the entry rule. Defined in grammar.cc, instantiated for Iterator and Context only.
const DeclRule& DeclGrammar();

}  // namespace triage::dsl

#endif  // TRIAGE_DSL_GRAMMAR_H_
