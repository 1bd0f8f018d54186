// SPDX-License-Identifier: Apache-2.0
// Program: the compiled form of a ruleset, shared (immutably) by every Scanner.
//
// A record flows through it in two steps. First, every text field that some rule matches against
// is scanned by that field's matcher (matcher_plan.h): RE2::Sets holding the field's DFA-friendly
// regexes, the phrases of its lists and the required literals of its hard regexes (an "atom" is
// one regex or list on one field), which answer "which atoms occur" in one pass per set whatever
// the number of rules (one set unless the field is very large); list hits are confirmed by the
// list's own regex (word edges), and a hard regex runs on its own only when its literals occur.
// Second, the rules run in evaluation order (a rule after every rule it refers to) as small
// expression trees over the atom bits and the field values; only count(...) ever looks at an
// atom's positions, and only when the matcher said the atom occurs.
#ifndef TRIAGE_COMPILE_PROGRAM_H_
#define TRIAGE_COMPILE_PROGRAM_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <re2/filtered_re2.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <unordered_map>

#include "analysis/analyzer.h"
#include "triage/config.h"
#include "triage/matching_plan.h"
#include "triage/rule_set.h"
#include "triage/source.h"
#include "util/string_table.h"

namespace triage::internal {

enum class ValueType { kAny, kText, kNumber, kBool };

const char* ValueTypeName(ValueType type);

// One step of a JSON path: a key, every element ([*]) or one element ([N]).
struct PathStep {
  enum class Kind { kKey, kWildcard, kIndex };
  Kind kind = Kind::kKey;
  std::string key;
  size_t index = 0;
};

struct Field {
  std::string name;
  ValueType type = ValueType::kAny;
  std::vector<std::string> path_texts;
  std::vector<std::vector<PathStep>> paths;
  int matcher = -1;  // index into Program::matchers, -1 when no rule matches text on it
};

// An RE2 built on first use, once, thread-safely (or given up front).
class LazyRegex {
 public:
  void Set(std::string pattern, const RE2::Options& options) {
    pattern_ = std::move(pattern);
    options_ = options;
  }
  void SetCompiled(std::unique_ptr<RE2> re) { re_ = std::move(re); }
  const RE2& Get() const {
    std::call_once(*once_, [this] {
      if (re_ == nullptr) re_ = std::make_unique<RE2>(pattern_, options_);
    });
    return *re_;
  }

 private:
  std::string pattern_;
  RE2::Options options_;
  std::unique_ptr<std::once_flag> once_ = std::make_unique<std::once_flag>();
  mutable std::unique_ptr<RE2> re_;
};

// A regex or phrase list applied to one field. `re` has exactly one capturing group, around the
// part that counts as the match (a list's phrase without its boundary characters).
struct Atom {
  int field = -1;
  std::string pattern;  // the RE2 source as compiled (inline flags included)
  // The compiled `pattern`: built when the atom is created, except for a phrase list's, whose
  // Unicode word-edge classes make it costly (about a millisecond each) and which only non-ASCII
  // text, count(...) on such text, and explanations need: it is built on first use, once, by
  // whichever thread needs it first.
  const RE2& Regex() const { return re.Get(); }
  LazyRegex re;
  // A list's set entry compiled on its own (lazily; unused for other atoms): what count(...)
  // runs on ASCII text when the list is exact_on_ascii, with group 0 as the match.
  LazyRegex set_re;
  // What goes into the field's set: `pattern` itself, or for a phrase list (not `partial`) the
  // bare alternation of its phrases, a cheaper superset whose hits `re` confirms.
  std::string set_pattern;
  bool is_list = false;
  bool fold_edges = false;      // a list whose set entry may miss K/S spelled U+212A/U+017F
  bool exact_on_ascii = false;  // a list whose set hits need no confirmation on ASCII text
  // Where it comes from, for the plan: the first pattern, list or literal that produced it.
  std::string name;
  FileId file;
  SourceSpan span;
  std::string location;  // "file:line:col"
  // Filled in by the matcher plan.
  PatternPlan::Strategy strategy = PatternPlan::Strategy::kSet;
  int program_size = 0;
  int repeat_span = 0;
  std::string reason;
};

// One RE2::Set of a field. An entry is an atom (index >= 0) or a prefilter literal (~index < 0,
// an index into the field's literals).
struct MatchSet {
  std::unique_ptr<RE2::Set> set;
  std::vector<int> entries;  // set index -> entry
  size_t program_size = 0;
};

// The matcher of one field (matcher_plan.h builds it).
struct FieldMatcher {
  int field = -1;
  std::vector<int> atoms;       // every atom of the field, in index order
  std::vector<MatchSet> sets;   // DFA-friendly atoms, list phrases and prefilter literals
  std::vector<int> unset;       // atoms no set could hold (memory): run on every value
  std::vector<int> fold_atoms;  // set+confirm lists with fold edges (atoms.h ListHasFoldEdges)
  // Hard regexes: FilteredRE2 over them; `literals` are what it asks to be found (lower case,
  // found case-insensitively by the sets). Null when the field has no hard regex.
  std::unique_ptr<re2::FilteredRE2> filter;
  std::vector<int> filter_atoms;   // FilteredRE2 regexp id -> atom index
  std::vector<int> filter_always;  // hard atoms the filter always passes (no literal)
  std::vector<std::string> literals;
  bool literals_always = false;      // a literal fits no set: count every literal as present
};

enum class NodeOp : uint8_t {
  kAnd,
  kOr,
  kNot,
  kMatch,     // a = atom
  kNotMatch,  // a = atom
  kCount,     // a = atom, cmp, number
  kExists,    // a = field
  kCompareNumber,  // a = field, cmp, number
  kCompareText,    // a = field, cmp (== or !=), text
  kCompareBool,    // a = field, cmp (== or !=), boolean
  kInNumbers,      // a = field, numbers
  kInTexts,        // a = field, texts
  kRuleRef,        // a = rule (evaluation index)
  kWords,          // a = span node: holds when it has a mention
  kWordsCount,     // a = span node, cmp, number: its number of mentions
  kCountOf,        // children, number: at least `number` children hold
};

enum class Cmp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };

struct ExprNode {
  NodeOp op = NodeOp::kAnd;
  Cmp cmp = Cmp::kEq;
  int a = -1;
  double number = 0;
  bool boolean = false;
  std::string text;
  std::vector<int> children;  // kAnd, kOr, kNot
  std::vector<double> numbers;
  std::vector<std::string> texts;
  FileId file;
  SourceSpan span;
  std::string source;    // the node's source text, for explanations
  std::string location;  // "file:line:col"
  // The node and its subtree are one test as written, expanded by the compiler (`text ~ any(a,
  // b)` is an `or` of one match per name, `text !~ near(...)` a `not` of the word-level test):
  // explanations show it as one test (ConditionOp::kTest).
  bool one_test = false;
};

// A condition a rule cannot fire without, checked before its expression: an atom that must occur
// (a match, or a count that 0 does not satisfy, in a chain of `and`) or a rule that must have
// fired; -1 when there is none. Most rules are gated by a match, so evaluation costs in proportion
// to what the text contains, not to the number of rules. Kept apart from CompiledRule (a large
// struct) so that the loop over the gates stays in cache.
struct RuleGate {
  int atom = -1;
  int rule = -1;       // evaluation index
  int term_atom = -1;  // a terms list that must have a mention on its field
  // Failing a single condition, one of several: the rule cannot fire unless one of
  // Program::gate_terms[any_begin, any_end) holds (`text ~ any(a, b)`, `x or y` of matches, an
  // `or` of alternatives that each need a match, a rule or a field value).
  int any_begin = 0;
  int any_end = 0;
  // Set by the wakers (RuleWakers): the rule is woken only when its gate holds (a gate of one
  // terms list, one earlier rule, or an any-of of terms lists and earlier rules; or no gate), so
  // the scanner need not test it again. A gate with an atom is always tested: a woken atom may
  // be a deferred regex that does not match.
  bool woken_means_holds = false;
};

// One alternative of a RuleGate's any-of condition: an atom that occurs, a terms list with a
// mention, a rule (evaluation index, earlier than the gated rule) that fired, or a field (index
// into Program::fields) that has a value of the kind a test of it reads (one of the four is >= 0).
struct GateTerm {
  enum class Values : uint8_t { kAny, kTexts, kNumbers, kBools };
  int atom = -1;
  int term_atom = -1;
  int rule = -1;
  int field = -1;
  Values values = Values::kAny;  // for a field: kAny (exists), else the values compared
};

// Rules by the condition that wakes them, in compressed rows: the rules of key k are
// rules[begin[k], begin[k + 1]) (evaluation indices, ascending). A rule is listed under one
// condition its gate cannot hold without (its atom, else its terms list, else the rule it
// refers to, else every alternative of its any-of), or in `always` when its gate has none. The
// scan sets the bits of the rules woken by what occurred and evaluates those, in evaluation order;
// the rule's whole gate is still checked, so waking is only a prefilter.
struct RuleIndex {
  std::vector<uint32_t> begin;  // by key, one more than there are keys
  std::vector<int> rules;
  std::pair<const int*, const int*> Of(size_t key) const {
    const int* base = rules.data();
    return {base + begin[key], base + begin[key + 1]};
  }
};

struct RuleWakers {
  std::vector<uint64_t> always;  // a bit per rule (evaluation index): the rules with no gate
  RuleIndex by_atom;             // by atom
  RuleIndex by_term_atom;        // by term atom
  RuleIndex by_rule;             // by rule (evaluation index): the rules gated on it having fired
  RuleIndex by_field;            // by field: the rules gated on it having a value
};

struct CompiledRule {
  std::string name;
  std::string description;
  FileId file;
  SourceSpan span;
  int root = -1;  // expression node
  bool enabled = true;
  int urgency = 0;
  std::optional<int> floor;
  std::vector<std::pair<int, int>> categories;  // (category index, score) in clause order
  std::vector<std::string> tags;
  std::vector<std::string> routes;
  std::string owner;
  std::string ref;
  std::string since;
  std::string location;  // "file:line:col" of the name
  bool overridden = false;
  bool is_private = false;  // a building block: evaluated, explained, left out of decisions
};

// An inline example, run when the ruleset is compiled.
struct Example {
  std::string text;
  int rule = -1;  // evaluation index of the enclosing rule, -1 at top level
  bool counter = false;  // counterexample: the rule must not fire
  std::string band;      // expected band, "" if not given
  std::vector<std::string> categories;  // expected among the assigned categories
  FileId file;
  SourceSpan span;
};

// ---- word level (compile/words.h builds these; scan/words.h runs them) ----------------------

// One element of a term phrase, matched against one analysed token (a gap: several).
struct TermElement {
  enum class Kind : uint8_t { kWord, kStem, kGap };
  Kind kind = Kind::kWord;
  std::string word;                // kWord: the folded form
  // kStem: the languages the element compares in (indexes into the config's
  // analysis.stem_languages, ascending: every language for a plain `(stem)` list, those named
  // for `(stem english)`), and the word's stem in each of them, in the same order. A token
  // matches when its stem equals the element's in one of these languages.
  std::vector<uint32_t> languages;
  std::vector<std::string> stems;
  // The same as ids of TermIndex::words and TermIndex::stems[languages[i]], set by
  // FinishTermIndex: the scanner compares a token's ids with these instead of strings.
  uint32_t word_id = StringTable::kNone;
  std::vector<uint32_t> stem_ids;
  int gap_min = 0;                 // kGap: {min,max} tokens, any
  int gap_max = 0;
};

// A distinct phrase of the pack's term lists, and the lists that hold it.
struct TermPhrase {
  std::vector<TermElement> elements;  // starts and ends with a word or stem
  std::vector<int> lists;
  // Per entry of `lists`: 1 if the phrase is matched for that list on the text's leet readings
  // (the list that wrote the phrase has the leet option; a list including it inherits that).
  std::vector<uint8_t> leet_lists;
  bool leet = false;  // some entry of leet_lists is 1
};

// A `terms` declaration.
struct TermsList {
  std::string name;
  // The stemmer languages its words compare in (indexes into analysis.stem_languages,
  // ascending); empty: no stems, words compare by their folded form.
  std::vector<uint32_t> stem_languages;
  // Its own phrases are also matched on the leet readings of the text (analysis/leet.h); the
  // phrases it includes from other lists follow TermPhrase::leet_lists.
  bool leet = false;
  FileId file;
  SourceSpan span;
  std::string location;
};

// A Bloom filter over 64-bit key hashes: two bits a key, about 8 bits a key (under 5% false
// positives), at least 4,096 bits. Most of a record's tokens are keys of no table; the filter
// answers them from a few kilobytes that stay in cache, where a probe of the tables, which grow
// with the pack, would miss it, so the cost per token stays flat as lists are added. Empty (it
// may hold anything) until Reset with at least one key.
class HashFilter {
 public:
  // Sizes the filter for `keys` keys, none added yet; with none it stays empty.
  void Reset(size_t keys) {
    bits_.clear();
    shift_ = 64;
    if (keys == 0) return;
    int log2_bits = 12;
    while ((size_t{1} << log2_bits) < keys * 8 && log2_bits < 40) ++log2_bits;
    bits_.assign((size_t{1} << log2_bits) / 64, 0);
    shift_ = 64 - log2_bits;
  }
  void Add(uint64_t h) {
    for (const uint64_t bit : {First(h), Second(h)}) bits_[bit >> 6] |= uint64_t{1} << (bit & 63);
  }
  // False when no key with hash `h` was added.
  bool MayHold(uint64_t h) const {
    if (bits_.empty()) return true;
    const uint64_t a = First(h);
    const uint64_t b = Second(h);
    return ((bits_[a >> 6] >> (a & 63)) & (bits_[b >> 6] >> (b & 63)) & 1) != 0;
  }

 private:
  uint64_t First(uint64_t h) const { return (h * 0x9E3779B97F4A7C15ULL) >> shift_; }
  uint64_t Second(uint64_t h) const { return (h * 0xC2B2AE3D27D4EB4FULL) >> shift_; }

  std::vector<uint64_t> bits_;
  int shift_ = 64;  // 64 - log2(the filter's bits)
};

// Phrases by their first element: a token's form or its stem in a language leads to the phrases
// that can start at it, so the cost per token does not grow with the number of lists.
struct TermIndex {
  std::unordered_map<std::string, std::vector<int>> by_word;
  std::vector<std::unordered_map<std::string, std::vector<int>>> by_stem;  // per language
  bool any_stem = false;
  bool any_leet = false;  // some list has the leet option
  // The most tokens a phrase of a leet list can span (its words and its gaps' widths): a match
  // that starts further than this before a leet word cannot reach it.
  int leet_reach = 0;
  // Every key of by_word and by_stem (std::hash), built by FinishTermIndex (compile/words.h).
  HashFilter filter;
  // The vocabulary of every phrase element (FinishTermIndex): each distinct word of a kWord
  // element, and per stemmer language each distinct stem of a kStem element, as dense ids.
  StringTable words;
  std::vector<StringTable> stems;  // by language
  // By word id: the phrases whose first element is that word (by_word's list, in its order), at
  // phrases_by_word[phrases_by_word_begin[id], phrases_by_word_begin[id + 1]).
  std::vector<uint32_t> phrases_by_word_begin;
  std::vector<int> phrases_by_word;
  // Every word of `words` (HashWord): a record's tokens are looked up in `words` one by one
  // (FindWord), and most are in no phrase.
  HashFilter word_filter;
  // The id of `form` in `words`, or StringTable::kNone.
  uint32_t FindWord(std::string_view form) const { return FindWord(form, HashWord(form)); }
  // The same, given `h` == HashWord(form).
  uint32_t FindWord(std::string_view form, uint64_t h) const {
    return word_filter.MayHold(h) ? words.Find(form, h) : StringTable::kNone;
  }
  // The phrases whose first element is word `id` of `words`, in by_word's order.
  std::pair<const int*, const int*> PhrasesByWord(uint32_t id) const {
    const int* base = phrases_by_word.data();
    return {base + phrases_by_word_begin[id], base + phrases_by_word_begin[id + 1]};
  }

  // False when `key` is certainly no key of by_word or by_stem.
  bool MayHold(std::string_view key) const {
    return filter.MayHold(std::hash<std::string_view>()(key));
  }
};

// Context kinds (ConText): a mention inside a trigger's scope carries the kind's bit.
enum ContextBit : uint8_t {
  kNegated = 1,
  kHistorical = 2,
  kHypothetical = 4,
  kOther = 8,
  kMedia = 16,  // a film, the news, fiction, a school project: not a case the reporter knows of
};

struct ContextTrigger {
  uint8_t bit = 0;
  bool after = true;   // the scope follows the trigger
  bool before = false; // the scope precedes it
  int window = 0;      // tokens
  int list = -1;       // terms list of the triggers
};

// A word-level field: a text field some rule reads as words.
struct WordField {
  int field = -1;
  std::vector<int> term_atom;  // by terms list: its term atom on this field, or -1
  bool context = false;        // some context filter reads this field
  // By phrase: the term atoms its lists have on this field (in the order of TermPhrase::lists,
  // lists without one left out), at phrase_atoms[phrase_atoms_begin[p], phrase_atoms_begin[p +
  // 1]); the word pass adds a phrase's mentions from these without looking up each list.
  std::vector<uint32_t> phrase_atoms_begin;
  std::vector<int> phrase_atoms;
};

// A terms list applied to one field; its mentions are found in the token pass.
struct TermAtom {
  int field = -1;  // index into Program::fields
  int list = -1;
};

// A word-level expression over one field; evaluated to a list of mentions.
enum class SpanOp : uint8_t {
  kTerms,     // a = term atom
  kRegex,     // a = atom (a regex or character-level list), its matches mapped to tokens
  kNumber,    // low..high
  kUnion,     // any(...): children
  kNear,      // children, within: any order
  kOrdered,   // children, within: in order
  kSentence,  // children: one sentence
  kFilter,    // children[0]; filter: 0 = affirmed (no context bit), else the bit required
};

// The most parts near(...), ordered(...) and sentence(...) take (the checker enforces it).
constexpr size_t kMaxSpanParts = 8;

struct SpanNode {
  SpanOp op = SpanOp::kTerms;
  int field = -1;  // index into Program::fields
  int a = -1;
  double low = 0;
  double high = 0;
  int within = 0;
  uint8_t filter = 0;
  bool filter_invert = false;  // kFilter: keep the mentions without the `filter` mark (unnegated)
  std::vector<int> children;
  FileId file;
  SourceSpan span;
  std::string source;
  std::string location;
};

// The fields the conversation scanner reads (indices into Program::fields): always extracted,
// whether or not a rule reads them.
struct ConversationFields {
  int kind = -1;
  int conversation = -1;
  int from = -1;
  int to = -1;
  int received_at = -1;
  int text = -1;
};

struct Program {
  EngineConfig config;
  std::string digest;
  std::vector<RuleSetSource> sources;

  std::vector<Field> fields;
  int id_field = -1;
  ConversationFields conversation_fields;
  // The field of categories.fallback_by_field (an index into `fields`, always extracted), or -1
  // without that setting.
  int fallback_field = -1;
  std::vector<Atom> atoms;
  std::vector<FieldMatcher> matchers;
  std::vector<ExprNode> nodes;
  std::vector<CompiledRule> rules;  // evaluation order
  std::vector<RuleGate> gates;      // by evaluation index
  std::vector<GateTerm> gate_terms;  // the gates' any-of alternatives
  // What wakes a rule (BuildGates): the scan evaluates only the rules some condition of their
  // gate names (RuleWakers), so that its loop over the rules costs in proportion to what occurred.
  RuleWakers wakers;
  std::vector<std::string> categories;
  std::vector<std::string> category_descriptions;
  int fallback_category = -1;
  std::vector<Example> examples;

  // Word level: empty unless some rule reads words.
  std::shared_ptr<const Analyzer> analyzer;
  std::vector<TermsList> terms;
  std::vector<TermPhrase> phrases;
  // By phrase: the most tokens it spans (its words and stems, and its gaps at their widest): a
  // phrase from token t reads no token at or past t + phrase_reach[phrase].
  std::vector<uint32_t> phrase_reach;
  TermIndex term_index;
  std::vector<ContextTrigger> triggers;
  std::vector<int> terminators;  // terms lists that end a context scope
  std::vector<int> pseudo_triggers;  // terms lists whose mentions cancel the triggers they contain
  std::vector<TermAtom> term_atoms;
  std::vector<WordField> word_fields;
  std::vector<int> word_field_of;  // by field: index into word_fields, or -1
  std::vector<SpanNode> spans;
};

}  // namespace triage::internal

#endif  // TRIAGE_COMPILE_PROGRAM_H_
