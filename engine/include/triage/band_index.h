// SPDX-License-Identifier: Apache-2.0
// Band index: where an urgency band stands in a config's list of bands (0 = the most urgent).
// Analyst tools compare bands by position — a move from index 2 to index 1 is "more urgent" — so
// that rulesets whose band lists differ can still be compared. This is the one lookup they share.
//
// A pure function: safe to call from several threads at once.
#ifndef TRIAGE_BAND_INDEX_H_
#define TRIAGE_BAND_INDEX_H_

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "triage/config.h"
#include "triage/export.h"

namespace triage {

// Returns the position of the band named `name` in `bands` (as in EngineConfig::bands, most
// urgent first), or nullopt if no band has that name.
TRIAGE_EXPORT std::optional<size_t> FindBand(const std::vector<UrgencyBand>& bands,
                                             std::string_view name);

}  // namespace triage

#endif  // TRIAGE_BAND_INDEX_H_
