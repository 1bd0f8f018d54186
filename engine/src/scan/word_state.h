// SPDX-License-Identifier: Apache-2.0
// WordState: the word-level half of a scan (one per Scanner, not thread-safe).
//
// For every field some rule reads as words, each value is analysed (analysis/analyzer.h) into
// tokens and sentences, and one pass over the tokens finds every mention of every term list: a
// token's form (and, when some list stems, its stem in each language) is looked up in the
// phrase index (compile/words.h), and only the phrases that can start there are checked, so the
// cost per token does not grow with the number of lists. When some list has the leet option, a
// value with leet words (analysis/leet.h) gets a second pass for those lists only, over the
// tokens with each leet word in place of its tokens, starting only where a phrase can reach a
// leet word. Context triggers (ConText) then mark the
// tokens in their scopes as negated, historical, hypothetical or about another person; a scope
// runs `window` tokens after (or before) its trigger and stops at a terminator or the end of the
// sentence.
//
// Rules read word-level expressions (SpanNodes) through Evaluate, which computes a node's
// mentions on first use in a record and keeps them for the rest of the record:
//   - terms: the list's mentions; a regex or character-level list: its matches, widened to the
//     tokens they touch; number(lo..hi): number tokens in range;
//   - any(...): the union; near/ordered(..., within N): one mention of each part, not
//     overlapping, at most N tokens between them in all (ordered: in the order written);
//     sentence(...): one mention of each part in one sentence;
//   - affirmed(x): x's mentions none of whose tokens is in a context scope; negated(x) (and
//     historical, hypothetical, other): those with a token in a scope of that kind.
// A composite mention covers its parts and carries the union of their context bits; the same
// tokens reached through parts with different bits are kept as separate mentions, so that
// affirmed(near(a, b)) holds when some choice of parts is affirmed.
#ifndef TRIAGE_SCAN_WORD_STATE_H_
#define TRIAGE_SCAN_WORD_STATE_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "triage/explain.h"

#include "analysis/leet.h"
#include "compile/program.h"
#include "util/string_table.h"

namespace triage::internal {

// A run of tokens [first, last) of text value `value`.
struct Mention {
  uint32_t value = 0;
  uint32_t first = 0;
  uint32_t last = 0;
  uint8_t flags = 0;  // ContextBit union
};

class WordState {
 public:
  explicit WordState(const Program& program);
  ~WordState();

  // Forgets the previous record.
  void Reset();

  // Analyses the values of word field `word_field` and finds its term mentions and contexts.
  // `texts` must stay valid until the next Reset.
  // `lines`, when not null: value 0 is its lines joined with '\n', each line analysed
  // (Analyzer::AnalyzeLines), so its analysis is put together from theirs rather than done
  // again (when the config allows it).
  void MatchField(const Program& program, int word_field,
                  const std::vector<std::string_view>& texts,
                  const std::vector<Analyzer::Line>* lines = nullptr);

  // The analysis of value `value` of word field `word_field` in the current record (since the
  // last MatchField of the field), or nullptr when the field has no such value.
  const AnalyzedText* Analyzed(int word_field, size_t value) const;

  // True when term atom `term_atom` has a mention in the current record.
  bool HasTerm(int term_atom) const { return !term_mentions_[term_atom].empty(); }
  // The term atoms with a mention in this record (since Reset), each once.
  const std::vector<int>& touched_atoms() const { return touched_atoms_; }

  // The mentions of span node `span` in the current record. `atom_bits` are the character-level
  // matcher's results (a regex inside a word-level expression runs only if its bit is set).
  // A node that cannot hold (MayHold) gets an empty list without touching its memo.
  const std::vector<Mention>& Evaluate(const Program& program, int span,
                                       const std::vector<uint8_t>& atom_bits) {
    if (!MayHold(span, atom_bits)) return no_mentions_;
    if (memo_generation_[span] == generation_) return memo_[span];
    return Compute(program, span, atom_bits);
  }

  // Whether span node `span` has a mention in the current record (Evaluate would not be empty).
  // Where MayHold is exact (a terms list, a number range, any(...) of them) the mentions are not
  // built; other nodes are evaluated.
  bool Holds(const Program& program, int span, const std::vector<uint8_t>& atom_bits) {
    if (!MayHold(span, atom_bits)) return false;
    if (memo_generation_[span] == generation_) return !memo_[span].empty();
    return HoldsUnmemoised(program, span, atom_bits);
  }

  // The number of mentions of span node `span` in the current record, each run of tokens once
  // (Evaluate lists the same tokens once per distinct set of context bits).
  size_t CountMentions(const Program& program, int span, const std::vector<uint8_t>& atom_bits);

  // The byte spans of the leaf mentions that make up `span`'s mentions, for explanations.
  void CollectSpans(const Program& program, int span, const std::vector<uint8_t>& atom_bits,
                    std::vector<MatchSpan>* out);

  // A short account of a word-level node's mentions for explanations: the words each mention
  // covers, and for context filters which trigger applies ("negated by 'never'").
  std::string Describe(const Program& program, int span, const std::vector<uint8_t>& atom_bits);

 private:
  struct FieldState;
  void MatchValue(const Program& program, int word_field, uint32_t value);
  // MatchValue for value 0 when it is `lines` joined (Analyzer::AnalyzeLines), with the same
  // mentions in the same order. A phrase from a line's token that reads no token past the line
  // matches there as in the line alone: each line's memo (Analyzer::LineMemo) keeps those
  // matches, and the phrases from its tokens that may read past it (those that can match with
  // any tokens after the line), in their order, so that a line met again costs a copy of its
  // matches and a test of those phrases.
  void MatchLines(const Program& program, int word_field, const std::vector<Analyzer::Line>& lines);
  // Appends the keys (KeyOf) of the tokens of `lines`, each line's read from its memo when it
  // holds them for this lexicon, and kept there otherwise.
  void JoinKeys(const Program& program, const std::vector<Analyzer::Line>& lines,
                std::vector<uint32_t>* keys);
  // The phrases that match from token `i` of `tokens` (whose keys are `lexemes`), in the index's
  // order: emit(phrase, last) for each, `last` the token after its end. kLimited: a candidate
  // phrase that may read a token at or past `limit` is not tested but passed to far(phrase), in
  // its place in the order.
  template <bool kLimited, typename Emit, typename Far>
  void MatchToken(const Program& program, const std::vector<Token>& tokens,
                  const std::vector<uint32_t>& lexemes, size_t i, size_t limit, const Emit& emit,
                  const Far& far);
  void MatchLeet(const Program& program, int word_field, uint32_t value);
  // Adds a mention of term atom `atom` (up to the bound per node).
  void AddTermMention(int atom, const Mention& mention);
  // Adds `mention` of phrase `phrase` to each term atom its lists have on `field`.
  void AddPhraseMention(const WordField& field, int phrase, const Mention& mention);
  // A distinct normalised form this scanner has met (in a token or a leet reading), with what
  // the token pass needs to know of it, computed once: its ids in the term vocabulary (word, and
  // stem per stemmer language), and the phrases that can start at it.
  struct Lexeme {
    uint32_t word_id = StringTable::kNone;  // TermIndex::words id
    uint32_t stems = 0;  // lexeme_stems_[stems, stems + languages): TermIndex::stems ids
    // lexeme_candidates_[a, b): the phrases that can start at a token of this form that is a
    // number (no stem lookup), [b, c) at one that is not (or a leet reading), each list as the
    // index gives it (sorted and unique when some phrase starts with a stem).
    uint32_t a = 0;
    uint32_t b = 0;
    uint32_t c = 0;
    // The same candidates split by what their second element needs (lexeme_next_): those that
    // need a given word, as (word id, candidate position) pairs sorted by word then position at
    // lexeme_by_word_[wa, wb) for [a, b) and [wb, wc) for [b, c); the others (one word, a stem, a
    // gap, anything) as positions in order at lexeme_other_[oa, ob) and [ob, oc). The word pass
    // looks up the next token's word among the former instead of reading every candidate.
    uint32_t wa = 0;
    uint32_t wb = 0;
    uint32_t wc = 0;
    uint32_t oa = 0;
    uint32_t ob = 0;
    uint32_t oc = 0;
  };
  // The lexeme id of `form`, computing the lexeme on first sight.
  uint32_t LexemeOf(const Program& program, std::string_view form) {
    return LexemeOf(program, form, HashWord(form));
  }
  // The same, given `hash` == HashWord(form) (a token carries it).
  uint32_t LexemeOf(const Program& program, std::string_view form, uint64_t hash);
  // A token's key: its lexeme id when the pack stems (lexicon_), else its TermIndex::words id
  // (StringTable::kNone for a word no phrase holds): without stems there is nothing worth
  // keeping per form, and a lexicon would only grow with the text's vocabulary.
  uint32_t KeyOf(const Program& program, std::string_view form) {
    return KeyOf(program, form, HashWord(form));
  }
  uint32_t KeyOf(const Program& program, std::string_view form, uint64_t hash) {
    return lexicon_ ? LexemeOf(program, form, hash) : program.term_index.FindWord(form, hash);
  }
  // The phrases that can start at a token of key `key` (see Lexeme).
  std::pair<const int*, const int*> Candidates(const Program& program, uint32_t key,
                                               bool is_number) const;
  void MarkContexts(const Program& program, int word_field, uint32_t value);
  // True when `element` matches a token or reading of key `key`; `is_number`: a token that is a
  // number (a stem element never matches it).
  bool ElementMatches(const TermElement& element, uint32_t key, bool is_number) const;
  // False when span node `span` certainly has no mention in the current record (a term list
  // without mention, a regex that did not occur, no number in range, a part of a proximity that
  // cannot hold): a necessary condition computed without building any mention, so that
  // Evaluate skips the expressions whose parts are absent. The first call of a record computes
  // it for every node at once (Propagate); the others read a word.
  bool MayHold(int span, const std::vector<uint8_t>& atom_bits) {
    if (propagated_ != generation_) Propagate(atom_bits);
    return may_[span] == generation_;
  }
  // Marks the nodes that may hold, bottom-up from the leaves that do: the terms nodes of the
  // touched atoms, the regex and number nodes that hold; a node that may hold marks its parents
  // that it completes (any(...) and a filter: one part; near, ordered, sentence: all parts). The
  // work is in proportion to the nodes that may hold, not to the pack's nodes or its any(...)
  // fan-out, and no node is visited twice.
  void Propagate(const std::vector<uint8_t>& atom_bits);
  // Holds for a node that may hold and is not memoised in this record.
  bool HoldsUnmemoised(const Program& program, int span, const std::vector<uint8_t>& atom_bits);
  // Evaluate for a node that may hold and is not memoised in this record: computes and memoises
  // its mentions.
  const std::vector<Mention>& Compute(const Program& program, int span,
                                      const std::vector<uint8_t>& atom_bits);
  // Appends the mentions of proximity `node` to *out, the search stopping once *out holds
  // `limit` (HoldsUnmemoised asks for one: whether there is any).
  void Combine(const Program& program, const SpanNode& node, std::vector<Mention>* out,
               const std::vector<uint8_t>& atom_bits, size_t limit);
  struct Choice;
  void Choose(Choice* c, size_t k, uint32_t lo, uint32_t hi, uint32_t covered);
  uint8_t CompositeFlags(const Choice& c);
  // The leaf mentions under `span` that lie inside one of its mentions.
  void CollectLeaves(const Program& program, int span, const std::vector<Mention>& within,
                     const std::vector<uint8_t>& atom_bits, std::vector<std::pair<int, Mention>>* out);

  std::unique_ptr<AnalyzerScratch> scratch_;
  // In a line memo's phrase hits (token, phrase, last): `last` of a phrase to test again.
  static constexpr uint32_t kFarPhrase = StringTable::kNone;
  std::vector<FieldState> fields_;                 // by word field
  std::vector<std::vector<Mention>> term_mentions_;  // by term atom
  std::vector<int> touched_atoms_;                   // the atoms with mentions, for Reset
  std::vector<std::vector<Mention>> memo_;           // by span node
  // HoldsUnmemoised's proximity search (never in use twice at once: a proximity's parts are
  // read through Evaluate, which does not come back to it).
  std::vector<Mention> holds_scratch_;
  const std::vector<Mention> no_mentions_;           // what a node that cannot hold has
  std::vector<uint32_t> memo_generation_;
  // The span graph as Propagate reads it, built once per WordState: per node its parents (once
  // per occurrence among their children) at span_parents_[parents_begin_[i], parents_begin_[i +
  // 1]), each with kAnyPart set when one part completes it (any(...), a filter); per term atom
  // its terms nodes at term_nodes_[term_nodes_begin_[a], term_nodes_begin_[a + 1]); the regex
  // and number nodes.
  static constexpr uint32_t kAnyPart = uint32_t{1} << 31;
  std::vector<uint32_t> parents_begin_;
  std::vector<uint32_t> span_parents_;
  std::vector<uint32_t> term_nodes_begin_;
  std::vector<int> term_nodes_;
  // The kRegex and kNumber nodes (and partless proximities) with what Propagate tests them on.
  struct Leaf {
    int span = -1;
    SpanOp op = SpanOp::kRegex;
    int a = -1;
    int word_field = -1;
    double low = 0;
    double high = 0;
  };
  std::vector<Leaf> leaf_nodes_;
  // By span node: generation_ when it may hold in this record (MayHold).
  std::vector<uint32_t> may_;
  // By near, ordered or sentence node: how many of its parts may hold (valid when `generation`
  // is generation_); it may hold when `count` reaches `parts`.
  struct PartCount {
    uint32_t generation = 0;
    uint32_t count = 0;
    uint32_t parts = 0;
  };
  std::vector<PartCount> part_counts_;
  uint32_t propagated_ = 0;  // generation_ once Propagate ran for this record
  std::vector<int> stack_;   // Propagate's scratch: one slot per span node
  // The record's number (since the last wrap): memo entries of other numbers are stale. It stays
  // under 2^31, where Reset forgets every memo and starts again from 1.
  uint32_t generation_ = 1;
  std::vector<int> candidates_;
  // The leet pass's scratch: a value's leet words, and its tokens with each leet word in place
  // of its tokens (`word` null for a plain token).
  struct LeetItem {
    uint32_t first = 0;
    uint32_t last = 0;
    const LeetWord* word = nullptr;
  };
  std::vector<LeetWord> leet_words_;
  std::vector<LeetItem> leet_items_;
  std::vector<uint8_t> leet_near_;
  // The lexicon (bounded: forgotten at a Reset once it holds kMaxLexemes forms), used when some
  // phrase element stems.
  bool lexicon_ = false;
  // Counts the times the lexicon was forgotten: a key is a lexeme id of one epoch.
  uint64_t lexicon_epoch_ = 0;
  StringTable lexeme_forms_;
  std::vector<Lexeme> lexemes_;
  std::vector<uint32_t> lexeme_stems_;
  std::vector<int> lexeme_candidates_;
  // Parallel to lexeme_candidates_: what a candidate's second element needs at the next token,
  // with details in the parallel lexeme_next_stems_ (NextStems):
  //   - a word element: its TermIndex::words id; when the third element is a word too, that
  //     word's id in [0], tested at the token after next (else kNone);
  //   - kStemNext, a stem element when the pack stems in at most kNextStemLanguages languages:
  //     its stem id per language (kNone in a language it does not compare in);
  //   - kGapNext, a gap and then a word: the word's id in [0], the widths in [1] (below);
  //   - kOneWord, a one-word phrase; kAnyNext, anything else (a gap before a stem, a stem in more
  //     languages).
  // MatchValue rejects a candidate on these without reading the phrase: at a common first word
  // most candidates fail there, and reading each phrase missed the cache. Four bytes a candidate
  // in lexeme_next_, so that a token's candidates take a cache line or two; the details are read
  // only for the candidates that pass the first test.
  static constexpr uint32_t kAnyNext = StringTable::kNone - 1;
  static constexpr uint32_t kStemNext = StringTable::kNone - 2;
  static constexpr uint32_t kOneWord = StringTable::kNone - 3;
  // A gap second element followed by a word element: lexeme_next_stems_ holds that word's id and
  // the gap's widths (min | max << 16); one of the tokens the gap can reach must be that word.
  static constexpr uint32_t kGapNext = StringTable::kNone - 4;
  static constexpr size_t kNextStemLanguages = 2;
  using NextStems = std::array<uint32_t, kNextStemLanguages>;
  std::vector<uint32_t> lexeme_next_;
  std::vector<NextStems> lexeme_next_stems_;
  // Lexeme::wa..wc and oa..oc: a lexeme's candidates by the word their second element needs,
  // and the rest (positions into lexeme_candidates_).
  struct WordNeed {
    uint32_t word = 0;
    uint32_t position = 0;
  };
  std::vector<WordNeed> lexeme_by_word_;
  std::vector<uint32_t> lexeme_other_;
  std::vector<std::string> stems_;  // scratch of LexemeOf: a form's stem per language
};

}  // namespace triage::internal

#endif  // TRIAGE_SCAN_WORD_STATE_H_
