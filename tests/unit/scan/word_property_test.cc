// SPDX-License-Identifier: Apache-2.0
// A property test of the word-level language (docs/rules.md section 13): random texts and random
// rule sets of token-level constructs are compiled and scanned through the public API, and the
// rules that fire are compared with a deliberately naive reference evaluator written here from
// the documentation.
//
// The reference shares only the analyser with the engine (the tokens, their forms, numbers and
// sentences, and Snowball stems, from internal::Analyzer built with the same config): it does not
// use the phrase table, the term index or WordState. It works per rule and per token, with no
// index, no memo and no pruning:
//   - a phrase is its words analysed one by one (a stem list compares Snowball stems in each of
//     its languages, every configured one for a plain (stem), numbers excepted) and gaps; at each
//     start token every way of filling the gaps is tried, and the mention ends at the nearest
//     end found;
//   - number(lo..hi): each number token in range;
//   - near/ordered/sentence: every combination of one mention per part is tried;
//   - contexts: each trigger mention opens a scope of N tokens after and/or before it that stops
//     at a terminator token and at the end of its sentence (a trigger mention inside a mention of
//     a pseudo-trigger list opens none); a mention is marked by a scope it
//     overlaps unless it contains that scope's trigger; a composite carries its parts' marks;
//   - a mention is its tokens and its marks: the same tokens reached with different marks are
//     different mentions for the filters, one mention for count(...).
// Every case is deterministic (fixed seeds: 8 seeds of 60 rule sets and 25 records each, 12,000
// cases; TRIAGE_PROPERTY_SEEDS=N runs N seeds instead, for a long search, and prints totals).
// Cases in which the engine's documented bounds (256
// mentions per expression and record, a bounded search per proximity node) could cut the search
// are left out of the comparison and counted; they must stay rare.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "triage/explain.h"
#include "triage/scanner.h"

#include "analysis/analyzer.h"
#include "support/compile_helpers.h"

namespace triage::testing {
namespace {

using internal::AnalyzedText;
using internal::Analyzer;
using internal::AnalyzerScratch;
using internal::Token;

constexpr char kConfig[] =
    "analysis:\n  stemmers: [english, spanish]\n  dictionaries: [sms.dict]\n";
constexpr char kDict[] = "u => you\nrn => right now\nfourteen => 14\ncatorce => 14\n";

// The engine's documented bounds (docs/rules.md 13.7; word_state.cc).
constexpr size_t kMaxMentions = 256;
constexpr size_t kMaxCombineSteps = 4096;

// A fixed-seed random source that uses only rng() % n, so that the cases are the same with every
// standard library.
class Random {
 public:
  explicit Random(uint32_t seed) : rng_(seed) {}
  size_t Below(size_t n) { return rng_() % n; }
  int Between(int lo, int hi) { return lo + static_cast<int>(Below(hi - lo + 1)); }
  bool Chance(int percent) { return Below(100) < static_cast<size_t>(percent); }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Below(v.size())];
  }

 private:
  std::mt19937 rng_;
};

// ---- the generated rules ----------------------------------------------------------------------

struct List {
  std::string name;
  bool stem = false;
  // The languages named in (stem ...), as indexes into kConfig's stemmers; empty: every one.
  std::vector<size_t> languages;
  std::vector<std::string> phrases;  // as written: words and {m,n} gaps separated by spaces
};

enum ContextBits : uint8_t {
  kNegated = 1,
  kHistorical = 2,
  kHypothetical = 4,
  kOther = 8,
  kMedia = 16
};

struct Context {
  std::string kind;  // negated ... media, or terminate or pseudo
  uint8_t bit = 0;   // 0 for terminate and pseudo
  bool after = false;
  bool before = false;
  int window = 0;
  int list = -1;
};

// A word-level expression.
struct Span {
  enum class Op { kTerms, kNumber, kAny, kNear, kOrdered, kSentence, kFilter };
  Op op = Op::kTerms;
  int list = -1;           // kTerms
  std::vector<int> lists;  // kAny
  std::string low;         // kNumber, as written
  std::string high;
  int within = -1;     // kNear, kOrdered: -1 = not written (5)
  uint8_t filter = 0;  // kFilter: 0 = affirmed, else the kind's bit
  std::vector<Span> parts;
};

struct Cond {
  enum class Op { kMatch, kNotMatch, kCount, kCountOf, kNot, kAnd, kOr, kRef };
  Op op = Op::kMatch;
  Span span;
  bool count_equal = false;  // kCount: == instead of >=
  int number = 0;            // kCount: the count; kCountOf: N
  int rule = -1;             // kRef
  std::vector<Cond> children;
};

struct Rule {
  std::string name;
  bool is_private = false;
  Cond when;
};

struct Case {
  std::vector<List> lists;
  std::vector<Context> contexts;
  std::vector<Rule> rules;
};

// The test's code for unnegated(...): no context kind uses this bit.
constexpr uint8_t kUnnegated = 0x80;

const char* FilterName(uint8_t filter) {
  switch (filter) {
    case 0:
      return "affirmed";
    case kUnnegated:
      return "unnegated";
    case kNegated:
      return "negated";
    case kHistorical:
      return "historical";
    case kHypothetical:
      return "hypothetical";
    case kOther:
      return "other";
    default:
      return "media";
  }
}

std::string Render(const Case& c, const Span& s) {
  switch (s.op) {
    case Span::Op::kTerms:
      return c.lists[s.list].name;
    case Span::Op::kNumber:
      return "number(" + s.low + ".." + s.high + ")";
    case Span::Op::kAny: {
      std::string out = "any(";
      for (size_t i = 0; i < s.lists.size(); ++i) {
        out += (i ? ", " : "") + c.lists[s.lists[i]].name;
      }
      return out + ")";
    }
    case Span::Op::kFilter:
      return std::string(FilterName(s.filter)) + "(" + Render(c, s.parts[0]) + ")";
    default: {
      std::string out = s.op == Span::Op::kNear      ? "near("
                        : s.op == Span::Op::kOrdered ? "ordered("
                                                     : "sentence(";
      for (size_t i = 0; i < s.parts.size(); ++i) out += (i ? ", " : "") + Render(c, s.parts[i]);
      if (s.within >= 0) out += ", within " + std::to_string(s.within);
      return out + ")";
    }
  }
}

std::string Render(const Case& c, const Cond& cond) {
  switch (cond.op) {
    case Cond::Op::kMatch:
      return "text ~ " + Render(c, cond.span);
    case Cond::Op::kNotMatch:
      return "text !~ " + Render(c, cond.span);
    case Cond::Op::kCount:
      return "count(text ~ " + Render(c, cond.span) + ") " + (cond.count_equal ? "== " : ">= ") +
             std::to_string(cond.number);
    case Cond::Op::kCountOf: {
      std::string out = std::to_string(cond.number) + " of (";
      for (size_t i = 0; i < cond.children.size(); ++i) {
        out += (i ? ", " : "") + Render(c, cond.children[i]);
      }
      return out + ")";
    }
    case Cond::Op::kNot:
      return "not (" + Render(c, cond.children[0]) + ")";
    case Cond::Op::kAnd:
    case Cond::Op::kOr:
      return "(" + Render(c, cond.children[0]) + (cond.op == Cond::Op::kAnd ? " and " : " or ") +
             Render(c, cond.children[1]) + ")";
    case Cond::Op::kRef:
      return c.rules[cond.rule].name;
  }
  return "";
}

std::string Render(const Case& c) {
  std::string out;
  for (const List& l : c.lists) {
    static const char* const kLanguages[] = {"english", "spanish"};
    out += "terms " + l.name;
    if (l.stem) {
      out += " (stem";
      for (size_t language : l.languages) out += std::string(" ") + kLanguages[language];
      out += ")";
    }
    out += " = ";
    for (size_t i = 0; i < l.phrases.size(); ++i) {
      out += (i ? ", \"" : "\"") + l.phrases[i] + "\"";
    }
    out += "\n";
  }
  for (const Context& x : c.contexts) {
    out += "context " + x.kind;
    if (x.bit != 0) {
      out += x.after && x.before ? " around " : x.after ? " after " : " before ";
      out += std::to_string(x.window);
    }
    out += " = " + c.lists[x.list].name + "\n";
  }
  for (const Rule& r : c.rules) {
    out += std::string(r.is_private ? "private " : "") + "rule " + r.name + " { when " +
           Render(c, r.when) + " }\n";
  }
  return out;
}

// ---- generation -------------------------------------------------------------------------------

// Words of the texts and of the phrases: plain words, inflections for the stems, accents and
// case, dictionary entries (u, rn, fourteen, catorce), numbers, digits+letters, trigger words.
const std::vector<std::string> kWords = {
    "alpha", "beta", "gamma", "delta", "sell", "sells", "selling", "sold", "vender", "venden",
    "niña", "nina", "café", "cafe", "passport", "took", "my", "old", "the", "he", "she", "girl",
    "girls", "years", "ago", "not", "never", "no", "one", "but", "pero", "u", "you", "rn", "right",
    "now", "3", "14", "17", "20", "2.5", "99", "fourteen", "catorce", "14yo", "3rd", "0",
    // Stems equal in one language only: "made" and "mad" in Spanish, "sells" and "selling" in
    // English, "vender" and "venden" in Spanish.
    "made", "mad"};
const std::vector<std::string> kTriggerPhrases = {"not",  "never",     "no one", "but",
                                                  "pero", "years ago", "u",      "no"};
// Stock fragments that texts carry now and then, and phrases that overlap them and the
// multi-word triggers, so that mentions partly inside a trigger are common enough to test.
const std::vector<std::string> kFragments = {"no one of the girls", "years ago she sold",
                                             "he did not sell", "u took my passport",
                                             "never sold 14yo girls"};
const std::vector<std::string> kFragmentPhrases = {"one of the girls", "ago she",
                                                   "one {0,2} girls",  "she sold",
                                                   "not sell",         "took {0,1} passport"};
const std::vector<std::string> kBounds = {"0", "3", "10", "14", "17", "20", "100", "2.5"};

std::string Capitalised(const std::string& word) {
  std::string out = word;
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 32);
  return out;
}

std::string RandomText(Random* rng) {
  const int words = rng->Between(1, 18);
  std::string text;
  bool capital = rng->Chance(30);
  for (int w = 0; w < words; ++w) {
    std::string word = rng->Chance(15) ? rng->Pick(kFragments) : rng->Pick(kWords);
    if (capital || rng->Chance(5)) word = Capitalised(word);
    if (rng->Chance(3)) {
      for (char& ch : word) {
        if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 32);
      }
    }
    text += word;
    capital = false;
    if (w + 1 == words) {
      static const std::vector<std::string> kEnds = {".", "!", "?"};
      if (rng->Chance(50)) text += rng->Pick(kEnds);
      break;
    }
    const size_t sep = rng->Below(100);
    if (sep < 70) {
      text += " ";
    } else if (sep < 80) {
      text += ". ";
      capital = rng->Chance(60);
    } else if (sep < 84) {
      text += "? ";
    } else if (sep < 87) {
      text += "! ";
    } else if (sep < 92) {
      text += ", ";
    } else if (sep < 97) {
      text += "\n";
    } else {
      text += ".\n";
    }
  }
  return text;
}

std::string RandomPhrase(Random* rng, bool trigger) {
  if (trigger) return rng->Pick(kTriggerPhrases);
  if (rng->Chance(25)) return rng->Pick(kFragmentPhrases);
  const int words = rng->Chance(55) ? 1 : rng->Between(2, 3);
  std::string phrase;
  for (int w = 0; w < words; ++w) {
    if (w > 0) {
      phrase += " ";
      if (rng->Chance(35)) {
        const int lo = rng->Between(0, 2);
        const int hi = lo + rng->Between(0, 2);
        phrase += rng->Chance(30) && lo == hi
                      ? "{" + std::to_string(lo) + "} "
                      : "{" + std::to_string(lo) + "," + std::to_string(hi) + "} ";
      }
    }
    phrase += rng->Pick(kWords);
  }
  return phrase;
}

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  Case NewCase() {
    Case c;
    const int lists = rng_.Between(3, 6);
    for (int i = 0; i < lists; ++i) {
      List l;
      l.name = "t" + std::to_string(i);
      l.stem = rng_.Chance(30);
      if (l.stem) {
        switch (rng_.Below(5)) {
          case 2:
            l.languages = {0};
            break;
          case 3:
            l.languages = {1};
            break;
          case 4:
            l.languages = {1, 0};  // written in any order
            break;
          default:
            break;  // plain (stem): every language
        }
      }
      const int phrases = rng_.Between(1, 3);
      for (int p = 0; p < phrases; ++p) l.phrases.push_back(RandomPhrase(&rng_, false));
      c.lists.push_back(l);
    }
    if (rng_.Chance(70)) {  // contexts on trigger lists of their own
      const int triggers = rng_.Between(1, 3);
      static const std::vector<std::pair<std::string, uint8_t>> kKinds = {
          {"negated", kNegated},
          {"historical", kHistorical},
          {"hypothetical", kHypothetical},
          {"other", kOther},
          {"media", kMedia}};
      for (int i = 0; i < triggers; ++i) {
        List l;
        l.name = "x" + std::to_string(i);
        const int phrases = rng_.Between(1, 2);
        for (int p = 0; p < phrases; ++p) l.phrases.push_back(RandomPhrase(&rng_, true));
        c.lists.push_back(l);
        Context x;
        const auto& kind = rng_.Pick(kKinds);
        x.kind = kind.first;
        x.bit = kind.second;
        const size_t direction = rng_.Below(3);
        x.after = direction != 1;
        x.before = direction != 0;
        x.window = rng_.Between(1, 6);
        x.list = static_cast<int>(c.lists.size()) - 1;
        c.contexts.push_back(x);
      }
      if (rng_.Chance(50)) {
        Context t;
        t.kind = "terminate";
        t.list = static_cast<int>(rng_.Below(c.lists.size()));
        c.contexts.push_back(t);
      }
      if (rng_.Chance(30)) {
        Context p;
        p.kind = "pseudo";
        p.list = static_cast<int>(rng_.Below(c.lists.size()));
        c.contexts.push_back(p);
      }
    }
    terms_ = lists;
    const int rules = rng_.Between(3, 8);
    for (int i = 0; i < rules; ++i) {
      Rule r;
      r.name = "r" + std::to_string(i);
      r.is_private = rng_.Chance(20);
      r.when = RandomCond(i, 2);
      c.rules.push_back(r);
    }
    return c;
  }

 private:
  Span RandomSpan(int depth) {
    Span s;
    const size_t x = rng_.Below(100);
    if (depth == 0 || x < 40) {
      const size_t leaf = rng_.Below(100);
      if (leaf < 72) {
        s.op = Span::Op::kTerms;
        s.list = static_cast<int>(rng_.Below(terms_));
      } else if (leaf < 90) {
        s.op = Span::Op::kNumber;
        s.low = rng_.Pick(kBounds);
        s.high = rng_.Pick(kBounds);
        if (std::stod(s.low) > std::stod(s.high)) std::swap(s.low, s.high);
      } else {
        s.op = Span::Op::kAny;
        s.lists = {static_cast<int>(rng_.Below(terms_)), static_cast<int>(rng_.Below(terms_))};
      }
      return s;
    }
    if (x < 75) {
      const size_t op = rng_.Below(3);
      s.op = op == 0 ? Span::Op::kNear : op == 1 ? Span::Op::kOrdered : Span::Op::kSentence;
      const int parts = rng_.Chance(75) ? 2 : 3;
      for (int i = 0; i < parts; ++i) s.parts.push_back(RandomSpan(depth - 1));
      if (s.op != Span::Op::kSentence && rng_.Chance(80)) s.within = rng_.Between(0, 6);
      return s;
    }
    s.op = Span::Op::kFilter;
    static const std::vector<uint8_t> kFilters = {
        0, 0, 0, kNegated, kHistorical, kHypothetical, kOther, kMedia, kUnnegated};
    s.filter = rng_.Pick(kFilters);
    s.parts.push_back(RandomSpan(depth - 1));
    return s;
  }

  Cond RandomCond(int rule, int depth) {
    Cond c;
    const size_t x = rng_.Below(100);
    if (depth == 0 || x < 45) {
      if (rule > 0 && rng_.Chance(12)) {
        c.op = Cond::Op::kRef;
        c.rule = static_cast<int>(rng_.Below(rule));
        return c;
      }
      const size_t leaf = rng_.Below(100);
      c.op = leaf < 75 ? Cond::Op::kMatch : leaf < 85 ? Cond::Op::kNotMatch : Cond::Op::kCount;
      c.span = RandomSpan(2);
      if (c.op == Cond::Op::kCount) {
        c.count_equal = rng_.Chance(30);
        c.number = rng_.Between(c.count_equal ? 0 : 1, 3);
      }
      return c;
    }
    if (x < 60) {
      c.op = Cond::Op::kCountOf;
      const int n = rng_.Between(2, 3);
      for (int i = 0; i < n; ++i) c.children.push_back(RandomCond(rule, depth - 1));
      c.number = rng_.Between(1, n);
      return c;
    }
    if (x < 70) {
      c.op = Cond::Op::kNot;
      c.children.push_back(RandomCond(rule, depth - 1));
      return c;
    }
    c.op = x < 85 ? Cond::Op::kAnd : Cond::Op::kOr;
    c.children.push_back(RandomCond(rule, depth - 1));
    c.children.push_back(RandomCond(rule, depth - 1));
    return c;
  }

  Random rng_;
  size_t terms_ = 0;  // lists t0.. (rules read these; triggers come after them)
};

// ---- the reference evaluator ------------------------------------------------------------------

// A mention: tokens [first, last) of text value `value`, and its context marks.
struct Mention {
  uint32_t value = 0;
  uint32_t first = 0;
  uint32_t last = 0;
  uint8_t flags = 0;
  bool operator<(const Mention& o) const {
    return std::tie(value, first, last, flags) < std::tie(o.value, o.first, o.last, o.flags);
  }
};
using Mentions = std::set<Mention>;

// One word of a phrase: a form or its stems in its list's languages; or a gap.
struct Element {
  bool gap = false;
  int gap_min = 0;
  int gap_max = 0;
  bool stem = false;
  std::string form;
  std::vector<std::pair<size_t, std::string>> stems;  // (language, stem)
};

class Reference {
 public:
  Reference(const Analyzer& analyzer, const Case& c) : analyzer_(analyzer), case_(c) {
    scratch_ = analyzer.NewScratch();
    for (const List& list : c.lists) {
      std::vector<std::vector<Element>> phrases;
      for (const std::string& phrase : list.phrases) phrases.push_back(Phrase(phrase, list));
      lists_.push_back(std::move(phrases));
    }
  }

  // Evaluates every rule on the text values; returns false when the engine's bounds could have
  // cut a search (the case is then not comparable).
  bool Run(const std::vector<std::string>& values, std::vector<bool>* fired) {
    texts_.assign(values.size(), AnalyzedText());
    for (size_t v = 0; v < values.size(); ++v)
      analyzer_.Analyze(values[v], scratch_.get(), &texts_[v]);
    MarkScopes();
    bounded_ = false;
    fired->assign(case_.rules.size(), false);
    for (size_t r = 0; r < case_.rules.size(); ++r) {
      (*fired)[r] = Holds(case_.rules[r].when, *fired);
    }
    return !bounded_;
  }

  // The tokens of value v, for failure messages.
  std::string Tokens() const {
    std::string out;
    for (size_t v = 0; v < texts_.size(); ++v) {
      out += "value " + std::to_string(v) + ":";
      for (const Token& t : texts_[v].tokens) {
        out += " " + t.form + "/s" + std::to_string(t.sentence);
      }
      out += "\n";
    }
    return out;
  }

 private:
  // A phrase as written: its words analysed one at a time, gaps as they are.
  std::vector<Element> Phrase(const std::string& phrase, const List& list) {
    std::vector<Element> elements;
    std::istringstream in(phrase);
    std::string word;
    while (in >> word) {
      if (word[0] == '{') {
        Element gap;
        gap.gap = true;
        const size_t comma = word.find(',');
        gap.gap_min = std::stoi(word.substr(1));
        gap.gap_max = comma == std::string::npos ? gap.gap_min : std::stoi(word.substr(comma + 1));
        elements.push_back(gap);
        continue;
      }
      AnalyzedText analyzed;
      analyzer_.Analyze(word, scratch_.get(), &analyzed);
      for (const Token& t : analyzed.tokens) {
        Element e;
        e.form = t.form;
        if (list.stem && !t.is_number) {
          e.stem = true;
          for (size_t l = 0; l < analyzer_.config().stem_languages.size(); ++l) {
            const bool named =
                list.languages.empty() ||
                std::find(list.languages.begin(), list.languages.end(), l) != list.languages.end();
            if (named) e.stems.emplace_back(l, analyzer_.Stem(t.form, l, scratch_.get()));
          }
        }
        elements.push_back(e);
      }
    }
    return elements;
  }

  bool Matches(const Element& e, const Token& t) {
    if (!e.stem) return t.form == e.form;
    if (t.is_number) return false;
    for (const auto& [language, stem] : e.stems) {
      if (analyzer_.Stem(t.form, language, scratch_.get()) == stem) return true;
    }
    return false;
  }

  // Every end of elements [k..] matched from token `pos`.
  void Ends(const std::vector<Element>& elements, size_t k, const std::vector<Token>& tokens,
            size_t pos, std::set<size_t>* ends) {
    if (k == elements.size()) {
      ends->insert(pos);
      return;
    }
    const Element& e = elements[k];
    if (e.gap) {
      for (int skip = e.gap_min; skip <= e.gap_max; ++skip)
        Ends(elements, k + 1, tokens, pos + skip, ends);
      return;
    }
    if (pos < tokens.size() && Matches(e, tokens[pos]))
      Ends(elements, k + 1, tokens, pos + 1, ends);
  }

  // The mentions of list `list`, unmarked.
  std::vector<Mention> ListMentions(int list) {
    std::vector<Mention> out;
    for (uint32_t v = 0; v < texts_.size(); ++v) {
      const std::vector<Token>& tokens = texts_[v].tokens;
      for (uint32_t start = 0; start < tokens.size(); ++start) {
        for (const std::vector<Element>& phrase : lists_[list]) {
          std::set<size_t> ends;
          Ends(phrase, 0, tokens, start, &ends);
          if (!ends.empty()) out.push_back({v, start, static_cast<uint32_t>(*ends.begin()), 0});
        }
      }
    }
    return out;
  }

  struct Scope {
    uint32_t value, begin, end, trigger_first, trigger_last;
    uint8_t bit;
  };

  void MarkScopes() {
    scopes_.clear();
    std::vector<std::vector<bool>> terminator(texts_.size());
    for (size_t v = 0; v < texts_.size(); ++v) terminator[v].assign(texts_[v].tokens.size(), false);
    std::vector<Mention> pseudo;
    for (const Context& x : case_.contexts) {
      if (x.bit != 0) continue;
      for (const Mention& m : ListMentions(x.list)) {
        if (x.kind == "pseudo") {
          pseudo.push_back(m);
          continue;
        }
        for (uint32_t t = m.first; t < m.last; ++t) terminator[m.value][t] = true;
      }
    }
    for (const Context& x : case_.contexts) {
      if (x.bit == 0) continue;
      for (const Mention& m : ListMentions(x.list)) {
        // A trigger mention inside a pseudo-trigger mention opens no scope.
        bool cancelled = false;
        for (const Mention& p : pseudo) {
          cancelled = cancelled || (p.value == m.value && p.first <= m.first && m.last <= p.last);
        }
        if (cancelled) continue;
        const std::vector<Token>& tokens = texts_[m.value].tokens;
        const uint32_t sentence = tokens[m.first].sentence;
        auto in_scope = [&](uint32_t t) {
          return !terminator[m.value][t] && tokens[t].sentence == sentence;
        };
        if (x.after) {
          uint32_t end = m.last;
          while (end < tokens.size() && end - m.last < static_cast<uint32_t>(x.window) &&
                 in_scope(end)) {
            ++end;
          }
          if (end > m.last) scopes_.push_back({m.value, m.last, end, m.first, m.last, x.bit});
        }
        if (x.before) {
          uint32_t begin = m.first;
          while (begin > 0 && m.first - begin < static_cast<uint32_t>(x.window) &&
                 in_scope(begin - 1)) {
            --begin;
          }
          if (begin < m.first) scopes_.push_back({m.value, begin, m.first, m.first, m.last, x.bit});
        }
      }
    }
  }

  // A trigger inside one part of a composite marks none of its parts; a part keeps only the marks
  // of scopes triggered outside every chosen part.
  uint8_t CompositeMarks(const std::vector<const Mention*>& chosen) const {
    uint8_t flags = 0;
    for (const Mention* part : chosen) {
      uint8_t kept = 0;
      for (const Scope& s : scopes_) {
        if (s.value != part->value || !(s.begin < part->last && part->first < s.end)) continue;
        bool inside = false;
        for (const Mention* other : chosen) {
          inside = inside || (other->first <= s.trigger_first && s.trigger_last <= other->last);
        }
        if (!inside) kept |= s.bit;
      }
      flags |= part->flags & kept;
    }
    return flags;
  }

  uint8_t Marks(uint32_t value, uint32_t first, uint32_t last) const {
    uint8_t flags = 0;
    for (const Scope& s : scopes_) {
      const bool overlaps = s.value == value && s.begin < last && first < s.end;
      const bool contains_trigger = first <= s.trigger_first && s.trigger_last <= last;
      if (overlaps && !contains_trigger) flags |= s.bit;
    }
    return flags;
  }

  Mentions Eval(const Span& s) {
    Mentions out;
    switch (s.op) {
      case Span::Op::kTerms:
        for (const Mention& m : ListMentions(s.list)) {
          out.insert({m.value, m.first, m.last, Marks(m.value, m.first, m.last)});
        }
        break;
      case Span::Op::kAny:
        for (int list : s.lists) {
          for (const Mention& m : ListMentions(list)) {
            out.insert({m.value, m.first, m.last, Marks(m.value, m.first, m.last)});
          }
        }
        break;
      case Span::Op::kNumber: {
        const double low = std::stod(s.low);
        const double high = std::stod(s.high);
        for (uint32_t v = 0; v < texts_.size(); ++v) {
          const std::vector<Token>& tokens = texts_[v].tokens;
          for (uint32_t t = 0; t < tokens.size(); ++t) {
            if (tokens[t].is_number && tokens[t].number >= low && tokens[t].number <= high) {
              out.insert({v, t, t + 1, Marks(v, t, t + 1)});
            }
          }
        }
        break;
      }
      case Span::Op::kFilter:
        for (const Mention& m : Eval(s.parts[0])) {
          const bool keep = s.filter == kUnnegated ? (m.flags & kNegated) == 0
                            : s.filter == 0          ? m.flags == 0
                                                     : (m.flags & s.filter) != 0;
          if (keep) out.insert(m);
        }
        break;
      default:
        Combine(s, &out);
        break;
    }
    if (out.size() > kMaxMentions / 2) bounded_ = true;
    return out;
  }

  void Combine(const Span& s, Mentions* out) {
    std::vector<std::vector<Mention>> parts;
    size_t steps = 0;
    size_t product = 1;
    for (const Span& part : s.parts) {
      const Mentions m = Eval(part);
      parts.emplace_back(m.begin(), m.end());
      product *= m.size();
      steps += product;
    }
    if (steps > kMaxCombineSteps / 2) bounded_ = true;
    const int within = s.within < 0 ? 5 : s.within;
    std::vector<const Mention*> chosen(parts.size());
    // Every combination of one mention per part.
    std::function<void(size_t)> choose = [&](size_t k) {
      if (k < parts.size()) {
        for (const Mention& m : parts[k]) {
          chosen[k] = &m;
          choose(k + 1);
        }
        return;
      }
      const Mention& a = *chosen[0];
      uint32_t lo = a.first, hi = a.last, covered = 0;
      uint8_t flags = 0;
      for (size_t i = 0; i < chosen.size(); ++i) {
        const Mention& m = *chosen[i];
        if (m.value != a.value) return;
        for (size_t j = 0; j < i; ++j) {
          if (m.first < chosen[j]->last && chosen[j]->first < m.last) return;  // overlap
        }
        if (s.op == Span::Op::kOrdered && i > 0 && m.first < chosen[i - 1]->last) return;
        lo = std::min(lo, m.first);
        hi = std::max(hi, m.last);
        covered += m.last - m.first;
        flags |= m.flags;
      }
      if (s.op == Span::Op::kSentence) {
        const std::vector<Token>& tokens = texts_[a.value].tokens;
        const uint32_t sentence = tokens[a.first].sentence;
        for (const Mention* m : chosen) {
          for (uint32_t t = m->first; t < m->last; ++t) {
            if (tokens[t].sentence != sentence) return;
          }
        }
      } else if (hi - lo - covered > static_cast<uint32_t>(within)) {
        return;
      }
      if (flags != 0) flags = CompositeMarks(chosen);
      out->insert({a.value, lo, hi, flags});
    };
    choose(0);
  }

  size_t CountRanges(const Mentions& mentions) {
    std::set<std::tuple<uint32_t, uint32_t, uint32_t>> ranges;
    for (const Mention& m : mentions) ranges.insert({m.value, m.first, m.last});
    return ranges.size();
  }

  bool Holds(const Cond& c, const std::vector<bool>& fired) {
    switch (c.op) {
      case Cond::Op::kMatch:
        return !Eval(c.span).empty();
      case Cond::Op::kNotMatch:
        return Eval(c.span).empty();
      case Cond::Op::kCount: {
        const size_t n = CountRanges(Eval(c.span));
        return c.count_equal ? n == static_cast<size_t>(c.number)
                             : n >= static_cast<size_t>(c.number);
      }
      case Cond::Op::kCountOf: {
        int holding = 0;
        for (const Cond& child : c.children) holding += Holds(child, fired) ? 1 : 0;
        return holding >= c.number;
      }
      case Cond::Op::kNot:
        return !Holds(c.children[0], fired);
      case Cond::Op::kAnd: {
        const bool a = Holds(c.children[0], fired);
        const bool b = Holds(c.children[1], fired);
        return a && b;
      }
      case Cond::Op::kOr: {
        const bool a = Holds(c.children[0], fired);
        const bool b = Holds(c.children[1], fired);
        return a || b;
      }
      case Cond::Op::kRef:
        return fired[c.rule];
    }
    return false;
  }

  const Analyzer& analyzer_;
  const Case& case_;
  std::unique_ptr<AnalyzerScratch> scratch_;
  std::vector<std::vector<std::vector<Element>>> lists_;  // by list: phrases
  std::vector<AnalyzedText> texts_;
  std::vector<Scope> scopes_;
  bool bounded_ = false;
};

// ---- the property -----------------------------------------------------------------------------

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '\n') {
      out += "\\n";
    } else if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

// The analyser the engine builds for kConfig and kDict, built here from the same files.
std::shared_ptr<const Analyzer> MakeAnalyzer() {
  SourceManager sources;
  Diagnostics diagnostics;
  const FileId config_file = sources.AddFile("triage.yaml", kConfig);
  Result<EngineConfig> config = LoadConfig(sources, config_file, &diagnostics);
  EXPECT_TRUE(config.ok()) << RenderDiagnostics(diagnostics, sources);
  internal::Dictionary dictionary;
  const FileId dict = sources.AddFile("sms.dict", kDict);
  EXPECT_TRUE(dictionary.AddFile(sources, dict, config->analysis, &diagnostics));
  Result<std::shared_ptr<const Analyzer>> analyzer =
      Analyzer::Create(config->analysis, std::move(dictionary));
  EXPECT_TRUE(analyzer.ok()) << analyzer.status().ToString();
  return *analyzer;
}

struct Totals {
  size_t cases = 0;
  size_t compared = 0;
  size_t bounded = 0;
  size_t fired = 0;
  size_t failures = 0;
};

// Runs `rulesets` random rule sets of `texts` random records each, from `seed`.
void RunProperty(uint32_t seed, int rulesets, int texts, Totals* totals) {
  const std::shared_ptr<const Analyzer> analyzer = MakeAnalyzer();
  Generator generator(seed);
  Random text_rng(seed * 7919 + 1);
  for (int k = 0; k < rulesets && totals->failures < 5; ++k) {
    const Case c = generator.NewCase();
    const std::string source = Render(c);
    Compiled compiled = CompileFiles({{"test.rules", source}, {"sms.dict", kDict}}, kConfig);
    ASSERT_TRUE(compiled.rules) << source << compiled.Rendered();
    Scanner scanner(*compiled.rules);
    Reference reference(*analyzer, c);
    for (int t = 0; t < texts && totals->failures < 5; ++t) {
      std::vector<std::string> values = {RandomText(&text_rng)};
      if (text_rng.Chance(20)) values.push_back(RandomText(&text_rng));
      const std::string json = values.size() == 1 ? "{\"body\":" + JsonString(values[0]) + "}"
                                                  : "{\"summary\":" + JsonString(values[0]) +
                                                        ",\"body\":" + JsonString(values[1]) + "}";
      ++totals->cases;
      std::vector<bool> expected;
      if (!reference.Run(values, &expected)) {
        ++totals->bounded;
        continue;
      }
      ++totals->compared;
      std::vector<std::string> want;
      std::vector<std::string> want_all;
      for (size_t r = 0; r < c.rules.size(); ++r) {
        if (!expected[r]) continue;
        want_all.push_back(c.rules[r].name);
        if (!c.rules[r].is_private) want.push_back(c.rules[r].name);
      }
      Decision decision;
      ASSERT_TRUE(scanner.ScanJson(json, &decision).ok());
      std::vector<std::string> got = Fired(decision);
      std::sort(got.begin(), got.end());
      std::sort(want.begin(), want.end());
      totals->fired += want.size();
      bool ok = got == want;
      // Explain evaluates every rule, private ones included, by its own path.
      std::vector<std::string> explained;
      if (t % 4 == 0) {
        Explanation e;
        ASSERT_TRUE(scanner.Explain(json, ScanOptions(), &e).ok());
        for (const RuleTrace& r : e.rules) {
          if (r.fired) explained.push_back(r.rule);
        }
        std::sort(explained.begin(), explained.end());
        std::sort(want_all.begin(), want_all.end());
        ok = ok && explained == want_all;
      }
      if (!ok) {
        ++totals->failures;
        auto join = [](const std::vector<std::string>& v) {
          std::string out;
          for (const std::string& s : v) out += s + " ";
          return out;
        };
        ADD_FAILURE() << "seed " << seed << " ruleset " << k << " text " << t << "\n"
                      << source << "record: " << json << "\n"
                      << reference.Tokens() << "engine fired:    " << join(got)
                      << "\nreference fired: " << join(want)
                      << (explained.empty() ? ""
                                            : "\nexplain fired:   " + join(explained) +
                                                  "\nreference (all): " + join(want_all));
      }
    }
  }
}

TEST(WordPropertyTest, EngineAgreesWithANaiveReferenceOnRandomRulesAndTexts) {
  Totals totals;
  const char* many = std::getenv("TRIAGE_PROPERTY_SEEDS");
  const uint32_t seeds = many != nullptr ? static_cast<uint32_t>(std::atoi(many)) : 8;
  for (uint32_t seed = 1; seed <= seeds; ++seed) {
    RunProperty(seed, 60, 25, &totals);
    if (totals.failures > 0 || ::testing::Test::HasFatalFailure()) break;
  }
  EXPECT_EQ(totals.failures, 0u);
  // The comparison must bite: most cases compared, and rules fire in many of them.
  EXPECT_GE(totals.compared, 5000u);
  EXPECT_LT(totals.bounded * 20, totals.cases) << totals.bounded << " of " << totals.cases;
  EXPECT_GT(totals.fired, totals.compared / 2);
  if (many != nullptr) {
    std::printf("%zu cases, %zu compared, %zu left out (bounds), %zu rules fired\n", totals.cases,
                totals.compared, totals.bounded, totals.fired);
  }
  RecordProperty("cases", static_cast<int>(totals.cases));
  RecordProperty("compared", static_cast<int>(totals.compared));
}

}  // namespace
}  // namespace triage::testing
