// SPDX-License-Identifier: Apache-2.0
// The matching plan; see matcher_plan.h.
#include "compile/matcher_plan.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "compile/atoms.h"
#include "compile/pattern_cost.h"

namespace triage::internal {
namespace {

using Strategy = PatternPlan::Strategy;

constexpr int kMinLiteralLength = 3;  // shorter literals filter too little to be worth a lookup
constexpr size_t kDefaultMaxSetProgram = 4000000;
constexpr size_t kDefaultMaxSetRegexes = 100;
constexpr size_t kDefaultMaxSetMemory = size_t{64} << 20;

// What an entry is, for grouping: entries of different kinds never share a set.
enum class Kind { kList, kRegex, kLiteral };

struct Entry {
  int code = 0;  // atom index, or ~literal index
  std::string source;
  size_t program_size = 0;
  Kind kind = Kind::kRegex;
  bool led = false;  // a regex led by a literal (LedByLiteral): not counted by max_set_regexes
};

RE2::Options SetOptions(const MatchingOptions& options) {
  RE2::Options re = AtomOptions();
  re.set_max_mem(static_cast<int64_t>(options.max_set_memory > 0 ? options.max_set_memory
                                                                  : kDefaultMaxSetMemory));
  return re;
}

// Compiles `entries` into one set, or halves them until each half compiles. Entries that compile
// in no set are returned in *unplaced.
void PlaceEntries(const std::vector<Entry>& entries, const RE2::Options& options,
                  FieldMatcher* matcher, std::vector<int>* unplaced) {
  if (entries.empty()) return;
  auto set = std::make_unique<RE2::Set>(options, RE2::UNANCHORED);
  bool ok = true;
  for (const Entry& e : entries) {
    if (set->Add(e.source, nullptr) < 0) {
      ok = false;
      break;
    }
  }
  if (ok && set->Compile()) {
    MatchSet ms;
    ms.set = std::move(set);
    for (const Entry& e : entries) {
      ms.entries.push_back(e.code);
      ms.program_size += e.program_size;
    }
    matcher->sets.push_back(std::move(ms));
    return;
  }
  if (entries.size() == 1) {
    unplaced->push_back(entries[0].code);
    return;
  }
  const auto half = static_cast<std::ptrdiff_t>(entries.size() / 2);
  PlaceEntries({entries.begin(), entries.begin() + half}, options, matcher, unplaced);
  PlaceEntries({entries.begin() + half, entries.end()}, options, matcher, unplaced);
}

// The regexes of a compiled filter that pass it with no literal found (FilteredRE2 ids).
std::vector<int> Unfiltered(const re2::FilteredRE2& filter) {
  std::vector<int> always;
  filter.AllPotentials({}, &always);
  return always;
}

}  // namespace

std::vector<std::string> PrefilterLiterals(const std::string& pattern) {
  re2::FilteredRE2 filter(kMinLiteralLength);
  int id = 0;
  std::vector<std::string> literals;
  if (filter.Add(pattern, AtomOptions(), &id) != RE2::NoError) return literals;
  filter.Compile(&literals);
  if (!Unfiltered(filter).empty()) literals.clear();  // it passes with no literal at all
  return literals;
}

FieldMatcher BuildFieldMatcher(Program* program, int field, const std::vector<int>& atoms,
                               const MatchingOptions& options) {
  FieldMatcher matcher;
  matcher.field = field;
  matcher.atoms = atoms;
  const RE2::Options atom_options = AtomOptions();

  std::vector<Entry> entries;
  std::vector<int> hard;
  for (int a : atoms) {
    Atom& atom = program->atoms[a];
    if (atom.is_list) {
      // About one instruction per byte for quoted phrases; compiling each list on its own just
      // to count would double the compile time of a large pack.
      atom.program_size = static_cast<int>(atom.set_pattern.size());
      atom.strategy = atom.set_pattern == atom.pattern ? Strategy::kSet : Strategy::kSetConfirmed;
      if (atom.fold_edges) matcher.fold_atoms.push_back(a);
      entries.push_back(
          {a, atom.set_pattern, static_cast<size_t>(atom.program_size), Kind::kList});
      continue;
    }
    const PatternCost cost = EstimatePatternCost(atom.pattern, atom.Regex().ProgramSize(), options);
    atom.program_size = cost.program_size;
    atom.repeat_span = cost.repeat_span;
    if (cost.hard) {
      atom.reason = cost.reason;
      hard.push_back(a);
    } else {
      atom.strategy = Strategy::kSet;
      entries.push_back({a, atom.pattern, static_cast<size_t>(cost.program_size), Kind::kRegex,
                         LedByLiteral(atom.pattern)});
    }
  }

  if (!hard.empty() && options.prefilter) {
    matcher.filter = std::make_unique<re2::FilteredRE2>(kMinLiteralLength);
    for (int a : hard) {
      int id = -1;
      if (matcher.filter->Add(program->atoms[a].pattern, atom_options, &id) == RE2::NoError) {
        matcher.filter_atoms.push_back(a);  // ids are dense, in Add order
        program->atoms[a].strategy = Strategy::kPrefiltered;
      } else {
        matcher.unset.push_back(a);  // cannot happen for a pattern RE2 compiled; stay correct
        program->atoms[a].strategy = Strategy::kEveryValue;
      }
    }
    if (matcher.filter_atoms.empty()) {
      matcher.filter.reset();
    } else {
      matcher.filter->Compile(&matcher.literals);
      for (int id : Unfiltered(*matcher.filter)) {
        const int a = matcher.filter_atoms[id];
        matcher.filter_always.push_back(a);
        program->atoms[a].strategy = Strategy::kEveryValue;
        if (program->atoms[a].reason.find("no literal") == std::string::npos) {
          program->atoms[a].reason += "; no literal of 3+ characters to prefilter it";
        }
      }
      for (size_t i = 0; i < matcher.literals.size(); ++i) {
        std::string source = "(?i)" + RE2::QuoteMeta(matcher.literals[i]);
        const size_t size = source.size();  // about one instruction per byte, as for lists
        entries.push_back({~static_cast<int>(i), std::move(source), size, Kind::kLiteral});
      }
    }
  } else {
    for (int a : hard) {
      program->atoms[a].strategy = Strategy::kEveryValue;
      matcher.unset.push_back(a);
    }
  }

  // Sets by kind: phrase lists, regexes, prefilter literals. Each kind is cheap in a DFA of its
  // own, but their partial matches combine in a shared one and its states multiply (measured on
  // SpamAssassin's regexes: patterns 25 ms and literals 35 ms apart, 1.3 s together). Lists, word-
  // anchored alternations that RE2 factors, share one set however many there are; regexes are cut
  // into sets of at most kMaxSetRegexes, because real-world regexes that each run at hundreds of
  // MB/s still multiply each other's states by the thousand (SpamAssassin's: 8 sets of about 100
  // scan 400 mails in 45 ms, one set of 814 in 800 ms). Regexes led by a literal (LedByLiteral)
  // are not counted: like the lists' phrases, they keep no thread alive outside their lead words,
  // and a set of many of them scans as fast as a set of a few (measured on workload W at 1,000
  // rules: 284 such regexes in one set cost half the instructions of three sets of 100, the
  // engine 15% in all). Then a greedy split by program size and entry count, in a fixed order.
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& x, const Entry& y) { return x.kind < y.kind; });
  const size_t max_program =
      options.max_set_program > 0 ? options.max_set_program : kDefaultMaxSetProgram;
  const size_t max_entries = options.max_set_entries > 0 ? options.max_set_entries : SIZE_MAX;
  const size_t max_regexes = options.max_set_regexes > 0 ? options.max_set_regexes
                                                          : kDefaultMaxSetRegexes;
  const RE2::Options set_options = SetOptions(options);
  std::vector<int> unplaced;
  std::vector<Entry> group;
  size_t group_program = 0;
  size_t group_regexes = 0;  // regexes not led by a literal
  for (Entry& e : entries) {
    const bool kind_changes = !group.empty() && group.back().kind != e.kind;
    const bool regexes_full = e.kind == Kind::kRegex && !e.led && group_regexes >= max_regexes;
    if (!group.empty() && (kind_changes || regexes_full ||
                           group_program + e.program_size > max_program ||
                           group.size() >= max_entries)) {
      PlaceEntries(group, set_options, &matcher, &unplaced);
      group.clear();
      group_program = 0;
      group_regexes = 0;
    }
    group_program += e.program_size;
    if (e.kind == Kind::kRegex && !e.led) ++group_regexes;
    group.push_back(std::move(e));
  }
  PlaceEntries(group, set_options, &matcher, &unplaced);

  for (int code : unplaced) {
    if (code >= 0) {
      matcher.unset.push_back(code);
      program->atoms[code].strategy = Strategy::kEveryValue;
      program->atoms[code].reason = "too large for any set within the memory budget";
    } else {
      matcher.literals_always = true;  // a literal no set holds: presume it present
    }
  }
  std::sort(matcher.unset.begin(), matcher.unset.end());
  return matcher;
}

void BuildMatchers(Program* program, const MatchingOptions& options) {
  std::map<int, std::vector<int>> by_field;
  for (size_t i = 0; i < program->atoms.size(); ++i) {
    by_field[program->atoms[i].field].push_back(static_cast<int>(i));
  }
  for (const auto& [field, atoms] : by_field) {
    program->fields[field].matcher = static_cast<int>(program->matchers.size());
    program->matchers.push_back(BuildFieldMatcher(program, field, atoms, options));
  }
}

MatchingPlan DescribePlan(const Program& program) {
  MatchingPlan plan;
  for (const FieldMatcher& matcher : program.matchers) {
    FieldPlan f;
    f.field = program.fields[matcher.field].name;
    for (size_t s = 0; s < matcher.sets.size(); ++s) {
      f.sets.push_back({matcher.sets[s].entries.size(), matcher.sets[s].program_size});
    }
    f.prefilter_literals = matcher.literals.size();
    std::vector<int> set_of(program.atoms.size(), -1);  // atom -> its set in this field
    for (size_t s = 0; s < matcher.sets.size(); ++s) {
      for (int entry : matcher.sets[s].entries) {
        if (entry >= 0) set_of[entry] = static_cast<int>(s);
      }
    }
    std::vector<PatternPlan> patterns;
    for (int a : matcher.atoms) {
      const Atom& atom = program.atoms[a];
      PatternPlan p;
      p.field = f.field;
      p.name = atom.name;
      p.file = atom.file;
      p.span = atom.span;
      p.location = atom.location;
      p.strategy = atom.strategy;
      p.program_size = atom.program_size;
      p.repeat_span = atom.repeat_span;
      p.reason = atom.reason;
      if (atom.strategy == Strategy::kPrefiltered) {
        ++f.prefiltered;
        p.literals = PrefilterLiterals(atom.pattern);
      }
      if (atom.strategy == Strategy::kEveryValue) ++f.every_value;
      p.set = set_of[a];
      patterns.push_back(std::move(p));
    }
    std::stable_sort(patterns.begin(), patterns.end(),
                     [](const PatternPlan& x, const PatternPlan& y) {
                       return x.file.value != y.file.value ? x.file.value < y.file.value
                                                           : x.span.begin < y.span.begin;
                     });
    for (PatternPlan& p : patterns) plan.patterns.push_back(std::move(p));
    plan.fields.push_back(std::move(f));
  }
  return plan;
}

}  // namespace triage::internal
