// SPDX-License-Identifier: Apache-2.0
// The JSON form of an ExplainReport (triage/explain_report.h), written with rapidjson's Writer.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "triage/counterfactual.h"
#include "triage/decision.h"
#include "triage/explain.h"
#include "triage/explain_report.h"
#include "triage/highlight.h"
#include "triage/ledger.h"
#include "triage/why_not.h"

#include "output/json_strings.h"

namespace triage {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void Key(JsonWriter* w, std::string_view key) { internal::WriteJsonKey(w, key); }
void String(JsonWriter* w, std::string_view value) { internal::WriteJsonString(w, value); }
void StringArray(JsonWriter* w, const std::vector<std::string>& values) {
  internal::WriteStringArray(w, values);
}
void CategoryArray(JsonWriter* w, const std::vector<CategoryScore>& categories) {
  w->StartArray();
  for (const CategoryScore& category : categories) {
    w->StartObject();
    Key(w, "name");
    String(w, category.name);
    Key(w, "score");
    w->Int(category.score);
    w->EndObject();
  }
  w->EndArray();
}

void WriteBlocking(JsonWriter* w, const std::vector<BlockingPart>& blocking) {
  w->StartArray();
  for (const BlockingPart& part : blocking) {
    w->StartObject();
    Key(w, "text");
    String(w, part.trace->text);
    Key(w, "location");
    String(w, part.trace->location);
    Key(w, "holds");
    w->Bool(part.trace->holds);
    Key(w, "needed");
    w->Bool(part.needed);
    w->EndObject();
  }
  w->EndArray();
}

void WriteLedger(JsonWriter* w, const Ledger& ledger) {
  w->StartObject();
  Key(w, "rules");
  w->StartArray();
  for (const LedgerEntry& entry : ledger.entries) {
    const RuleTrace& rule = *entry.rule;
    w->StartObject();
    Key(w, "rule");
    String(w, rule.rule);
    Key(w, "description");
    String(w, rule.description);
    Key(w, "location");
    String(w, rule.location);
    Key(w, "urgency");
    w->Int(rule.urgency);
    if (rule.floor) {
      Key(w, "floor");
      w->Int(*rule.floor);
    }
    Key(w, "categories");
    w->StartObject();
    for (const CategoryScore& category : rule.categories) {
      Key(w, category.name);
      w->Int(category.score);
    }
    w->EndObject();
    Key(w, "overridden");
    w->Bool(rule.overridden);
    Key(w, "running");
    w->Int64(entry.running);
    w->EndObject();
  }
  w->EndArray();
  Key(w, "sum");
  w->Int64(ledger.sum);
  Key(w, "max");
  w->Int(ledger.max);
  Key(w, "clamped");
  w->Int64(ledger.clamped);
  Key(w, "floor");
  if (ledger.floor) {
    w->Int(*ledger.floor);
  } else {
    w->Null();
  }
  Key(w, "floor_rule");
  if (ledger.floor) {
    String(w, ledger.floor_rule);
  } else {
    w->Null();
  }
  Key(w, "score");
  w->Int(ledger.score);
  Key(w, "band");
  String(w, ledger.band);
  Key(w, "band_min");
  w->Int(ledger.band_min);
  Key(w, "band_label");
  String(w, ledger.band_label);
  Key(w, "next_band");
  if (ledger.next_band) {
    w->StartObject();
    Key(w, "name");
    String(w, ledger.next_band->name);
    Key(w, "min");
    w->Int(ledger.next_band->min);
    w->EndObject();
  } else {
    w->Null();
  }
  w->EndObject();
}

void WriteCategories(JsonWriter* w, const CategoryReport& categories,
                     const std::vector<CategoryScore>& assigned) {
  w->StartObject();
  Key(w, "assign_min");
  w->Int(categories.assign_min);
  Key(w, "max_labels");
  w->Int(categories.max_labels);
  Key(w, "totals");
  w->StartArray();
  for (const CategoryLine& line : categories.lines) {
    w->StartObject();
    Key(w, "name");
    String(w, line.name);
    Key(w, "score");
    w->Int(line.score);
    Key(w, "status");
    switch (line.status) {
      case CategoryLine::Status::kAssigned:
        String(w, "assigned");
        break;
      case CategoryLine::Status::kBelowMin:
        String(w, "below_assign_min");
        break;
      case CategoryLine::Status::kOverMaxLabels:
        String(w, "over_max_labels");
        break;
    }
    Key(w, "rules");
    w->StartArray();
    for (const auto& [rule, score] : line.contributions) {
      w->StartObject();
      Key(w, "rule");
      String(w, rule);
      Key(w, "score");
      w->Int(score);
      w->EndObject();
    }
    w->EndArray();
    w->EndObject();
  }
  w->EndArray();
  Key(w, "assigned");
  CategoryArray(w, assigned);
  Key(w, "fallback");
  if (categories.fallback) {
    String(w, *categories.fallback);
  } else {
    w->Null();
  }
  Key(w, "fallback_by_field");
  if (categories.fallback_field_value) {
    w->StartObject();
    Key(w, "field");
    String(w, categories.fallback_field_value->first);
    Key(w, "value");
    String(w, categories.fallback_field_value->second);
    w->EndObject();
  } else {
    w->Null();
  }
  w->EndObject();
}

void WriteTexts(JsonWriter* w, const ExplainReport& report) {
  w->StartArray();
  for (const FieldText& field : report.explanation->texts) {
    for (size_t v = 0; v < field.values.size(); ++v) {
      const auto index = static_cast<uint32_t>(v);
      w->StartObject();
      Key(w, "field");
      String(w, field.field);
      Key(w, "value");
      w->Uint(index);
      Key(w, "text");
      String(w, field.values[v]);
      Key(w, "marked");
      w->StartArray();
      for (const auto& [begin, end] : MarkedRanges(report.spans, field.field, index)) {
        w->StartArray();
        w->Uint(begin);
        w->Uint(end);
        w->EndArray();
      }
      w->EndArray();
      w->EndObject();
    }
  }
  w->EndArray();
}

void WriteSpans(JsonWriter* w, const std::vector<RuleSpan>& spans) {
  w->StartArray();
  for (const RuleSpan& span : spans) {
    w->StartObject();
    Key(w, "rule");
    String(w, span.rule);
    Key(w, "field");
    String(w, span.span.field);
    Key(w, "value");
    w->Uint(span.span.value);
    Key(w, "begin");
    w->Uint(span.span.begin);
    Key(w, "end");
    w->Uint(span.span.end);
    Key(w, "text");
    String(w, span.text);
    w->EndObject();
  }
  w->EndArray();
}

void WriteCounterfactual(JsonWriter* w, const Counterfactual& cf) {
  w->StartObject();
  Key(w, "found");
  w->Bool(cf.found);
  Key(w, "rules");
  StringArray(w, cf.rules);
  Key(w, "also_off");
  StringArray(w, cf.also_off);
  if (cf.found) {
    Key(w, "score");
    w->Int(cf.score);
    Key(w, "band");
    String(w, cf.band);
    Key(w, "categories");
    CategoryArray(w, cf.categories);
  }
  Key(w, "searched_size");
  w->Uint64(cf.searched_size);
  Key(w, "fired");
  w->Uint64(cf.fired);
  Key(w, "candidates");
  w->Uint64(cf.candidates);
  Key(w, "scans");
  w->Uint64(cf.scans);
  Key(w, "limited");
  w->Bool(cf.limited);
  w->EndObject();
}

void WriteClosest(JsonWriter* w, const std::vector<NearMiss>& closest) {
  w->StartArray();
  for (const NearMiss& miss : closest) {
    w->StartObject();
    Key(w, "rule");
    String(w, miss.rule->rule);
    Key(w, "location");
    String(w, miss.rule->location);
    Key(w, "holding");
    w->Uint64(miss.holding);
    Key(w, "tests");
    w->Uint64(miss.total);
    Key(w, "failed");
    if (miss.blocking.empty()) {
      w->Null();
    } else {
      const BlockingPart& first = miss.blocking.front();
      w->StartObject();
      Key(w, "text");
      String(w, first.trace->text);
      Key(w, "location");
      String(w, first.trace->location);
      Key(w, "holds");
      w->Bool(first.trace->holds);
      Key(w, "needed");
      w->Bool(first.needed);
      w->EndObject();
    }
    Key(w, "blocking");
    WriteBlocking(w, miss.blocking);
    w->EndObject();
  }
  w->EndArray();
}

void WriteTree(JsonWriter* w, const ConditionView& view,
               const std::vector<BlockingPart>& blocking) {
  w->StartObject();
  Key(w, "op");
  switch (view.kind) {
    case ConditionView::Kind::kTest:
      String(w, "test");
      break;
    case ConditionView::Kind::kAnd:
      String(w, "and");
      break;
    case ConditionView::Kind::kOr:
      String(w, "or");
      break;
    case ConditionView::Kind::kNot:
      String(w, "not");
      break;
    case ConditionView::Kind::kAtLeast:
      String(w, "at_least");
      Key(w, "n");
      w->Int(view.trace->at_least);
      break;
  }
  Key(w, "text");
  String(w, view.trace->text);
  Key(w, "location");
  String(w, view.trace->location);
  Key(w, "holds");
  w->Bool(view.trace->holds);
  if (!view.trace->detail.empty()) {  // word-level tests: the mentions found
    Key(w, "evidence");
    String(w, view.trace->detail);
  }
  if (view.kind == ConditionView::Kind::kTest) {
    Key(w, "blocking");
    w->Bool(std::any_of(blocking.begin(), blocking.end(),
                        [&](const BlockingPart& part) { return part.trace == view.trace; }));
  } else {
    Key(w, "children");
    w->StartArray();
    for (const ConditionView& child : view.children) WriteTree(w, child, blocking);
    w->EndArray();
  }
  w->EndObject();
}

void WriteWhyNot(JsonWriter* w, const RuleTrace& rule) {
  w->StartObject();
  Key(w, "rule");
  String(w, rule.rule);
  Key(w, "location");
  String(w, rule.location);
  Key(w, "fired");
  w->Bool(rule.fired);
  Key(w, "enabled");
  w->Bool(rule.enabled);
  if (!rule.condition.text.empty()) {
    const ConditionView view = ViewCondition(rule.condition);
    const std::vector<BlockingPart> blocking = FindBlocking(view);
    Key(w, "condition");
    WriteTree(w, view, blocking);
    Key(w, "failing");
    WriteBlocking(w, blocking);
  }
  w->EndObject();
}

}  // namespace

std::string ExplainReportToJson(const ExplainReport& report) {
  const Explanation& explanation = *report.explanation;
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  Key(&w, "line");
  w.Uint64(report.line);
  if (explanation.decision.id) {
    Key(&w, "id");
    String(&w, *explanation.decision.id);
  }
  Key(&w, "triage");
  const std::string decision = DecisionToJson(explanation.decision);
  w.RawValue(decision.data(), decision.size(), rapidjson::kObjectType);
  Key(&w, "ledger");
  WriteLedger(&w, report.ledger);
  Key(&w, "categories");
  WriteCategories(&w, report.categories, explanation.decision.categories);
  Key(&w, "texts");
  WriteTexts(&w, report);
  Key(&w, "spans");
  WriteSpans(&w, report.spans);
  if (report.counterfactual) {
    Key(&w, "counterfactual");
    WriteCounterfactual(&w, *report.counterfactual);
  }
  if (report.closest_requested) {
    Key(&w, "closest");
    WriteClosest(&w, report.closest);
  }
  if (!report.why_not.empty()) {
    Key(&w, "why_not");
    w.StartArray();
    for (const RuleTrace* rule : report.why_not) WriteWhyNot(&w, *rule);
    w.EndArray();
  }
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace triage
