// SPDX-License-Identifier: Apache-2.0
// The only entry to the parser: one rule file's text to its AST.
#ifndef TRIAGE_DSL_PARSE_H_
#define TRIAGE_DSL_PARSE_H_

#include "dsl/ast.h"
#include "triage/diagnostic.h"
#include "triage/source.h"
#include "triage/status.h"

namespace triage::dsl {

// Parses file `file` of `sources`. Every syntax error is appended to *diagnostics as a "syntax"
// error at the offending token; after an error the parser skips to the next line that starts (in
// column 1) with a declaration keyword and goes on, so one run reports the errors of every
// declaration. Returns the declarations that parsed, or InvalidArgument if any did not.
Result<ast::RuleFile> Parse(const SourceManager& sources, FileId file, Diagnostics* diagnostics);

}  // namespace triage::dsl

#endif  // TRIAGE_DSL_PARSE_H_
