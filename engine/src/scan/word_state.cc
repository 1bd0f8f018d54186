// SPDX-License-Identifier: Apache-2.0
// The word-level half of a scan; see word_state.h.
#include "scan/word_state.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include <re2/re2.h>

namespace triage::internal {

// Mentions found per record are bounded so that a hostile text cannot make a proximity
// expression combinatorial; past the bound a node keeps the mentions it has.
constexpr size_t kMaxMentionsPerNode = 256;
constexpr size_t kMaxLexemes = 65536;

struct WordState::FieldState {
  const std::vector<std::string_view>* texts = nullptr;
  std::vector<AnalyzedText> analyzed;  // by value (reused across records)
  std::vector<std::vector<uint32_t>> lexemes;  // by value: each token's lexeme
  // The number tokens of every value, in text order (value, token): number(lo..hi) reads these.
  std::vector<std::pair<uint32_t, uint32_t>> numbers;
  std::vector<double> number_values;  // their values, in the same order (Propagate)
  struct Scope {
    uint32_t begin = 0;  // tokens [begin, end) in the scope
    uint32_t end = 0;
    uint32_t trigger_first = 0;  // the trigger's tokens
    uint32_t trigger_last = 0;
    uint8_t bit = 0;
  };
  std::vector<std::vector<Scope>> scopes;  // by value
  std::vector<uint8_t> terminator;         // scratch: by token of the value being marked
  std::vector<std::pair<uint32_t, uint32_t>> pseudo;  // scratch: pseudo-trigger mentions' tokens
  size_t values = 0;
};

WordState::WordState(const Program& program)
    : scratch_(program.analyzer != nullptr ? program.analyzer->NewScratch() : nullptr),
      fields_(program.word_fields.size()),
      term_mentions_(program.term_atoms.size()),
      memo_(program.spans.size()),
      memo_generation_(program.spans.size(), 0),
      may_(program.spans.size(), 0),
      part_counts_(program.spans.size()),
      lexicon_(!program.term_index.stems.empty()) {
  const size_t n = program.spans.size();
  stack_.resize(n);
  parents_begin_.assign(n + 1, 0);
  term_nodes_begin_.assign(program.term_atoms.size() + 1, 0);
  for (size_t i = 0; i < n; ++i) {
    const SpanNode& node = program.spans[i];
    part_counts_[i].parts = static_cast<uint32_t>(node.children.size());
    for (const int child : node.children) ++parents_begin_[static_cast<size_t>(child) + 1];
    if (node.op == SpanOp::kTerms && node.a >= 0 &&
        static_cast<size_t>(node.a) < program.term_atoms.size()) {
      ++term_nodes_begin_[static_cast<size_t>(node.a) + 1];
    }
    // The leaves tested one by one, and (never in a checked pack) a proximity without parts,
    // which holds vacuously.
    const bool partless = node.children.empty() && (node.op == SpanOp::kNear ||
                                                     node.op == SpanOp::kOrdered ||
                                                     node.op == SpanOp::kSentence);
    if (node.op == SpanOp::kRegex || node.op == SpanOp::kNumber || partless) {
      Leaf leaf;
      leaf.span = static_cast<int>(i);
      leaf.op = node.op;
      leaf.a = node.a;
      leaf.word_field = partless ? -1 : program.word_field_of[node.field];
      leaf.low = node.low;
      leaf.high = node.high;
      leaf_nodes_.push_back(leaf);
    }
  }
  for (size_t i = 0; i < n; ++i) parents_begin_[i + 1] += parents_begin_[i];
  for (size_t a = 0; a + 1 < term_nodes_begin_.size(); ++a) {
    term_nodes_begin_[a + 1] += term_nodes_begin_[a];
  }
  span_parents_.resize(parents_begin_[n]);
  term_nodes_.resize(term_nodes_begin_.back());
  std::vector<uint32_t> parents_fill(parents_begin_.begin(), parents_begin_.end() - 1);
  std::vector<uint32_t> terms_fill(term_nodes_begin_.begin(), term_nodes_begin_.end() - 1);
  for (size_t i = 0; i < n; ++i) {
    const SpanNode& node = program.spans[i];
    const bool any_part = node.op == SpanOp::kUnion || node.op == SpanOp::kFilter;
    for (const int child : node.children) {
      span_parents_[parents_fill[static_cast<size_t>(child)]++] =
          static_cast<uint32_t>(i) | (any_part ? kAnyPart : 0);
    }
    if (node.op == SpanOp::kTerms && node.a >= 0 &&
        static_cast<size_t>(node.a) < program.term_atoms.size()) {
      term_nodes_[terms_fill[static_cast<size_t>(node.a)]++] = static_cast<int>(i);
    }
  }
}

WordState::~WordState() = default;

void WordState::Reset() {
  for (FieldState& f : fields_) {
    f.texts = nullptr;
    f.values = 0;
    f.numbers.clear();
    f.number_values.clear();
  }
  // Only the atoms that got mentions: a large pack has thousands, a record mentions a few.
  for (int atom : touched_atoms_) term_mentions_[atom].clear();
  touched_atoms_.clear();
  if (++generation_ >= (uint32_t{1} << 31)) {
    std::fill(memo_generation_.begin(), memo_generation_.end(), 0);
    std::fill(may_.begin(), may_.end(), 0);
    for (PartCount& c : part_counts_) c.generation = 0;
    propagated_ = 0;
    generation_ = 1;
  }
  if (lexemes_.size() >= kMaxLexemes) {
    ++lexicon_epoch_;  // the keys kept in line memos (JoinKeys) are stale
    lexeme_forms_.Clear();
    lexemes_.clear();
    lexeme_stems_.clear();
    lexeme_candidates_.clear();
    lexeme_next_.clear();
    lexeme_next_stems_.clear();
    lexeme_by_word_.clear();
    lexeme_other_.clear();
  }
}

uint32_t WordState::LexemeOf(const Program& program, std::string_view form, uint64_t hash) {
  uint32_t id = lexeme_forms_.Find(form, hash);
  if (id != StringTable::kNone) return id;
  id = lexeme_forms_.Intern(form, hash);
  const TermIndex& index = program.term_index;
  Lexeme x;
  x.word_id = index.FindWord(form, hash);
  // Stems: for every form once the pack has a stem element, in every language some stem element
  // compares in (an element accepts a stem of any of its languages, and the index is keyed by
  // each of their stems); a language no element uses is not stemmed, and matches nothing.
  x.stems = static_cast<uint32_t>(lexeme_stems_.size());
  stems_.resize(index.stems.size());
  for (size_t l = 0; l < index.stems.size(); ++l) {
    if (index.stems[l].empty()) {
      stems_[l].clear();
      lexeme_stems_.push_back(StringTable::kNone);
      continue;
    }
    stems_[l] = program.analyzer->Stem(form, l, scratch_.get());
    lexeme_stems_.push_back(index.stems[l].Find(stems_[l]));
  }
  // Candidates, as the index gives them: the phrases whose first word is the form, then (not for
  // a number) those whose first stem is one of its stems.
  std::vector<int>& out = lexeme_candidates_;
  const auto append_word = [&]() {
    if (x.word_id == StringTable::kNone) return;
    const auto [begin, end] = index.PhrasesByWord(x.word_id);
    out.insert(out.end(), begin, end);
  };
  const auto sort_from = [&](size_t begin) {
    if (!index.any_stem) return;
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(begin), out.end());
    out.erase(std::unique(out.begin() + static_cast<std::ptrdiff_t>(begin), out.end()), out.end());
  };
  x.a = static_cast<uint32_t>(out.size());
  append_word();
  sort_from(x.a);
  x.b = static_cast<uint32_t>(out.size());
  append_word();
  if (index.any_stem) {
    for (size_t l = 0; l < index.by_stem.size(); ++l) {
      if (index.by_stem[l].empty()) continue;
      const std::string& stem = stems_[l];
      if (!index.MayHold(stem)) continue;
      auto found = index.by_stem[l].find(stem);
      if (found != index.by_stem[l].end()) {
        out.insert(out.end(), found->second.begin(), found->second.end());
      }
    }
  }
  sort_from(x.b);
  x.c = static_cast<uint32_t>(out.size());
  for (size_t i = lexeme_next_.size(); i < out.size(); ++i) {
    const std::vector<TermElement>& elements = program.phrases[out[i]].elements;
    uint32_t need = kAnyNext;
    NextStems stems = {StringTable::kNone, StringTable::kNone};
    if (elements.size() == 1) {
      need = kOneWord;
    } else if (elements.size() >= 2 && elements[1].kind == TermElement::Kind::kWord) {
      need = elements[1].word_id;
      // A third element that is a word: the token after next must be it.
      if (elements.size() >= 3 && elements[2].kind == TermElement::Kind::kWord) {
        stems[0] = elements[2].word_id;
      }
    } else if (elements.size() >= 3 && elements[1].kind == TermElement::Kind::kGap &&
               elements[2].kind == TermElement::Kind::kWord && elements[1].gap_min >= 0 &&
               elements[1].gap_min <= elements[1].gap_max && elements[1].gap_max <= 0xFFFF) {
      need = kGapNext;
      stems[0] = elements[2].word_id;
      stems[1] = static_cast<uint32_t>(elements[1].gap_min) |
                 static_cast<uint32_t>(elements[1].gap_max) << 16;
    } else if (elements.size() >= 2 && elements[1].kind == TermElement::Kind::kStem &&
               index.stems.size() <= kNextStemLanguages) {
      need = kStemNext;
      const TermElement& e = elements[1];
      for (size_t k = 0; k < e.languages.size() && k < e.stem_ids.size(); ++k) {
        stems[e.languages[k]] = e.stem_ids[k];
      }
    }
    lexeme_next_.push_back(need);
    lexeme_next_stems_.push_back(stems);
  }
  // Each range split by what the second element needs (Lexeme::wa..oc).
  const auto split = [this](uint32_t begin, uint32_t end, uint32_t* word_begin,
                            uint32_t* other_begin) {
    *word_begin = static_cast<uint32_t>(lexeme_by_word_.size());
    *other_begin = static_cast<uint32_t>(lexeme_other_.size());
    for (uint32_t p = begin; p < end; ++p) {
      const uint32_t need = lexeme_next_[p];
      if (need == kOneWord || need == kStemNext || need == kGapNext || need == kAnyNext) {
        lexeme_other_.push_back(p);
      } else {
        lexeme_by_word_.push_back({need, p});
      }
    }
    std::sort(lexeme_by_word_.begin() + *word_begin, lexeme_by_word_.end(),
              [](const WordNeed& l, const WordNeed& r) {
                return l.word != r.word ? l.word < r.word : l.position < r.position;
              });
  };
  split(x.a, x.b, &x.wa, &x.oa);
  split(x.b, x.c, &x.wb, &x.ob);
  x.wc = static_cast<uint32_t>(lexeme_by_word_.size());
  x.oc = static_cast<uint32_t>(lexeme_other_.size());
  lexemes_.push_back(x);
  return id;
}

std::pair<const int*, const int*> WordState::Candidates(const Program& program, uint32_t key,
                                                        bool is_number) const {
  if (!lexicon_) {
    const TermIndex& index = program.term_index;
    if (key == StringTable::kNone) return {nullptr, nullptr};
    return index.PhrasesByWord(key);
  }
  const Lexeme& x = lexemes_[key];
  const int* base = lexeme_candidates_.data();
  return {base + (is_number ? x.a : x.b), base + (is_number ? x.b : x.c)};
}

bool WordState::ElementMatches(const TermElement& element, uint32_t key, bool is_number) const {
  if (!lexicon_) {  // no stem element
    return element.kind == TermElement::Kind::kWord && key == element.word_id;
  }
  const Lexeme& x = lexemes_[key];
  if (element.kind == TermElement::Kind::kWord) return x.word_id == element.word_id;
  if (is_number) return false;
  for (size_t i = 0; i < element.stem_ids.size(); ++i) {
    if (lexeme_stems_[x.stems + element.languages[i]] == element.stem_ids[i]) return true;
  }
  return false;
}

namespace {

// The shortest end of phrase elements [k..] matched from position `pos` of a sequence of `size`
// items, or -1; match(element, pos) says whether a word or stem element matches item `pos`.
// Gaps try their widths from the narrowest, so the first end found is the nearest.
template <typename Match>
int MatchElements(const std::vector<TermElement>& elements, size_t k, size_t size, size_t pos,
                  const Match& match) {
  if (k == elements.size()) return static_cast<int>(pos);
  const TermElement& e = elements[k];
  if (e.kind == TermElement::Kind::kGap) {
    for (int skip = e.gap_min; skip <= e.gap_max; ++skip) {
      if (pos + static_cast<size_t>(skip) >= size) break;
      const int end = MatchElements(elements, k + 1, size, pos + static_cast<size_t>(skip), match);
      if (end >= 0) return end;
    }
    return -1;
  }
  if (pos >= size || !match(e, pos)) return -1;
  return MatchElements(elements, k + 1, size, pos + 1, match);
}

}  // namespace

inline void WordState::AddTermMention(int atom, const Mention& mention) {
  std::vector<Mention>& mentions = term_mentions_[atom];
  if (mentions.size() >= kMaxMentionsPerNode) return;
  if (mentions.empty()) touched_atoms_.push_back(atom);
  mentions.push_back(mention);
}

inline void WordState::AddPhraseMention(const WordField& field, int phrase, const Mention& mention) {
  // The bounds read once: AddTermMention's stores made the compiler reload them at every atom.
  const uint32_t end = field.phrase_atoms_begin[phrase + 1];
  const int* const atoms = field.phrase_atoms.data();
  for (uint32_t k = field.phrase_atoms_begin[phrase]; k < end; ++k) {
    AddTermMention(atoms[k], mention);
  }
}

const AnalyzedText* WordState::Analyzed(int word_field, size_t value) const {
  const FieldState& state = fields_[word_field];
  return state.texts != nullptr && value < state.values ? &state.analyzed[value] : nullptr;
}

void WordState::MatchField(const Program& program, int word_field,
                           const std::vector<std::string_view>& texts,
                           const std::vector<Analyzer::Line>* lines) {
  FieldState& state = fields_[word_field];
  state.texts = &texts;
  state.values = texts.size();
  if (state.analyzed.size() < texts.size()) state.analyzed.resize(texts.size());
  if (state.lexemes.size() < texts.size()) state.lexemes.resize(texts.size());
  if (state.scopes.size() < texts.size()) state.scopes.resize(texts.size());
  for (uint32_t v = 0; v < texts.size(); ++v) {
    const bool joined = v == 0 && lines != nullptr &&
                        program.analyzer->AnalyzeLines(texts[v], *lines, &state.analyzed[v]);
    if (!joined) program.analyzer->Analyze(texts[v], scratch_.get(), &state.analyzed[v]);
    std::vector<uint32_t>& lexemes = state.lexemes[v];
    lexemes.clear();
    const std::vector<Token>& tokens = state.analyzed[v].tokens;
    if (joined) JoinKeys(program, *lines, &lexemes);
    for (uint32_t t = 0; t < tokens.size(); ++t) {
      if (!joined) lexemes.push_back(KeyOf(program, tokens[t].form, tokens[t].hash));
      if (tokens[t].is_number) {
        state.numbers.emplace_back(v, t);
        state.number_values.push_back(tokens[t].number);
      }
    }
    if (joined) {
      MatchLines(program, word_field, *lines);
    } else {
      MatchValue(program, word_field, v);
    }
    if (program.term_index.any_leet) MatchLeet(program, word_field, v);
    if (program.word_fields[word_field].context) MarkContexts(program, word_field, v);
  }
}

template <bool kLimited, typename Emit, typename Far>
void WordState::MatchToken(const Program& program, const std::vector<Token>& tokens,
                           const std::vector<uint32_t>& lexemes, size_t i, size_t limit,
                           const Emit& emit, const Far& far) {
  if (!lexicon_) {
    auto match = [&](const TermElement& e, size_t pos) {
      return ElementMatches(e, lexemes[pos], tokens[pos].is_number);
    };
    const auto [begin, end] = Candidates(program, lexemes[i], tokens[i].is_number);
    for (const int* c = begin; c != end; ++c) {
      if constexpr (kLimited) {
        if (i + program.phrase_reach[*c] > limit) {
          far(*c);
          continue;
        }
      }
      const std::vector<TermElement>& elements = program.phrases[*c].elements;
      const int end_of = MatchElements(elements, 1, tokens.size(), i + 1, match);
      if (end_of < 0) continue;
      emit(*c, static_cast<uint32_t>(end_of));
    }
    return;
  }
  const Lexeme& x = lexemes_[lexemes[i]];
  const bool is_number = tokens[i].is_number;
  if ((is_number ? x.a : x.b) == (is_number ? x.b : x.c)) return;  // no candidate
  // The next token's word id and stem ids (none at the end of the value, no stems for a
  // number): a candidate whose second element is a word other than it, or a stem it has in
  // none of the element's languages, fails (MatchElements' own first test, made on the
  // parallel lexeme_next_ without reading the phrase).
  uint32_t next_word = StringTable::kNone;
  uint32_t next_stems[kNextStemLanguages] = {StringTable::kNone, StringTable::kNone};
  bool next_stemmed = false;  // a next token whose stems a stem element may match
  if (i + 1 < tokens.size()) {
    const Lexeme& next = lexemes_[lexemes[i + 1]];
    next_word = next.word_id;
    if (!tokens[i + 1].is_number) {
      next_stemmed = true;
      const size_t languages = program.term_index.stems.size();
      for (size_t l = 0; l < languages && l < kNextStemLanguages; ++l) {
        next_stems[l] = lexeme_stems_[next.stems + l];
      }
    }
  }
  // The per-candidate tests, and the mention, for candidate `position` (an index into
  // lexeme_candidates_).
  const auto match_candidate = [&](size_t position) {
    // A candidate's first element matches this token by construction (the index holds it under
    // the token's form, or under one of its stems and the token is no number).
    const int phrase = lexeme_candidates_[position];
    if constexpr (kLimited) {
      if (i + program.phrase_reach[phrase] > limit) {
        far(phrase);
        return;
      }
    }
    uint32_t last = 0;  // where the phrase ends, once known
    // The first element MatchElements has left to test (the tests below that pass are its
    // own first tests), and at which token.
    size_t from_element = 1;
    const uint32_t need = lexeme_next_[position];
    if (need == kOneWord) {
      last = static_cast<uint32_t>(i + 1);
    } else if (need == kStemNext) {
      if (!next_stemmed) return;
      const NextStems& stems = lexeme_next_stems_[position];
      bool stem_matches = false;
      for (size_t l = 0; l < kNextStemLanguages; ++l) {
        stem_matches =
            stem_matches || (stems[l] != StringTable::kNone && stems[l] == next_stems[l]);
      }
      if (!stem_matches) return;
      from_element = 2;  // the stem matched the next token (which exists: next_stemmed)
    } else if (need == kGapNext) {
      // MatchElements tries the gap's widths from pos i + 1 while i + 1 + skip < size; the word
      // after the gap must be at one of those tokens.
      const NextStems& gap = lexeme_next_stems_[position];
      const size_t from = i + 1 + (gap[1] & 0xFFFF);
      const size_t to = std::min(tokens.size(), i + 2 + (gap[1] >> 16));
      bool found = false;
      for (size_t p = from; p < to && !found; ++p) {
        found = lexemes_[lexemes[p]].word_id == gap[0];
      }
      if (!found) return;
    } else if (need != kAnyNext) {
      if (need != next_word) return;
      const uint32_t third = lexeme_next_stems_[position][0];
      if (third != StringTable::kNone &&
          (i + 2 >= tokens.size() || lexemes_[lexemes[i + 2]].word_id != third)) {
        return;
      }
      // The word matched the next token (when there is one), and the third element the
      // token after (when it is a word).
      if (i + 1 < tokens.size()) from_element = third != StringTable::kNone ? 3 : 2;
    }
    if (last == 0) {
      auto match = [&](const TermElement& e, size_t pos) {
        return ElementMatches(e, lexemes[pos], tokens[pos].is_number);
      };
      const std::vector<TermElement>& elements = program.phrases[phrase].elements;
      const int end_of =
          MatchElements(elements, from_element, tokens.size(), i + from_element, match);
      if (end_of < 0) return;
      last = static_cast<uint32_t>(end_of);
    }
    emit(phrase, last);
  };
  // The candidates in their order, as the index gives them: those that need no particular
  // word next, merged with those that need the next token's word (every other candidate
  // fails on it). The order is the one a scan of all candidates would take, so mentions are
  // added in the same order (the per-list bound keeps the first ones).
  const uint32_t* other = lexeme_other_.data() + (is_number ? x.oa : x.ob);
  const uint32_t* other_end = lexeme_other_.data() + (is_number ? x.ob : x.oc);
  const WordNeed* words = lexeme_by_word_.data() + (is_number ? x.wa : x.wb);
  const WordNeed* words_end = lexeme_by_word_.data() + (is_number ? x.wb : x.wc);
  if (words != words_end) {
    const auto less = [](const WordNeed& n, uint32_t word) { return n.word < word; };
    words = std::lower_bound(words, words_end, next_word, less);
    const WordNeed* w = words;
    while (w != words_end && w->word == next_word) ++w;
    words_end = w;
  }
  while (other != other_end || words != words_end) {
    size_t position;
    if (words == words_end || (other != other_end && *other < words->position)) {
      position = *other++;
    } else {
      position = (words++)->position;
    }
    match_candidate(position);
  }
}

void WordState::JoinKeys(const Program& program, const std::vector<Analyzer::Line>& lines,
                         std::vector<uint32_t>* keys) {
  for (const Analyzer::Line& line : lines) {
    const std::vector<Token>& tokens = line.analyzed->tokens;
    Analyzer::LineMemo* memo = line.memo;
    if (memo != nullptr && memo->lexicon == this && memo->lexicon_epoch == lexicon_epoch_ &&
        memo->lexemes.size() == tokens.size()) {
      keys->insert(keys->end(), memo->lexemes.begin(), memo->lexemes.end());
      continue;
    }
    const size_t first = keys->size();
    for (const Token& token : tokens) keys->push_back(KeyOf(program, token.form, token.hash));
    if (memo != nullptr) {
      memo->lexemes.assign(keys->begin() + static_cast<std::ptrdiff_t>(first), keys->end());
      memo->lexicon = this;
      memo->lexicon_epoch = lexicon_epoch_;
    }
  }
}

void WordState::MatchValue(const Program& program, int word_field, uint32_t value) {
  const WordField& atoms = program.word_fields[word_field];
  const FieldState& state = fields_[word_field];
  const std::vector<Token>& tokens = state.analyzed[value].tokens;
  const std::vector<uint32_t>& lexemes = state.lexemes[value];
  for (size_t i = 0; i < tokens.size(); ++i) {
    MatchToken<false>(
        program, tokens, lexemes, i, tokens.size(),
        [&](int phrase, uint32_t last) {
          AddPhraseMention(atoms, phrase, Mention{value, static_cast<uint32_t>(i), last, 0});
        },
        [](int) {});
  }
}

void WordState::MatchLines(const Program& program, int word_field,
                           const std::vector<Analyzer::Line>& lines) {
  const WordField& atoms = program.word_fields[word_field];
  const FieldState& state = fields_[word_field];
  const std::vector<Token>& tokens = state.analyzed[0].tokens;
  const std::vector<uint32_t>& lexemes = state.lexemes[0];
  const auto add = [&](int phrase, uint32_t first, uint32_t last) {
    AddPhraseMention(atoms, phrase, Mention{0, first, last, 0});
  };
  const auto match = [&](const TermElement& e, size_t pos) {
    return ElementMatches(e, lexemes[pos], tokens[pos].is_number);
  };
  // Phrase `phrase` from token `at` of the value (its first element matches there), tested in
  // full: the end of its mention, or -1.
  const auto match_phrase = [&](int phrase, uint32_t at) {
    return MatchElements(program.phrases[phrase].elements, 1, tokens.size(), at + 1, match);
  };
  uint32_t first = 0;  // the line's first token in the value
  for (const Analyzer::Line& line : lines) {
    const auto n = static_cast<uint32_t>(line.analyzed->tokens.size());
    Analyzer::LineMemo* memo = line.memo;
    if (memo != nullptr && memo->program == &program) {
      // The line's matches in their order; a phrase that may read past the line is tested here.
      const std::vector<uint32_t>& hits = memo->phrase_hits;
      for (size_t h = 0; h + 2 < hits.size(); h += 3) {
        const auto phrase = static_cast<int>(hits[h + 1]);
        if (hits[h + 2] != kFarPhrase) {
          add(phrase, first + hits[h], first + hits[h + 2]);
          continue;
        }
        const int end_of = match_phrase(phrase, first + hits[h]);
        if (end_of >= 0) add(phrase, first + hits[h], static_cast<uint32_t>(end_of));
      }
      first += n;
      continue;
    }
    if (memo != nullptr) {
      memo->program = nullptr;
      memo->phrase_hits.clear();
    }
    // Whether phrase `phrase` from the line's token `t` can match in some text the line is part
    // of: its elements tested on the line's tokens, any token past the line matching.
    const uint32_t end = first + n;
    const auto may_match = [&](int phrase, uint32_t t) {
      const auto open = [&](const TermElement& e, size_t pos) {
        return pos >= end || match(e, pos);
      };
      return MatchElements(program.phrases[phrase].elements, 1, SIZE_MAX, first + t + 1, open) >= 0;
    };
    for (uint32_t t = 0; t < n; ++t) {
      MatchToken<true>(
          program, tokens, lexemes, first + t, end,
          [&](int phrase, uint32_t last) {
            add(phrase, first + t, last);
            if (memo != nullptr) {
              memo->phrase_hits.insert(memo->phrase_hits.end(),
                                       {t, static_cast<uint32_t>(phrase), last - first});
            }
          },
          [&](int phrase) {
            const int end_of = match_phrase(phrase, first + t);
            if (end_of >= 0) add(phrase, first + t, static_cast<uint32_t>(end_of));
            if (memo != nullptr && may_match(phrase, t)) {
              memo->phrase_hits.insert(memo->phrase_hits.end(),
                                       {t, static_cast<uint32_t>(phrase), kFarPhrase});
            }
          });
    }
    if (memo != nullptr) memo->program = &program;
    first += n;
  }
}

void WordState::MatchLeet(const Program& program, int word_field, uint32_t value) {
  const FieldState& state = fields_[word_field];
  const AnalyzedText& analyzed = state.analyzed[value];
  FindLeetWords(*program.analyzer, scratch_.get(), (*state.texts)[value], analyzed, &leet_words_);
  if (leet_words_.empty()) return;
  const std::vector<Token>& tokens = analyzed.tokens;
  leet_items_.clear();
  size_t w = 0;
  for (uint32_t t = 0; t < tokens.size();) {
    if (w < leet_words_.size() && leet_words_[w].first == t) {
      leet_items_.push_back({t, leet_words_[w].last, &leet_words_[w]});
      t = leet_words_[w].last;
      ++w;
    } else {
      leet_items_.push_back({t, t + 1, nullptr});
      ++t;
    }
  }
  // A phrase that starts further than the leet reach before every leet word matches only plain
  // tokens: the plain pass has found it.
  const size_t items = leet_items_.size();
  const auto reach = static_cast<size_t>(program.term_index.leet_reach);
  leet_near_.assign(items, 0);
  size_t next = items;
  for (size_t p = items; p-- > 0;) {
    if (leet_items_[p].word != nullptr) next = p;
    leet_near_[p] = next < items && next - p < reach ? 1 : 0;
  }
  const std::vector<uint32_t>& lexemes = state.lexemes[value];
  auto match = [&](const TermElement& e, size_t pos) {
    const LeetItem& item = leet_items_[pos];
    if (item.word == nullptr) {
      return ElementMatches(e, lexemes[item.first], tokens[item.first].is_number);
    }
    for (const std::string& reading : item.word->readings) {
      if (ElementMatches(e, KeyOf(program, reading), false)) return true;
    }
    return false;
  };
  auto add_candidates = [&](uint32_t key, bool is_number) {
    const auto [begin, end] = Candidates(program, key, is_number);
    candidates_.insert(candidates_.end(), begin, end);
  };
  const WordField& wf = program.word_fields[word_field];
  for (size_t p = 0; p < items; ++p) {
    if (leet_near_[p] == 0) continue;
    const LeetItem& item = leet_items_[p];
    candidates_.clear();
    if (item.word == nullptr) {
      add_candidates(lexemes[item.first], tokens[item.first].is_number);
    } else {
      for (const std::string& reading : item.word->readings) {
        add_candidates(KeyOf(program, reading), false);
      }
    }
    std::sort(candidates_.begin(), candidates_.end());
    candidates_.erase(std::unique(candidates_.begin(), candidates_.end()), candidates_.end());
    for (int c : candidates_) {
      const TermPhrase& phrase = program.phrases[c];
      if (!phrase.leet) continue;
      const int end = MatchElements(phrase.elements, 0, items, p, match);
      if (end < 0) continue;
      for (size_t k = 0; k < phrase.lists.size(); ++k) {
        const int atom = wf.term_atom[phrase.lists[k]];
        if (atom < 0 || phrase.leet_lists[k] == 0) continue;
        AddTermMention(atom, {value, item.first, leet_items_[static_cast<size_t>(end) - 1].last, 0});
      }
    }
  }
}

void WordState::MarkContexts(const Program& program, int word_field, uint32_t value) {
  const WordField& wf = program.word_fields[word_field];
  FieldState& state = fields_[word_field];
  const std::vector<Token>& tokens = state.analyzed[value].tokens;
  std::vector<FieldState::Scope>& scopes = state.scopes[value];
  scopes.clear();
  std::vector<uint8_t>& terminator = state.terminator;
  terminator.assign(tokens.size(), 0);
  for (int list : program.terminators) {
    const int atom = wf.term_atom[list];
    if (atom < 0) continue;
    for (const Mention& m : term_mentions_[atom]) {
      if (m.value != value) continue;
      for (uint32_t t = m.first; t < m.last; ++t) terminator[t] = 1;
    }
  }
  // A pseudo-trigger ("homework app", "no doubt") holds a trigger's words without being one: a
  // trigger mention inside one of its mentions opens no scope.
  std::vector<std::pair<uint32_t, uint32_t>>& pseudo = state.pseudo;
  pseudo.clear();
  for (int list : program.pseudo_triggers) {
    const int atom = wf.term_atom[list];
    if (atom < 0) continue;
    for (const Mention& m : term_mentions_[atom]) {
      if (m.value == value) pseudo.emplace_back(m.first, m.last);
    }
  }
  auto cancelled = [&pseudo](const Mention& m) {
    for (const auto& [first, last] : pseudo) {
      if (first <= m.first && m.last <= last) return true;
    }
    return false;
  };
  for (const ContextTrigger& trigger : program.triggers) {
    const int atom = wf.term_atom[trigger.list];
    if (atom < 0) continue;
    for (const Mention& m : term_mentions_[atom]) {
      if (m.value != value || cancelled(m)) continue;
      const uint32_t sentence = tokens[m.first].sentence;
      FieldState::Scope scope;
      scope.trigger_first = m.first;
      scope.trigger_last = m.last;
      scope.bit = trigger.bit;
      if (trigger.after) {
        uint32_t t = m.last;
        while (t < tokens.size() && t < m.last + static_cast<uint32_t>(trigger.window) &&
               terminator[t] == 0 && tokens[t].sentence == sentence && !tokens[t].clause_start) {
          ++t;
        }
        if (t > m.last) {
          scope.begin = m.last;
          scope.end = t;
          scopes.push_back(scope);
        }
      }
      if (trigger.before) {
        uint32_t t = m.first;
        while (t > 0 && m.first - t < static_cast<uint32_t>(trigger.window) &&
               terminator[t - 1] == 0 && tokens[t - 1].sentence == sentence &&
               !tokens[t].clause_start) {
          --t;
        }
        if (t < m.first) {
          scope.begin = t;
          scope.end = m.first;
          scopes.push_back(scope);
        }
      }
    }
  }
}

namespace {

bool Before(const Mention& a, const Mention& b) {
  if (a.value != b.value) return a.value < b.value;
  if (a.first != b.first) return a.first < b.first;
  return a.last < b.last;
}

bool Same(const Mention& a, const Mention& b) {
  return a.value == b.value && a.first == b.first && a.last == b.last;
}

// Sorts (by tokens, then context bits) and removes repeats. The same tokens reached with
// different context bits stay apart: a composite made of other parts is another mention for the
// filters (near(a, b) over the same tokens may be affirmed one way and negated another), though
// count(...) counts its tokens once (CountMentions).
void Normalise(std::vector<Mention>* mentions) {
  const auto less = [](const Mention& a, const Mention& b) {
    return Before(a, b) || (Same(a, b) && a.flags < b.flags);
  };
  // Most lists arrive sorted (a terms list's mentions in token order, a filter's subset of a
  // sorted list): checking is a pass, sorting them again was 3% of the default pack's time.
  if (!std::is_sorted(mentions->begin(), mentions->end(), less)) {
    std::sort(mentions->begin(), mentions->end(), less);
  }
  mentions->erase(std::unique(mentions->begin(), mentions->end(),
                              [](const Mention& a, const Mention& b) {
                                return Same(a, b) && a.flags == b.flags;
                              }),
                  mentions->end());
}

}  // namespace

void WordState::Propagate(const std::vector<uint8_t>& atom_bits) {
  propagated_ = generation_;
  // The graph and the marks read through local pointers: with stores through the members'
  // vectors the compiler reloaded their bounds at every edge. Each node is pushed at most once
  // a record (its mark is set first), so the stack, one slot per node, never overflows.
  const uint32_t generation = generation_;
  uint32_t* const may = may_.data();
  int* const stack = stack_.data();
  size_t top = 0;
  const auto mark = [may, stack, &top, generation](int span) {
    if (may[span] == generation) return;
    may[span] = generation;
    stack[top++] = span;
  };
  const uint32_t* const term_nodes_begin = term_nodes_begin_.data();
  const int* const term_nodes = term_nodes_.data();
  for (const int atom : touched_atoms_) {
    const uint32_t end = term_nodes_begin[atom + 1];
    for (uint32_t i = term_nodes_begin[atom]; i < end; ++i) mark(term_nodes[i]);
  }
  for (const Leaf& leaf : leaf_nodes_) {
    bool holds = true;  // a proximity without parts
    if (leaf.op == SpanOp::kRegex) {
      holds = leaf.a >= 0 && atom_bits[leaf.a] != 0 && fields_[leaf.word_field].texts != nullptr;
    } else if (leaf.op == SpanOp::kNumber) {
      holds = false;
      for (const double number : fields_[leaf.word_field].number_values) {
        if (number >= leaf.low && number <= leaf.high) {
          holds = true;
          break;
        }
      }
    }
    if (holds) mark(leaf.span);
  }
  const uint32_t* const parents_begin = parents_begin_.data();
  const uint32_t* const span_parents = span_parents_.data();
  PartCount* const part_counts = part_counts_.data();
  while (top > 0) {
    const int span = stack[--top];
    const uint32_t end = parents_begin[span + 1];
    for (uint32_t i = parents_begin[span]; i < end; ++i) {
      const uint32_t edge = span_parents[i];
      const auto parent = static_cast<int>(edge & ~kAnyPart);
      if ((edge & kAnyPart) != 0) {
        mark(parent);
        continue;
      }
      // near, ordered, sentence: every part (each occurrence of a part counts once).
      PartCount& c = part_counts[parent];
      if (c.generation != generation) {
        c.generation = generation;
        c.count = 0;
      }
      if (++c.count == c.parts) mark(parent);
    }
  }
}

bool WordState::HoldsUnmemoised(const Program& program, int span,
                                const std::vector<uint8_t>& atom_bits) {
  const SpanNode& node = program.spans[span];
  switch (node.op) {
    case SpanOp::kTerms:   // marked iff its term atom has a mention (touched_atoms_)
    case SpanOp::kNumber:  // marked iff a number of its field is in range: each is a mention
      return true;
    case SpanOp::kUnion:
      for (const int child : node.children) {
        if (Holds(program, child, atom_bits)) return true;
      }
      return false;
    case SpanOp::kNear:
    case SpanOp::kOrdered:
    case SpanOp::kSentence: {
      // Whether the search finds a mention at all: it stops at its first. The search is the one
      // Compute runs (the same order, the same budget spent up to there), so it finds one iff
      // Compute's would. A node that holds is not memoised (an expression that reads its
      // mentions builds them); one that does not is memoised as empty, which is what Compute
      // would have kept.
      holds_scratch_.clear();
      Combine(program, node, &holds_scratch_, atom_bits, /*limit=*/1);
      if (!holds_scratch_.empty()) return true;
      memo_[span].clear();
      memo_generation_[span] = generation_;
      return false;
    }
    default:  // a regex may touch no token; filters may find nothing
      return !Compute(program, span, atom_bits).empty();
  }
}

const std::vector<Mention>& WordState::Compute(const Program& program, int span,
                                               const std::vector<uint8_t>& atom_bits) {
  std::vector<Mention>& out = memo_[span];
  out.clear();
  const SpanNode& node = program.spans[span];
  const int wf_index = program.word_field_of[node.field];
  FieldState& state = fields_[wf_index];
  const bool context = program.word_fields[wf_index].context;
  // A mention is in a scope it overlaps, unless it contains the scope's trigger ("no me deja
  // salir" is a mention of confinement, not a negated one). A mention that shares only some
  // words with a trigger is in its scope ("one of the girls" after "no one").
  auto flags_of = [&](uint32_t value, uint32_t first, uint32_t last) -> uint8_t {
    if (!context) return 0;
    uint8_t flags = 0;
    for (const FieldState::Scope& scope : state.scopes[value]) {
      if (scope.begin < last && first < scope.end &&
          !(first <= scope.trigger_first && scope.trigger_last <= last)) {
        flags |= scope.bit;
      }
    }
    return flags;
  };
  switch (node.op) {
    case SpanOp::kTerms:
      for (const Mention& m : term_mentions_[node.a]) {
        out.push_back({m.value, m.first, m.last, flags_of(m.value, m.first, m.last)});
      }
      break;
    case SpanOp::kRegex: {
      if (node.a < 0 || atom_bits[node.a] == 0 || state.texts == nullptr) break;
      const RE2& re = program.atoms[node.a].Regex();
      for (uint32_t v = 0; v < state.values && out.size() < kMaxMentionsPerNode; ++v) {
        const std::string_view text = (*state.texts)[v];
        const std::vector<Token>& tokens = state.analyzed[v].tokens;
        const re2::StringPiece piece(text.data(), text.size());
        re2::StringPiece groups[2];
        size_t pos = 0;
        while (pos <= text.size() && out.size() < kMaxMentionsPerNode &&
               re.Match(piece, pos, text.size(), RE2::UNANCHORED, groups, 2)) {
          const re2::StringPiece& g = groups[1].data() != nullptr ? groups[1] : groups[0];
          const auto begin = static_cast<uint32_t>(g.data() - text.data());
          const auto end = static_cast<uint32_t>(begin + g.size());
          // The tokens the match touches.
          auto first = std::partition_point(tokens.begin(), tokens.end(),
                                            [&](const Token& t) { return t.end <= begin; });
          auto last = std::partition_point(first, tokens.end(),
                                           [&](const Token& t) { return t.begin < end; });
          if (first != last) {
            const auto f = static_cast<uint32_t>(first - tokens.begin());
            const auto l = static_cast<uint32_t>(last - tokens.begin());
            out.push_back({v, f, l, flags_of(v, f, l)});
          }
          pos = end > pos ? end : pos + 1;
        }
      }
      break;
    }
    case SpanOp::kNumber:
      for (const auto& [v, t] : state.numbers) {
        if (out.size() >= kMaxMentionsPerNode) break;
        const Token& token = state.analyzed[v].tokens[t];
        if (token.number >= node.low && token.number <= node.high) {
          out.push_back({v, t, t + 1, flags_of(v, t, t + 1)});
        }
      }
      break;
    case SpanOp::kUnion:
      for (int child : node.children) {
        const std::vector<Mention>& c = Evaluate(program, child, atom_bits);
        out.insert(out.end(), c.begin(), c.end());
      }
      break;
    case SpanOp::kNear:
    case SpanOp::kOrdered:
    case SpanOp::kSentence:
      Combine(program, node, &out, atom_bits, kMaxMentionsPerNode);
      break;
    case SpanOp::kFilter:
      for (const Mention& m : Evaluate(program, node.children[0], atom_bits)) {
        const bool keep = node.filter_invert ? (m.flags & node.filter) == 0
                          : node.filter == 0  ? m.flags == 0
                                              : (m.flags & node.filter) != 0;
        if (keep) out.push_back(m);
      }
      break;
  }
  Normalise(&out);
  if (out.size() > kMaxMentionsPerNode) out.resize(kMaxMentionsPerNode);
  // Evaluate may have grown memo_ entries of children, but never memo_ itself: `out` is stable.
  memo_generation_[span] = generation_;
  return out;
}

// One mention of each part, chosen depth-first: same value, no overlap, and for near/ordered at
// most `within` tokens between the parts in all (ordered: each after the previous), for sentence
// all in the sentence of the first part.
//
// The tokens between the parts chosen so far can only shrink by the parts still to choose that
// fall between them (near takes its parts in any order), by at most their lengths: a partial
// choice is given up only when its gap exceeds `within` by more than the longest mentions of the
// remaining parts could cover. For ordered every later part lies after the chosen ones, so the
// gap never shrinks and the bound is exact.
struct WordState::Choice {
  const SpanNode* node = nullptr;
  const FieldState* state = nullptr;
  size_t parts_size = 0;
  const std::vector<Mention>* parts[kMaxSpanParts] = {};
  uint32_t slack[kMaxSpanParts + 1] = {};  // slack[k]: the most tokens parts k.. can cover (near)
  const Mention* chosen[kMaxSpanParts] = {};
  size_t budget = 4096;  // bounded work per node and record
  size_t limit = kMaxMentionsPerNode;  // the search stops once `out` holds this many
  std::vector<Mention>* out = nullptr;
};

void WordState::Combine(const Program& program, const SpanNode& node, std::vector<Mention>* out,
                        const std::vector<uint8_t>& atom_bits, size_t limit) {
  Choice c;
  c.node = &node;
  c.out = out;
  c.limit = limit;
  if (node.children.size() > kMaxSpanParts) return;  // the checker refuses more
  for (int child : node.children) {
    const std::vector<Mention>& m = Evaluate(program, child, atom_bits);
    if (m.empty()) return;
    c.parts[c.parts_size++] = &m;
  }
  if (node.op == SpanOp::kNear) {
    for (size_t k = c.parts_size; k-- > 0;) {
      uint32_t longest = 0;
      for (const Mention& m : *c.parts[k]) longest = std::max(longest, m.last - m.first);
      c.slack[k] = c.slack[k + 1] + longest;
    }
  }
  c.state = &fields_[program.word_field_of[node.field]];
  Choose(&c, 0, 0, 0, 0);
}

// A composite mention is the wording of one statement: a context trigger inside one of its parts
// belongs to that wording and marks none of the other parts ("if i don't" in
// ordered("if i don't", "sleep with", "his friend") negates nothing). So each part keeps only the
// marks that some scope not triggered inside a chosen part gives it (never more than it had).
uint8_t WordState::CompositeFlags(const Choice& c) {
  const uint32_t value = c.chosen[0]->value;
  const std::vector<FieldState::Scope>& scopes = c.state->scopes[value];
  const auto inside_a_part = [&c](const FieldState::Scope& scope) {
    for (size_t i = 0; i < c.parts_size; ++i) {
      if (c.chosen[i]->first <= scope.trigger_first && scope.trigger_last <= c.chosen[i]->last) {
        return true;
      }
    }
    return false;
  };
  uint8_t flags = 0;
  for (size_t j = 0; j < c.parts_size; ++j) {
    const Mention& part = *c.chosen[j];
    if (part.flags == 0) continue;
    uint8_t kept = 0;
    for (const FieldState::Scope& scope : scopes) {
      if (scope.begin < part.last && part.first < scope.end && !inside_a_part(scope)) {
        kept |= scope.bit;
      }
    }
    flags |= part.flags & kept;
  }
  return flags;
}

void WordState::Choose(Choice* c, size_t k, uint32_t lo, uint32_t hi, uint32_t covered) {
  std::vector<Mention>* out = c->out;
  if (out->size() >= c->limit || c->budget == 0) return;
  if (k == c->parts_size) {
    Mention r{c->chosen[0]->value, lo, hi, 0};
    for (size_t j = 0; j < k; ++j) r.flags |= c->chosen[j]->flags;
    if (r.flags != 0) r.flags = CompositeFlags(*c);
    out->push_back(r);
    return;
  }
  const SpanNode& node = *c->node;
  const std::vector<Mention>& part = *c->parts[k];
  // A part's mentions are sorted by (value, first, last). Past the first value after the chosen
  // one, and (for k > 0) past a mention that starts after every chosen part and is too far from
  // them (or, for sentence, in a later sentence), every later mention fails too: the loop stops
  // there, spending the budget it would have spent failing them one by one.
  const auto rest_fail = [c, &part](const Mention& m) {
    const size_t rest = static_cast<size_t>(&part.back() - &m);
    c->budget -= std::min(c->budget, rest);
  };
  for (const Mention& m : part) {
    if (c->budget == 0) return;
    --c->budget;
    if (k > 0) {
      if (m.value != c->chosen[0]->value) {
        if (m.value > c->chosen[0]->value) return rest_fail(m);
        continue;
      }
      bool overlaps = false;
      for (size_t j = 0; j < k; ++j) {
        if (m.first < c->chosen[j]->last && c->chosen[j]->first < m.last) {
          overlaps = true;
          break;
        }
      }
      if (overlaps) continue;
      if (node.op == SpanOp::kOrdered && m.first < c->chosen[k - 1]->last) continue;
    }
    const uint32_t new_lo = k == 0 ? m.first : std::min(lo, m.first);
    const uint32_t new_hi = k == 0 ? m.last : std::max(hi, m.last);
    const uint32_t new_covered = covered + (m.last - m.first);
    if (node.op == SpanOp::kSentence) {
      const std::vector<Token>& tokens = c->state->analyzed[m.value].tokens;
      const uint32_t s = tokens[m.first].sentence;
      if (k > 0 && s > tokens[c->chosen[0]->first].sentence) return rest_fail(m);
      if (tokens[m.last - 1].sentence != s) continue;
      if (k > 0 && tokens[c->chosen[0]->first].sentence != s) continue;
    } else if (new_hi - new_lo - new_covered >
               static_cast<uint32_t>(node.within) + c->slack[k + 1]) {
      // From here on (m.first >= hi), the gap is m.first - lo - covered: it only grows.
      if (k > 0 && m.first >= hi) return rest_fail(m);
      continue;
    }
    c->chosen[k] = &m;
    Choose(c, k + 1, new_lo, new_hi, new_covered);
  }
}

size_t WordState::CountMentions(const Program& program, int span,
                                const std::vector<uint8_t>& atom_bits) {
  const std::vector<Mention>& mentions = Evaluate(program, span, atom_bits);
  size_t count = 0;
  for (size_t i = 0; i < mentions.size(); ++i) {
    if (i == 0 || !Same(mentions[i - 1], mentions[i])) ++count;
  }
  return count;
}

void WordState::CollectLeaves(const Program& program, int span,
                              const std::vector<Mention>& within,
                              const std::vector<uint8_t>& atom_bits,
                              std::vector<std::pair<int, Mention>>* out) {
  const SpanNode& node = program.spans[span];
  if (node.op == SpanOp::kTerms || node.op == SpanOp::kRegex || node.op == SpanOp::kNumber) {
    for (const Mention& m : Evaluate(program, span, atom_bits)) {
      for (const Mention& w : within) {
        if (m.value == w.value && m.first >= w.first && m.last <= w.last) {
          out->emplace_back(node.field, m);
          break;
        }
      }
    }
    return;
  }
  for (int child : node.children) CollectLeaves(program, child, within, atom_bits, out);
}

void WordState::CollectSpans(const Program& program, int span,
                             const std::vector<uint8_t>& atom_bits, std::vector<MatchSpan>* out) {
  const std::vector<Mention> top = Evaluate(program, span, atom_bits);
  std::vector<std::pair<int, Mention>> leaves;
  CollectLeaves(program, span, top, atom_bits, &leaves);
  for (const auto& [field, m] : leaves) {
    const int wf_index = program.word_field_of[field];
    const std::vector<Token>& tokens = fields_[wf_index].analyzed[m.value].tokens;
    const MatchSpan s{program.fields[field].name, m.value, tokens[m.first].begin,
                      tokens[m.last - 1].end};
    const bool seen = std::any_of(out->begin(), out->end(), [&](const MatchSpan& o) {
      return o.field == s.field && o.value == s.value && o.begin == s.begin && o.end == s.end;
    });
    if (!seen) out->push_back(s);
  }
}

std::string WordState::Describe(const Program& program, int span,
                                const std::vector<uint8_t>& atom_bits) {
  const SpanNode& node = program.spans[span];
  const std::vector<Mention> mentions = Evaluate(program, span, atom_bits);
  const int wf_index = program.word_field_of[node.field];
  const FieldState& state = fields_[wf_index];
  std::string text;
  size_t shown = 0;
  for (const Mention& m : mentions) {
    if (shown == 3) {
      text += ", ...";
      break;
    }
    const std::vector<Token>& tokens = state.analyzed[m.value].tokens;
    const std::string_view value = (*state.texts)[m.value];
    const uint32_t begin = tokens[m.first].begin;
    const uint32_t end = tokens[m.last - 1].end;
    text += (shown == 0 ? "" : ", ") + std::string("\"") +
            std::string(value.substr(begin, end - begin)) + "\"";
    if (m.flags != 0) {
      text += " (";
      const char* sep = "";
      for (const auto& [bit, name] : {std::pair<uint8_t, const char*>{kNegated, "negated"},
                                      {kHistorical, "historical"},
                                      {kHypothetical, "hypothetical"},
                                      {kOther, "other person"},
                                      {kMedia, "media"}}) {
        if ((m.flags & bit) != 0) {
          text += sep;
          text += name;
          sep = ", ";
        }
      }
      text += ")";
    }
    ++shown;
  }
  return mentions.empty() ? "no mention" : text;
}

}  // namespace triage::internal
