// SPDX-License-Identifier: Apache-2.0
// The declaration pass (compile/symbols.h).
#include "compile/symbols.h"

#include <string>
#include <utility>
#include <vector>

namespace triage::internal {
namespace {

void AddCategory(const ast::CategoryDecl& decl, FileId file, Symbols* symbols, Program* program,
                 Reporter* reporter) {
  auto it = symbols->categories.find(decl.name.name);
  if (it != symbols->categories.end()) {
    reporter->Error("duplicate-name", "category '" + decl.name.name + "' is already declared", file,
                    decl.name.span);
    reporter->Note("first declared here", it->second.file, it->second.span);
    return;
  }
  CategoryInfo info;
  info.index = static_cast<int>(program->categories.size());
  info.file = file;
  info.span = decl.name.span;
  symbols->categories.emplace(decl.name.name, info);
  program->categories.push_back(decl.name.name);
  program->category_descriptions.push_back(decl.description ? decl.description->value : "");
}

void AddMatcher(const ast::Identifier& name, const MatcherDecl& decl, Symbols* symbols,
                Reporter* reporter) {
  if (symbols->terms.count(name.name) != 0) {
    reporter->Error("duplicate-name",
                    "pattern, list or terms '" + name.name + "' is already defined", decl.file,
                    name.span);
    return;
  }
  auto it = symbols->matchers.find(name.name);
  if (it != symbols->matchers.end()) {
    const MatcherDecl& first = it->second;
    reporter->Error("duplicate-name", "pattern or list '" + name.name + "' is already defined",
                    decl.file, name.span);
    reporter->Note("first defined here", first.file,
                   first.is_list ? first.list->name.span : first.pattern->name.span);
    return;
  }
  symbols->matchers.emplace(name.name, decl);
}

}  // namespace

void CollectDeclarations(const std::vector<ast::RuleFile>& files, Symbols* symbols,
                         Program* program, Reporter* reporter) {
  for (const ast::RuleFile& file : files) {
    for (const ast::Decl& decl : file.decls) {
      const auto& value = decl.get();
      if (const auto* category = boost::get<ast::CategoryDecl>(&value)) {
        AddCategory(*category, file.file, symbols, program, reporter);
      } else if (const auto* pattern = boost::get<ast::PatternDecl>(&value)) {
        MatcherDecl m;
        m.pattern = pattern;
        m.file = file.file;
        AddMatcher(pattern->name, m, symbols, reporter);
      } else if (const auto* list = boost::get<ast::ListDecl>(&value)) {
        MatcherDecl m;
        m.is_list = true;
        m.list = list;
        m.file = file.file;
        AddMatcher(list->name, m, symbols, reporter);
      } else if (const auto* terms = boost::get<ast::TermsDecl>(&value)) {
        if (symbols->matchers.count(terms->name.name) != 0 ||
            symbols->terms.count(terms->name.name) != 0) {
          reporter->Error("duplicate-name",
                          "pattern, list or terms '" + terms->name.name + "' is already defined",
                          file.file, terms->name.span);
          continue;
        }
        TermsInfo info;
        info.decl = terms;
        info.file = file.file;
        symbols->terms.emplace(terms->name.name, info);
      } else if (const auto* context = boost::get<ast::ContextDecl>(&value)) {
        symbols->contexts.emplace_back(context, file.file);
      } else if (const auto* example = boost::get<ast::ExampleDecl>(&value)) {
        symbols->examples.push_back({example, file.file, -1});
      } else if (const auto* rule = boost::get<ast::RuleDecl>(&value)) {
        auto [it, inserted] =
            symbols->rule_index.emplace(rule->name.name, static_cast<int>(symbols->rules.size()));
        if (!inserted) {
          const RuleInfo& first = symbols->rules[it->second];
          reporter->Error("duplicate-name", "rule '" + rule->name.name + "' is already defined",
                          file.file, rule->name.span);
          reporter->Note("first defined here", first.file, first.decl->name.span);
          continue;
        }
        RuleInfo info;
        info.decl = rule;
        info.file = file.file;
        symbols->rules.push_back(std::move(info));
      }
    }
  }
}

void CheckDeclarations(Symbols* symbols, RegexChecker* regexes, Reporter* reporter) {
  for (auto& [name, m] : symbols->matchers) {
    if (!m.is_list) {
      m.valid = regexes->Check(m.pattern->regex, m.file);
      continue;
    }
    for (const ast::Identifier& option : m.list->options) {
      if (option.name == "case" || option.name == "partial") continue;
      reporter->Error("unknown-option", "unknown list option '" + option.name + "'", m.file,
                      option.span);
      reporter->Note(option.name == "stem" || option.name == "leet"
                         ? "list options are 'case' and 'partial'; '" + option.name +
                               "' is an option of word-level lists: terms " + name + " (" +
                               option.name + ") = ..."
                         : std::string("list options are 'case' and 'partial'"),
                     m.file, option.span);
      m.valid = false;
    }
    for (const ast::StringLit& phrase : m.list->phrases) {
      if (phrase.value.find_first_not_of(" \t\r\n") == std::string::npos) {
        reporter->Error("empty-phrase", "empty phrase in list '" + name + "'", m.file, phrase.span);
        m.valid = false;
      }
    }
  }
}

}  // namespace triage::internal
