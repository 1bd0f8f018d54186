// SPDX-License-Identifier: Apache-2.0
// The word-level tables: `terms` lists compiled into the Program's phrase table (each phrase
// analysed as the records' text is, compile/words.h), `context` declarations into triggers and
// terminators, and the per-field bookkeeping of word-level reading — which text fields are read
// as words (WordField), which terms list is looked for on which field (TermAtom), which fields a
// context filter reads. The conditions that use them are lowered by compile/resolve.h, which asks
// this table for lists, word fields and term atoms as it goes.
// Not thread-safe (one per compilation).
#ifndef TRIAGE_COMPILE_TERMS_H_
#define TRIAGE_COMPILE_TERMS_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "triage/config.h"
#include "triage/source.h"

#include "compile/program.h"
#include "compile/reporter.h"
#include "compile/symbols.h"
#include "compile/words.h"
#include "dsl/ast.h"

namespace triage::internal {

namespace ast = dsl::ast;

// A phrase whose written text holds characters that its analysis drops (PhraseReading::dropped,
// compile/words.h), for the lint's term-drops-text warning (compile/lint.h).
struct LossyPhrase {
  FileId file;
  SourceSpan span;      // the phrase's string literal
  std::string written;  // the phrase as written
  PhraseReading reading;
};

// A one-word term of a stemmed list, with its stem in each language of the list, for the lint's
// short-stem warning (compile/lint.h).
struct StemmedTerm {
  FileId file;
  SourceSpan span;      // the phrase's string literal
  std::string written;  // the phrase as written
  std::string form;     // its one word, analysed (folded)
  // Per language of the list, in the config's order: the language's name and the word's stem.
  std::vector<std::pair<std::string, std::string>> stems;
};

class TermTable {
 public:
  // Every argument outlives the table; `symbols` holds the terms and context declarations.
  TermTable(const SourceManager& sources, const EngineConfig& config, Symbols* symbols,
            Program* program, Reporter* reporter)
      : sources_(sources),
        config_(config),
        symbols_(symbols),
        program_(program),
        reporter_(reporter) {}

  // Compiles every terms list, in name order, into Program::terms and Program::phrases
  // (duplicate-option, no-stemmer, unknown-stemmer, unknown-option, bad-phrase, bad-leet; for a
  // list that includes others by name, unknown-name, duplicate-include and include-cycle). A
  // list's phrases are its own, compiled with its options, and those of every list it includes,
  // directly or through others, each compiled with its own list's options; the
  // phrases that lose characters to the analysis are kept for lossy_phrases(), and the one-word
  // terms of stemmed lists for stemmed_terms(). Then FinishTermIndex (compile/words.h) indexes
  // them.
  void CompileTerms();

  // Compiles the context declarations into Program::triggers, Program::terminators and
  // Program::pseudo_triggers
  // (unknown-context, bad-context, unknown-name, and a scope's window as a score).
  void CompileContexts();

  // The index in Program::terms of the terms list `name`, marked used; -1 after reporting
  // unknown-name, or for a list that did not compile.
  int Index(const ast::Identifier& name, FileId file);

  // The index in Program::word_fields of field `field` read as words, entered on first use.
  int EnsureWordField(int field);
  // A context filter reads field `field` (-1: a field that did not resolve): its word field also
  // finds the trigger lists, and FinishWordFields knows that filters are used.
  void MarkContextRead(int field);
  // The index in Program::term_atoms of terms list `list` on field `field`, entered on first use.
  int TermAtomFor(int field, int list);

  // Once every condition is lowered: each word field that a filter reads looks for every trigger
  // and terminator list, and gets its by-list table; Program::word_field_of is filled. Warns
  // no-context-triggers when filters are used with no trigger declared.
  void FinishWordFields();

  // The compiled phrases that lose characters to the analysis, in the order compiled.
  const std::vector<LossyPhrase>& lossy_phrases() const { return lossy_phrases_; }
  // The compiled one-word terms of stemmed lists, in the order compiled.
  const std::vector<StemmedTerm>& stemmed_terms() const { return stemmed_terms_; }

 private:
  bool CompileOptions(const std::string& name, TermsInfo* info,
                      std::vector<uint32_t>* stem_languages);
  void ResolveIncludes(const std::string& name, TermsInfo* info);
  void CheckIncludeCycles();
  bool StemLanguages(const std::string& list, const ast::TermsOption& option, FileId file,
                     std::vector<uint32_t>* languages);
  bool CheckLeetPhrase(const std::string& list, const ast::StringLit& phrase, FileId file,
                       AnalyzerScratch* scratch);

  const SourceManager& sources_;
  const EngineConfig& config_;
  Symbols* symbols_;
  Program* program_;
  Reporter* reporter_;
  std::vector<int> word_field_of_;
  std::map<std::pair<int, int>, int> term_atom_index_;
  std::vector<LossyPhrase> lossy_phrases_;
  std::vector<StemmedTerm> stemmed_terms_;
  bool uses_context_ = false;
};

}  // namespace triage::internal

#endif  // TRIAGE_COMPILE_TERMS_H_
