// SPDX-License-Identifier: Apache-2.0
// The one definition of the types the grammar is instantiated with: the iterator (a pointer into
// the file's text), the skipper (whitespace and '#' comments) and the parse context, which carries
// a ParseState so that AnnotateSpan can turn iterators into byte offsets without any position
// cache outliving the parse. parse.cc must build exactly this context.
#ifndef TRIAGE_DSL_GRAMMAR_CONFIG_H_
#define TRIAGE_DSL_GRAMMAR_CONFIG_H_

#include <type_traits>

#include <boost/spirit/home/x3.hpp>

namespace triage::dsl {

namespace x3 = boost::spirit::x3;

using Iterator = const char*;

// Whitespace and comments from '#' to the end of the line.
inline const auto kSkipper = x3::space | (x3::lit('#') >> *(x3::char_ - x3::eol));
using Skipper = std::remove_cv_t<decltype(kSkipper)>;

// What the parse context carries: the start of the text, for byte offsets.
struct ParseState {
  const char* base = nullptr;
};
struct ParseStateTag;

using PhraseContext = x3::phrase_parse_context<Skipper>::type;
using Context = x3::context<ParseStateTag, ParseState, PhraseContext>;

}  // namespace triage::dsl

#endif  // TRIAGE_DSL_GRAMMAR_CONFIG_H_
