// SPDX-License-Identifier: Apache-2.0
// The nesting-depth guard of the grammar (issue 13, defect 1). Every later pass over a condition —
// the X3 parser itself, lowering, evaluation, explanation, the AST's destructor — recurses once per
// level, so a condition nested ten thousand levels deep would overflow the stack. The grammar
// therefore counts the constructs that open a level — a parenthesis, `not`, `N of (...)` and a
// word-level call such as `near(...)` — and refuses the first one past the limit
// (limits.max_nesting_depth) while parsing, before anything deep is built.
//
// Two pieces, used together as `nest[prefix >> enter > body]`:
//   - `enter` is zero-width: it opens one more level, or fails and marks the state when that level
//     would be one too many. It sits right after the tokens that identify the construct, so that
//     only a construct really being entered counts.
//   - `nest[...]` closes again whatever its subject opened (on success, failure or exception), and,
//     when its subject failed because `enter` refused, records where the construct began: the
//     innermost `nest` records first, so the position is that of the construct one level too deep.
// The failure itself then reaches an expectation point (`>`) of the enclosing construct, and
// parse.cc reports `too-deep` at the recorded position instead of the expectation's message.
#ifndef TRIAGE_DSL_NESTING_H_
#define TRIAGE_DSL_NESTING_H_

#include <boost/spirit/home/x3.hpp>

#include "dsl/grammar_config.h"

namespace triage::dsl::grammar {

struct EnterParser : x3::parser<EnterParser> {
  using attribute_type = x3::unused_type;
  static const bool has_attribute = false;

  template <typename It, typename Ctx, typename RContext, typename Attribute>
  bool parse(It& /*first*/, const It& /*last*/, const Ctx& context, RContext& /*rcontext*/,
             Attribute& /*attr*/) const {
    ParseState& state = x3::get<ParseStateTag>(context);
    if (state.depth >= state.max_depth) {
      state.depth_refused = true;
      return false;
    }
    ++state.depth;
    return true;
  }
};

template <typename Subject>
struct NestDirective : x3::unary_parser<Subject, NestDirective<Subject>> {
  using base_type = x3::unary_parser<Subject, NestDirective<Subject>>;
  static const bool is_pass_through_unary = true;
  static const bool handles_container = Subject::handles_container;

  constexpr explicit NestDirective(const Subject& inner) : base_type(inner) {}

  template <typename It, typename Ctx, typename RContext, typename Attribute>
  bool parse(It& first, const It& last, const Ctx& context, RContext& rcontext,
             Attribute& attr) const {
    ParseState& state = x3::get<ParseStateTag>(context);
    x3::skip_over(first, last, context);
    const It start = first;
    // Closes the levels the subject opened, however it ends (X3 throws expectation failures).
    struct Close {
      ParseState& state;
      uint32_t depth;
      ~Close() { state.depth = depth; }
    } close{state, state.depth};
    const bool ok = this->subject.parse(first, last, context, rcontext, attr);
    if (!ok && state.depth_refused && state.too_deep == nullptr) state.too_deep = start;
    return ok;
  }
};

struct NestGen {
  template <typename Subject>
  constexpr NestDirective<typename x3::extension::as_parser<Subject>::value_type> operator[](
      const Subject& inner) const {
    return NestDirective<typename x3::extension::as_parser<Subject>::value_type>(
        x3::as_parser(inner));
  }
};

constexpr EnterParser enter{};
constexpr NestGen nest{};

}  // namespace triage::dsl::grammar

#endif  // TRIAGE_DSL_NESTING_H_
