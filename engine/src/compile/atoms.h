// SPDX-License-Identifier: Apache-2.0
// How regex literals and phrase lists become RE2 sources. Every atom's source has exactly one
// capturing group around the text that counts as its match, so that count(...) and (later)
// highlighted spans read the same group, and the same source goes into the field's RE2::Set.
#ifndef TRIAGE_COMPILE_ATOMS_H_
#define TRIAGE_COMPILE_ATOMS_H_

#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "util/ascii.h"

namespace triage::internal {

// RE2 options every atom and set is compiled with (UTF-8, no logging, bounded memory).
RE2::Options AtomOptions();

// `(?flags)(source)`. REQUIRES: flags only from "ism".
std::string PatternAtomSource(std::string_view source, std::string_view flags);

// A phrase list: phrases quoted, inner whitespace runs matching \s+, alternatives longest first;
// case-insensitive unless `case_sensitive`; unless `partial`, the phrase may be neither preceded
// nor followed by a letter, digit or '_' (Unicode-aware, unlike RE2's ASCII \b).
std::string ListAtomSource(const std::vector<std::string>& phrases, bool case_sensitive,
                           bool partial);

// The same phrases without the word-edge conditions: `(?i)(?:a|b)`. It matches wherever the
// list's atom does (and more), with a far smaller program (the Unicode word-edge classes are
// thousands of instructions each), so a list's set entry is this and its hits are confirmed
// with the full atom.
// ASCII \b on the edges where it is implied (see atoms.cc).
std::string ListSetSource(const std::vector<std::string>& phrases, bool case_sensitive);

// True if some phrase, folded, starts or ends with 'k' or 's', which case folding also matches
// with KELVIN SIGN (U+212A) or LONG S (U+017F): letters RE2's ASCII \b does not see, so the set
// entry may miss such a spelling. The matcher then runs the list's own regex on every value that
// contains one of these two letters (HasNonAsciiFoldLetter), which keeps the plan exact.
bool ListHasFoldEdges(const std::vector<std::string>& phrases, bool case_sensitive);

// True if every phrase starts and ends with an ASCII letter, digit or '_'. Then on a text that is
// all ASCII, ListSetSource's \b edges are exactly the list's Unicode word edges (no neighbour can
// be a letter of another script, and no KELVIN SIGN or LONG S can occur), so a set hit needs no
// confirmation by the list's own regex.
bool ListExactOnAscii(const std::vector<std::string>& phrases);

bool HasNonAsciiFoldLetter(std::string_view text);

}  // namespace triage::internal

#endif  // TRIAGE_COMPILE_ATOMS_H_
