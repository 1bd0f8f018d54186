// SPDX-License-Identifier: Apache-2.0
// The one definition of the types the grammar is instantiated with: the iterator (a pointer into
// the file's text), the skipper (whitespace and '#' comments) and the parse context, which carries
// a ParseState so that AnnotateSpan can turn iterators into byte offsets without any position
// cache outliving the parse. parse.cc must build exactly this context.
#ifndef TRIAGE_DSL_GRAMMAR_CONFIG_H_
#define TRIAGE_DSL_GRAMMAR_CONFIG_H_

#include <cstdint>
#include <type_traits>

#include <boost/spirit/home/x3.hpp>

namespace triage::dsl {

namespace x3 = boost::spirit::x3;

using Iterator = const char*;

// Whitespace and comments from '#' to the end of the line. Character classes are ASCII's
// (x3::ascii): the standard encoding's classify std::isspace and the like, whose argument must be
// an unsigned char's value, and Spirit asserts on the negative `char` of a byte >= 0x80 (issue 13,
// defect 3). ASCII's classes just say no to such a byte, which then fails as any stray character
// does; a comment, a string and a regex take any byte (x3::char_, not a class).
inline const auto kSkipper = x3::ascii::space | (x3::lit('#') >> *(x3::char_ - x3::eol));
using Skipper = std::remove_cv_t<decltype(kSkipper)>;

// What the parse context carries (by reference: parse.cc owns it): the start of the text, for
// byte offsets, and the nesting-depth guard's state (nesting.h).
struct ParseState {
  const char* base = nullptr;
  uint32_t depth = 0;               // constructs open around the current position
  uint32_t max_depth = UINT32_MAX;  // the most that may be open (limits.max_nesting_depth)
  bool depth_refused = false;       // `enter` refused a level
  const char* too_deep = nullptr;   // where the first construct one level too deep begins
};
struct ParseStateTag;

using PhraseContext = x3::phrase_parse_context<Skipper>::type;
using Context = x3::context<ParseStateTag, ParseState, PhraseContext>;

}  // namespace triage::dsl

#endif  // TRIAGE_DSL_GRAMMAR_CONFIG_H_
