// SPDX-License-Identifier: Apache-2.0
// The text view of `triage explain` (explain_reporter.h).

#include <algorithm>
#include <array>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "triage/config.h"
#include "triage/counterfactual.h"
#include "triage/decision.h"
#include "triage/explain.h"
#include "triage/explain_report.h"
#include "triage/highlight.h"
#include "triage/ledger.h"
#include "triage/status.h"
#include "triage/why_not.h"

#include "explain_reporter.h"

namespace triage::cli {
namespace {

// SGR sequences of the text view.
constexpr std::string_view kSpanOn = "\x1b[1;4;33m";  // bold, underlined, yellow
constexpr std::string_view kBoldOn = "\x1b[1m";
constexpr std::string_view kGreenOn = "\x1b[32m";
constexpr std::string_view kRedOn = "\x1b[31m";
constexpr std::string_view kReset = "\x1b[0m";

// Appends printf-style text to *out.
__attribute__((format(printf, 2, 3))) void Appendf(std::string* out, const char* format, ...) {
  // Two passes, each with its own va_start: measure, then write. (The analyzer does not see
  // va_start initialise a va_list passed on to vsnprintf: a false positive.)
  va_list args;
  va_start(args, format);
  const int size = std::vsnprintf(nullptr, 0, format, args);  // NOLINT(clang-analyzer-valist.*)
  va_end(args);
  if (size <= 0) return;
  const size_t old = out->size();
  out->resize(old + static_cast<size_t>(size) + 1);
  va_start(args, format);
  std::vsnprintf(&(*out)[old], static_cast<size_t>(size) + 1, format, args);
  va_end(args);
  out->resize(old + static_cast<size_t>(size));
}

class Style {
 public:
  explicit Style(bool color) : color_(color) {}
  std::string Bold(std::string_view text) const { return Wrap(kBoldOn, text); }
  std::string Green(std::string_view text) const { return Wrap(kGreenOn, text); }
  std::string Red(std::string_view text) const { return Wrap(kRedOn, text); }
  std::string Truth(bool holds) const { return holds ? Green("true ") : Red("false"); }

 private:
  std::string Wrap(std::string_view on, std::string_view text) const {
    std::string out;
    if (color_) out += on;
    out += text;
    if (color_) out += kReset;
    return out;
  }
  bool color_;
};

std::string Signed(int64_t value) { return (value >= 0 ? "+" : "") + std::to_string(value); }

// Pads `text` with spaces to `width` bytes (no-op if longer).
std::string Pad(std::string text, size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

// A condition's source text on one line: runs of whitespace (newlines included) become one space.
std::string OneLine(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::string ValueName(const std::string& field, uint32_t value) {
  return field + "[" + std::to_string(value) + "]";
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

std::string CategoriesText(const std::vector<CategoryScore>& categories) {
  std::string out;
  for (const CategoryScore& category : categories) {
    if (!out.empty()) out += ", ";
    out += category.name + " " + std::to_string(category.score);
  }
  return out.empty() ? "none" : out;
}

std::string BlockingText(const BlockingPart& part) {
  return OneLine(part.trace->text) + (part.needed ? "  (does not hold)" : "  (holds; must not)");
}

// --- Text view ------------------------------------------------------------------------------

void AppendHeader(const ExplainReport& report, const Style& style, std::string* out) {
  const Decision& decision = report.explanation->decision;
  std::string title = "record ";
  if (decision.id) title += EscapeForTerminal(*decision.id) + " ";
  title += "(line " + std::to_string(report.line) + ")";
  *out += style.Bold(title) + ": " + style.Bold(decision.band) + ", score " +
          std::to_string(decision.urgency) + "\n";
  *out += "  categories: " + CategoriesText(decision.categories);
  if (report.categories.fallback) *out += " (fallback)";
  *out += "\n";
  if (!decision.tags.empty()) *out += "  tags: " + JoinNames(decision.tags) + "\n";
  if (!decision.routes.empty()) *out += "  routes: " + JoinNames(decision.routes) + "\n";
  *out += "  ruleset: " + decision.ruleset + "\n";
}

void AppendLedger(const ExplainReport& report, const Style& style, std::string* out) {
  const Ledger& ledger = report.ledger;
  *out += "\n" + style.Bold("score") + " (fired rules, evaluation order)\n";
  if (ledger.entries.empty()) {
    *out += "  no rule fired\n";
  } else {
    size_t width = 4;
    std::vector<std::string> names;
    for (const LedgerEntry& entry : ledger.entries) {
      names.push_back(entry.rule->rule + (entry.rule->overridden ? " (override)" : ""));
      width = std::max(width, names.back().size());
    }
    *out += "  urgency  total  " + Pad("rule", width) + "  contributes\n";
    for (size_t i = 0; i < ledger.entries.size(); ++i) {
      const RuleTrace& rule = *ledger.entries[i].rule;
      std::vector<std::string> extras;
      if (rule.floor) extras.push_back("floor " + std::to_string(*rule.floor));
      for (const CategoryScore& category : rule.categories) {
        extras.push_back(category.name + " " + Signed(category.score));
      }
      std::string line;
      Appendf(
          &line, "  %7s %6s  %s", Signed(rule.urgency).c_str(),
          std::to_string(ledger.entries[i].running).c_str(),
          (extras.empty() ? names[i] : Pad(names[i], width) + "  " + JoinNames(extras)).c_str());
      *out += line + "\n";
    }
  }
  if (ledger.sum < 0) {
    *out += "  sum " + std::to_string(ledger.sum) + ", raised to 0\n";
  } else if (ledger.sum > ledger.max) {
    *out += "  sum " + std::to_string(ledger.sum) + ", capped at " + std::to_string(ledger.max) +
            " (urgency.max)\n";
  } else {
    *out +=
        "  sum " + std::to_string(ledger.sum) + " (within 0.." + std::to_string(ledger.max) + ")\n";
  }
  if (ledger.floor) {
    if (*ledger.floor > ledger.clamped) {
      Appendf(out, "  floor %d (%s) raises %s to %d\n", *ledger.floor, ledger.floor_rule.c_str(),
              std::to_string(ledger.clamped).c_str(), *ledger.floor);
    } else {
      Appendf(out, "  floor %d (%s) has no effect: %s is not below it\n", *ledger.floor,
              ledger.floor_rule.c_str(), std::to_string(ledger.clamped).c_str());
    }
  }
  std::string final_line;
  Appendf(&final_line, "  score %d >= %d: %s", ledger.score, ledger.band_min,
          style.Bold(ledger.band).c_str());
  if (!ledger.band_label.empty()) final_line += " (" + ledger.band_label + ")";
  if (ledger.next_band) {
    Appendf(&final_line, "; %s needs %d (%d more)", ledger.next_band->name.c_str(),
            ledger.next_band->min, ledger.next_band->min - ledger.score);
  }
  *out += final_line + "\n";
  const int64_t expected = std::max<int64_t>(ledger.clamped, ledger.floor.value_or(0));
  if (expected != ledger.score) {
    Appendf(out, "  (the ledger gives %s but the engine decided %d)\n",
            std::to_string(expected).c_str(), ledger.score);
  }
}

void AppendCategories(const ExplainReport& report, const Style& style, std::string* out) {
  const CategoryReport& categories = report.categories;
  *out += "\n" + style.Bold("categories");
  Appendf(out, " (assigned at %d or more, at most %d)\n", categories.assign_min,
          categories.max_labels);
  if (categories.lines.empty()) *out += "  no fired rule scored a category\n";
  size_t width = 0;
  for (const CategoryLine& line : categories.lines) width = std::max(width, line.name.size());
  for (const CategoryLine& line : categories.lines) {
    std::string status;
    switch (line.status) {
      case CategoryLine::Status::kAssigned:
        status = "assigned";
        break;
      case CategoryLine::Status::kBelowMin:
        status = "below " + std::to_string(categories.assign_min);
        break;
      case CategoryLine::Status::kOverMaxLabels:
        status = "over max_labels";
        break;
    }
    std::vector<std::string> contributions;
    for (const auto& [rule, score] : line.contributions) {
      contributions.push_back(rule + " " + Signed(score));
    }
    std::string text;
    Appendf(&text, "  %s %5d  %s  %s", Pad(line.name, width).c_str(), line.score,
            Pad(status, 15).c_str(), JoinNames(contributions).c_str());
    *out += text + "\n";
  }
  if (categories.fallback) {
    Appendf(out, "  no category reached %d: fallback %s", categories.assign_min,
            categories.fallback->c_str());
    if (categories.fallback_field_value) {
      Appendf(out, " (%s: %s)", categories.fallback_field_value->first.c_str(),
              categories.fallback_field_value->second.c_str());
    }
    *out += "\n";
  }
}

void AppendText(const ExplainReport& report, const Style& style, bool color, std::string* out) {
  const Explanation& explanation = *report.explanation;
  *out += "\n" + style.Bold("text") + " (matches of fired rules ";
  *out += color ? "highlighted)\n"
                : "between " + std::string(kMarkOpen) + " and " + std::string(kMarkClose) + ")\n";
  bool any_value = false;
  for (const FieldText& field : explanation.texts) {
    for (size_t v = 0; v < field.values.size(); ++v) {
      any_value = true;
      const auto index = static_cast<uint32_t>(v);
      *out += "  " + ValueName(field.field, index) + ": " +
              MarkRanges(field.values[v], MarkedRanges(report.spans, field.field, index), color) +
              "\n";
    }
  }
  if (!any_value) *out += "  the record has no text\n";

  std::vector<std::string> without_spans;
  for (const RuleTrace& rule : explanation.rules) {
    if (!rule.fired) continue;
    std::vector<const RuleSpan*> spans;
    for (const RuleSpan& span : report.spans) {
      if (span.rule == rule.rule) spans.push_back(&span);
    }
    if (spans.empty()) {
      without_spans.push_back(rule.rule);
      continue;
    }
    *out += "  " + style.Bold(rule.rule);
    if (!rule.description.empty()) *out += "  " + EscapeForTerminal(rule.description);
    *out += "  (" + rule.location + ")\n";
    for (const RuleSpan* span : spans) {
      std::string line;
      Appendf(&line, "    %s %u..%u  \"%s\"", ValueName(span->span.field, span->span.value).c_str(),
              span->span.begin, span->span.end, EscapeForTerminal(span->text).c_str());
      *out += line + "\n";
    }
  }
  if (!without_spans.empty()) {
    *out += "  fired without matching text: " + JoinNames(without_spans) + "\n";
  }
}

void AppendCounterfactual(const ExplainReport& report, const Style& style, std::string* out) {
  const Counterfactual& cf = *report.counterfactual;
  *out += "\n" + style.Bold("counterfactual") +
          " (the fewest fired rules to disable for another band)\n";
  if (cf.fired == 0) {
    *out += "  no rule fired: there is nothing to disable\n";
    return;
  }
  if (cf.found) {
    *out += "  without " + JoinNames(cf.rules);
    if (!cf.also_off.empty()) *out += " (which also switches off " + JoinNames(cf.also_off) + ")";
    Appendf(out, ": %s -> %s, score %d -> %d\n", report.explanation->decision.band.c_str(),
            style.Bold(cf.band).c_str(), report.explanation->decision.urgency, cf.score);
    *out += "  categories would be: " + CategoriesText(cf.categories) + "\n";
    return;
  }
  Appendf(out, "  no set of up to %zu rule%s moves the record out of %s", cf.searched_size,
          cf.searched_size == 1 ? "" : "s", report.explanation->decision.band.c_str());
  if (cf.limited) {
    Appendf(out,
            " (search limited: %zu scans; sets of 2 or more drawn from the %zu most "
            "influential of %zu fired rules)",
            cf.scans, cf.candidates, cf.fired);
  }
  *out += "\n";
}

void AppendClosest(const ExplainReport& report, const Style& style, std::string* out) {
  *out +=
      "\n" + style.Bold("closest to firing") + " (rules that did not fire, most tests holding)\n";
  if (report.closest.empty()) {
    *out += "  none: no rule that did not fire had a test holding\n";
    return;
  }
  for (const NearMiss& miss : report.closest) {
    std::string line;
    Appendf(&line, "  %s (%s): %zu of %zu test%s hold\n", style.Bold(miss.rule->rule).c_str(),
            miss.rule->location.c_str(), miss.holding, miss.total, miss.total == 1 ? "" : "s");
    *out += line;
    if (!miss.blocking.empty()) {
      const BlockingPart& first = miss.blocking.front();
      *out += "    fails at " + first.trace->location + ": " + BlockingText(first);
      if (miss.blocking.size() > 1) Appendf(out, " (and %zu more)", miss.blocking.size() - 1);
      *out += "\n";
    }
  }
}

// A part's label in the tree: a test's text, or its operator.
std::string Label(const ConditionView& view) {
  switch (view.kind) {
    case ConditionView::Kind::kTest:
      return OneLine(view.trace->text);
    case ConditionView::Kind::kAnd:
      return "and";
    case ConditionView::Kind::kOr:
      return "or";
    case ConditionView::Kind::kNot:
      return "not";
    case ConditionView::Kind::kAtLeast:
      return std::to_string(view.trace->at_least) + " of";
  }
  return "";
}

void AppendTree(const ConditionView& view, const std::vector<BlockingPart>& blocking, size_t depth,
                size_t width, const Style& style, std::string* out) {
  const std::string label = std::string(2 * depth, ' ') + Label(view);
  *out += "  " + style.Truth(view.trace->holds) + "  " + Pad(label, width) + "  " +
          view.trace->location;
  if (!view.trace->detail.empty()) *out += "  [" + view.trace->detail + "]";
  for (const BlockingPart& part : blocking) {
    if (part.trace == view.trace) {
      *out += style.Red(part.needed ? "  <- does not hold" : "  <- holds, must not");
      break;
    }
  }
  *out += "\n";
  for (const ConditionView& child : view.children) {
    AppendTree(child, blocking, depth + 1, width, style, out);
  }
}

size_t TreeWidth(const ConditionView& view, size_t depth) {
  size_t width = 2 * depth + Label(view).size();
  for (const ConditionView& child : view.children) {
    width = std::max(width, TreeWidth(child, depth + 1));
  }
  return width;
}

void AppendWhyNot(const RuleTrace& rule, const Style& style, std::string* out) {
  *out += "\n" + style.Bold("why not " + rule.rule) + " (" + rule.location + "): ";
  if (rule.fired) {
    *out += "it fired\n";
  } else if (!rule.enabled) {
    *out += "it is disabled by the config (overrides: {enabled: false})\n";
  } else {
    *out += "it did not fire\n";
  }
  if (rule.condition.text.empty()) return;
  const ConditionView view = ViewCondition(rule.condition);
  const std::vector<BlockingPart> blocking = FindBlocking(view);
  AppendTree(view, blocking, 0, std::min<size_t>(TreeWidth(view, 0), 72), style, out);
  if (!rule.enabled && rule.condition.holds)
    *out += "  its condition holds: enabled, it would fire\n";
  if (!blocking.empty()) {
    *out +=
        "  fails at " + blocking.front().trace->location + ": " + BlockingText(blocking.front());
    if (blocking.size() > 1) Appendf(out, " (and %zu more)", blocking.size() - 1);
    *out += "\n";
  }
}

}  // namespace

std::string EscapeForTerminal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto escape = [&out](unsigned code) {
    std::array<char, 8> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "\\u%04x", code);
    out += buffer.data();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const auto next = [&](size_t k) {
      return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0U;
    };
    if (byte == '\n') {
      out += "\\n";
    } else if (byte == '\t') {
      out += "\\t";
    } else if (byte == '\r') {
      out += "\\r";
    } else if (byte < 0x20 || byte == 0x7f) {
      escape(byte);
    } else if (byte == 0xc2 && next(1) >= 0x80 && next(1) <= 0x9f) {
      escape(next(1));  // C1 controls U+0080..U+009F
      i += 1;
    } else if (byte == 0xd8 && next(1) == 0x9c) {
      escape(0x061c);  // arabic letter mark
      i += 1;
    } else if (byte == 0xe2 && next(1) == 0x80 &&
               ((next(2) >= 0x8e && next(2) <= 0x8f) || (next(2) >= 0xaa && next(2) <= 0xae))) {
      escape(0x2000 + (next(2) - 0x80));  // U+200E..U+200F, U+202A..U+202E
      i += 2;
    } else if (byte == 0xe2 && next(1) == 0x81 && next(2) >= 0xa6 && next(2) <= 0xa9) {
      escape(0x2040 + (next(2) - 0x80));  // U+2066..U+2069
      i += 2;
    } else {
      out.push_back(static_cast<char>(byte));
    }
  }
  return out;
}

std::string MarkRanges(std::string_view value,
                       const std::vector<std::pair<uint32_t, uint32_t>>& ranges, bool color) {
  std::string out;
  size_t pos = 0;
  for (const auto& [begin, end] : ranges) {
    if (begin < pos || end > value.size() || begin >= end) continue;
    out += EscapeForTerminal(value.substr(pos, begin - pos));
    out += color ? kSpanOn : kMarkOpen;
    out += EscapeForTerminal(value.substr(begin, end - begin));
    out += color ? kReset : kMarkClose;
    pos = end;
  }
  out += EscapeForTerminal(value.substr(pos));
  return out;
}

namespace {

// Returns the text view of `report`, ending with '\n'.
std::string RenderText(const ExplainReport& report, bool color) {
  const Style style(color);
  std::string out;
  AppendHeader(report, style, &out);
  AppendLedger(report, style, &out);
  AppendCategories(report, style, &out);
  AppendText(report, style, color, &out);
  if (report.counterfactual) AppendCounterfactual(report, style, &out);
  if (report.closest_requested) AppendClosest(report, style, &out);
  for (const RuleTrace* rule : report.why_not) AppendWhyNot(*rule, style, &out);
  return out;
}

// Returns the text view of a record error, ending with '\n'.
std::string RenderTextError(uint64_t line, const std::optional<std::string>& id,
                            const Status& error, bool color) {
  const Style style(color);
  std::string title = "record ";
  if (id) title += EscapeForTerminal(*id) + " ";
  title += "(line " + std::to_string(line) + ")";
  const std::string& code = error.record_code();
  return style.Bold(title) + ": " + style.Red("error") + ": " + error.message() + " [" +
         (code.empty() ? std::string("internal") : code) + "]\n";
}

}  // namespace

namespace {

class TextExplainReporter : public ExplainReporter {
 public:
  explicit TextExplainReporter(bool color) : color_(color) {}
  // The text view ends with '\n': with the caller's, a blank line separates records.
  std::string Record(const ExplainReport& report) const override {
    return RenderText(report, color_);
  }
  std::string Error(uint64_t line, const std::optional<std::string>& id,
                    const Status& error) const override {
    return RenderTextError(line, id, error, color_);
  }

 private:
  bool color_;
};

}  // namespace

std::unique_ptr<ExplainReporter> MakeTextExplainReporter(bool color) {
  return std::make_unique<TextExplainReporter>(color);
}

}  // namespace triage::cli
