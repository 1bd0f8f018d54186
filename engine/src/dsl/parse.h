// SPDX-License-Identifier: Apache-2.0
// The only entry to the parser: one rule file's text to its AST.
#ifndef TRIAGE_DSL_PARSE_H_
#define TRIAGE_DSL_PARSE_H_

#include <cstdint>

#include "triage/config.h"
#include "triage/diagnostic.h"
#include "triage/source.h"
#include "triage/status.h"

#include "dsl/ast.h"

namespace triage::dsl {

struct ParseOptions {
  // The most constructs that may nest inside one another in a condition: parentheses, `not`,
  // `N of (...)` and word-level calls (near, ordered, sentence, the context filters) each open one
  // level (limits.max_nesting_depth; docs/robustness.md). One more is a `too-deep` error.
  uint32_t max_nesting_depth = kDefaultMaxNestingDepth;
};

// Parses file `file` of `sources`. Every syntax error is appended to *diagnostics as a "syntax"
// error at the offending token; after an error the parser skips to the next line that starts (in
// column 1) with a declaration keyword and goes on, so one run reports the errors of every
// declaration. A condition nested deeper than options.max_nesting_depth is a "too-deep" error at
// the construct one level too deep, found before anything that deep is built. A byte >= 0x80
// outside a string, a regex or a comment is a syntax error at that byte. Returns the declarations
// that parsed, or InvalidArgument if any did not.
Result<ast::RuleFile> Parse(const SourceManager& sources, FileId file, const ParseOptions& options,
                            Diagnostics* diagnostics);

}  // namespace triage::dsl

#endif  // TRIAGE_DSL_PARSE_H_
