// SPDX-License-Identifier: Apache-2.0
// Regex literals checked at the literal (compile/regex_check.h).
#include "compile/regex_check.h"

#include <memory>
#include <string>
#include <utility>

#include "compile/atoms.h"

namespace triage::internal {

bool RegexChecker::Check(const ast::RegexLit& regex, FileId file) {
  for (char flag : regex.flags) {
    if (flag != 'i' && flag != 's' && flag != 'm') {
      reporter_->Error("bad-regex-flag",
                       std::string("unknown regex flag '") + flag + "' (flags are i, s, m)", file,
                       regex.span);
      return false;
    }
  }
  std::string source = PatternAtomSource(regex.source, regex.flags);
  auto compiled = std::make_unique<RE2>(source, AtomOptions());
  const RE2& re = *compiled;
  if (re.ok()) {
    checked_.emplace(std::move(source), std::move(compiled));
    return true;
  }
  SourceSpan span = regex.span;
  const std::string& text = sources_.file(file).text();
  const std::string arg = re.error_arg();
  if (!arg.empty() && span.end <= text.size()) {
    const std::string literal = text.substr(span.begin, span.end - span.begin);
    const size_t at = literal.find(arg);
    if (at != std::string::npos) {
      span.begin += static_cast<uint32_t>(at);
      span.end = span.begin + static_cast<uint32_t>(arg.size());
    }
  }
  reporter_->Error("bad-regex", "invalid regex: " + re.error(), file, span);
  return false;
}

std::unique_ptr<RE2> RegexChecker::Take(const std::string& source) {
  auto it = checked_.find(source);
  if (it == checked_.end()) return nullptr;
  return std::move(it->second);
}

}  // namespace triage::internal
