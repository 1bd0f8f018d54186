// SPDX-License-Identifier: Apache-2.0
// A candidate ruleset's decision against the live one (triage/shadow.h).

#include "triage/shadow.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "triage/band_index.h"
#include "triage/compare.h"
#include "triage/decision.h"
#include "triage/rule_set.h"
#include "triage/status.h"

#include "output/json_strings.h"

namespace triage {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

std::vector<std::string> CategoryNames(const Decision& d) {
  std::vector<std::string> names;
  for (const CategoryScore& c : d.categories) names.push_back(c.name);
  return names;
}

std::vector<std::string> RuleNames(const Decision& d) {
  std::vector<std::string> names;
  for (const RuleHit& hit : d.rules) names.push_back(hit.rule);
  return names;
}

void WriteSide(JsonWriter* w, const char* key, const Decision& d) {
  w->Key(key);
  w->StartObject();
  w->Key("band");
  w->String(d.band.c_str());
  w->Key("score");
  w->Int(d.urgency);
  w->Key("categories");
  internal::WriteStringArray(w, CategoryNames(d));
  w->EndObject();
}

}  // namespace

ShadowComparison CompareShadow(const RuleSet& candidate, uint64_t line, const Decision& live,
                               const Status& candidate_status, const Decision& candidate_decision) {
  ShadowComparison result;
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("line");
  w.Uint64(line);
  if (live.id) {
    w.Key("id");
    w.String(live.id->c_str(), static_cast<unsigned>(live.id->size()));
  }
  if (!candidate_status.ok()) {
    // The candidate refused a record the live ruleset triaged (a stricter field type).
    WriteSide(&w, "live", live);
    w.Key("candidate");
    w.StartObject();
    w.Key("error");
    w.String(candidate_status.record_code().c_str());
    w.EndObject();
    w.EndObject();
    result.outcome = ShadowOutcome::kRefused;
    result.log_line = buffer.GetString();
    return result;
  }
  const Decision& other = candidate_decision;
  const DecisionChange change = CompareDecisions(CategoryNames(live), RuleNames(live),
                                                 CategoryNames(other), RuleNames(other));
  const bool same = live.band == other.band && live.urgency == other.urgency &&
                    change.categories_added.empty() && change.categories_removed.empty() &&
                    change.rules_added.empty() && change.rules_removed.empty() && !change.reordered;
  if (same) return result;
  WriteSide(&w, "live", live);
  WriteSide(&w, "candidate", other);
  w.Key("rules_added");
  internal::WriteStringArray(&w, change.rules_added);
  w.Key("rules_removed");
  internal::WriteStringArray(&w, change.rules_removed);
  result.outcome = ShadowOutcome::kSameBand;
  if (live.band != other.band) {
    const std::optional<size_t> from = FindBand(candidate.config().bands, live.band);
    const std::optional<size_t> to = FindBand(candidate.config().bands, other.band);
    result.outcome =
        from && to && *to < *from ? ShadowOutcome::kMoreUrgent : ShadowOutcome::kLessUrgent;
  }
  w.Key("move");
  w.String(result.outcome == ShadowOutcome::kSameBand     ? "same_band"
           : result.outcome == ShadowOutcome::kMoreUrgent ? "more_urgent"
                                                          : "less_urgent");
  w.EndObject();
  result.log_line = buffer.GetString();
  return result;
}

void ShadowTally::Add(ShadowOutcome outcome) {
  ++compared;
  if (outcome == ShadowOutcome::kAgree) return;
  ++disagreements;
  switch (outcome) {
    case ShadowOutcome::kMoreUrgent:
      ++band_changes;
      ++more_urgent;
      break;
    case ShadowOutcome::kLessUrgent:
      ++band_changes;
      ++less_urgent;
      break;
    case ShadowOutcome::kRefused:
      ++candidate_errors;
      break;
    case ShadowOutcome::kAgree:
    case ShadowOutcome::kSameBand:
      break;
  }
}

}  // namespace triage
