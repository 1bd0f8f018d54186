// SPDX-License-Identifier: Apache-2.0
// Drives the grammar over a file one declaration at a time, turning X3's failures into
// diagnostics. An expectation failure (`a > b` where b did not follow) names what was expected
// and where; a declaration that does not start with a keyword is a plain failure. Either way the
// parser then resynchronises at the next line beginning with a declaration keyword in column 1 —
// the convention every rule file follows (clauses are indented) — and continues, so a file with
// three broken rules yields three diagnostics, not one.
//
// Two more guards of issue 13 end here. A condition nested past the limit makes the grammar's
// nesting guard (nesting.h) fail at an expectation point; the state it leaves says where the
// construct one level too deep begins, and that is reported as `too-deep` instead of what the
// expectation wanted. A byte >= 0x80 outside a string, regex or comment matches no ASCII class of
// the grammar (grammar_config.h): it stops the parse like any stray character, and the message
// says what it is.
#include "dsl/parse.h"

#include <cctype>
#include <cstring>
#include <string>

#include "dsl/grammar.h"
#include "dsl/grammar_config.h"

namespace triage::dsl {
namespace {

constexpr size_t kMaxSyntaxErrorsPerFile = 20;

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// Skips whitespace and comments.
const char* SkipBlank(const char* it, const char* end) {
  while (it != end) {
    if (std::isspace(static_cast<unsigned char>(*it)) != 0) {
      ++it;
    } else if (*it == '#') {
      while (it != end && *it != '\n') ++it;
    } else {
      break;
    }
  }
  return it;
}

// The span of the token at `it`: a word, or one (UTF-8) character.
SourceSpan TokenSpan(const char* base, const char* it, const char* end) {
  const char* stop = it;
  if (stop != end && IsWordChar(*stop)) {
    while (stop != end && IsWordChar(*stop)) ++stop;
  } else if (stop != end) {
    ++stop;
    while (stop != end && (static_cast<unsigned char>(*stop) & 0xC0) == 0x80) ++stop;
  }
  return {static_cast<uint32_t>(it - base), static_cast<uint32_t>(stop - base)};
}

// Describes the token at `it` for "but found ...". Rule text is ours, not report text.
std::string Found(const char* it, const char* end) {
  if (it == end) return "end of file";
  if ((static_cast<unsigned char>(*it) & 0x80) != 0) {
    return "a non-ASCII character (names, keywords and operators are ASCII; other text belongs "
           "in a string, a regex or a comment)";
  }
  const char* stop = it;
  while (stop != end && IsWordChar(*stop) && stop - it < 32) ++stop;
  if (stop == it) {
    if (*it == '\n') return "end of line";
    ++stop;
    while (stop != end && (static_cast<unsigned char>(*stop) & 0xC0) == 0x80) ++stop;
  }
  return "'" + std::string(it, stop) + "'";
}

bool StartsDeclaration(const char* it, const char* end) {
  for (const char* word : {"category", "pattern", "list", "terms", "context", "private", "rule",
                           "example", "counterexample"}) {
    const size_t n = std::strlen(word);
    if (static_cast<size_t>(end - it) > n && std::strncmp(it, word, n) == 0 &&
        (std::isspace(static_cast<unsigned char>(it[n])) != 0)) {
      return true;
    }
  }
  return false;
}

// Returns the start of the next line after `it` that begins with a declaration keyword.
const char* Resync(const char* it, const char* end) {
  while (it != end) {
    while (it != end && *it != '\n') ++it;
    if (it == end) break;
    ++it;
    if (StartsDeclaration(it, end)) return it;
  }
  return end;
}

}  // namespace

Result<ast::RuleFile> Parse(const SourceManager& sources, FileId file, const ParseOptions& options,
                            Diagnostics* diagnostics) {
  const std::string& text = sources.file(file).text();
  const char* base = text.data();
  const char* end = base + text.size();
  const char* it = base;
  // A UTF-8 byte order mark, as some editors write, is not part of the rules.
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) it += 3;
  ParseState state;
  state.base = base;
  state.max_depth = options.max_nesting_depth;

  ast::RuleFile result;
  result.file = file;
  size_t errors = 0;
  while (errors < kMaxSyntaxErrorsPerFile) {
    it = SkipBlank(it, end);
    if (it == end) break;
    const char* start = it;
    ast::Decl decl;
    const char* error_at = nullptr;
    std::string message;
    state.depth = 0;
    state.depth_refused = false;
    state.too_deep = nullptr;
    try {
      const bool parsed =
          x3::phrase_parse(it, end, x3::with<ParseStateTag>(state)[DeclGrammar()], kSkipper, decl);
      if (parsed && state.too_deep == nullptr) {
        result.decls.push_back(std::move(decl));
        continue;
      }
      error_at = start;
      message = "expected a declaration (category, pattern, list, terms, context, rule or "
                "example) but found " +
                Found(start, end);
    } catch (const x3::expectation_failure<Iterator>& failure) {
      // Point at the next token, except inside an unterminated string or regex, where the
      // end of the line is the place to point at.
      const bool closing = failure.which() == "'\"'" || failure.which() == "'/'";
      error_at = closing ? failure.where() : SkipBlank(failure.where(), end);
      message = "expected " + failure.which() + " but found " + Found(error_at, end);
    } catch (const std::exception& e) {  // nothing else is expected from X3; never let it out
      error_at = start;
      message = std::string("parser failure: ") + e.what();
    }
    if (state.too_deep != nullptr) {
      diagnostics->Error("too-deep",
                         "nested too deep: more than limits.max_nesting_depth (" +
                             std::to_string(options.max_nesting_depth) +
                             ") levels of parentheses, not, N of and word-level calls",
                         file, TokenSpan(base, state.too_deep, end));
      ++errors;
      it = Resync(state.too_deep, end);
      continue;
    }
    diagnostics->Error("syntax", message, file, TokenSpan(base, error_at, end));
    ++errors;
    it = Resync(error_at, end);
  }
  if (errors != 0) {
    return Status::InvalidArgument(std::to_string(errors) + " syntax error(s) in " +
                                   sources.file(file).name());
  }
  return result;
}

}  // namespace triage::dsl
