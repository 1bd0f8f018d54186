// SPDX-License-Identifier: Apache-2.0
// The position of a band in a config's list (triage/band_index.h).

#include "triage/band_index.h"

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "triage/config.h"

namespace triage {

std::optional<size_t> FindBand(const std::vector<UrgencyBand>& bands, std::string_view name) {
  for (size_t i = 0; i < bands.size(); ++i) {
    if (bands[i].name == name) return i;
  }
  return std::nullopt;
}

}  // namespace triage
