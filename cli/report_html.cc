// SPDX-License-Identifier: Apache-2.0
// The HTML page of `triage eval` (report_html.h).
//
// The charts are plain SVG written by hand: rectangles, lines, polylines and text on a fixed
// coordinate system (viewBox), scaled by the browser. Numbers are printed with "%.1f" in the C
// locale, so the page is byte-identical for the same report. Each mark carries a <title>, which
// browsers show as a tooltip without any script.

#include "report_html.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "triage/evaluation.h"

#include "eval_report.h"
#include "markup_escape.h"

namespace triage::cli {
namespace {

constexpr const char* kBlue = "#1f5fa8";
constexpr const char* kOrange = "#d9822b";
constexpr const char* kRed = "#c0392b";
constexpr const char* kGrey = "#888888";
constexpr const char* kInk = "#222222";

std::string Num(double value) {
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "%.1f", value);
  return text.data();
}

std::string Int(size_t value) { return std::to_string(value); }

// A left margin wide enough for the longest of `labels` at the charts' 11px font (about 6.6
// units a character), at least `minimum`.
double LabelMargin(const std::vector<std::string>& labels, double minimum) {
  size_t longest = 0;
  for (const std::string& label : labels) longest = std::max(longest, label.size());
  return std::max(minimum, 6.6 * static_cast<double>(longest) + 16);
}

// Returns ` name="value"`; `value` must already be escaped (numbers, colours, escaped text).
std::string Attr(const char* name, const std::string& value) {
  return std::string(" ") + name + "=\"" + value + "\"";
}

// A small SVG builder. Coordinates are in user units of the viewBox.
class Svg {
 public:
  Svg(double width, double height, const std::string& label) {
    out_ = "<svg" + Attr("xmlns", "http://www.w3.org/2000/svg") +
           Attr("viewBox", "0 0 " + Num(width) + " " + Num(height)) + Attr("width", Num(width)) +
           Attr("height", Num(height)) + Attr("role", "img") +
           Attr("aria-label", EscapeHtml(label)) + ">\n<title>" + EscapeHtml(label) + "</title>\n";
  }

  void Rect(double x, double y, double w, double h, const std::string& fill, const std::string& tip,
            const std::string& extra = "") {
    out_ += "<rect" + Attr("x", Num(x)) + Attr("y", Num(y)) + Attr("width", Num(std::max(w, 0.0))) +
            Attr("height", Num(std::max(h, 0.0))) + Attr("fill", fill) + extra;
    if (tip.empty()) {
      out_ += "/>\n";
    } else {
      out_ += "><title>" + EscapeHtml(tip) + "</title></rect>\n";
    }
  }

  void Line(double x1, double y1, double x2, double y2, const std::string& stroke,
            const std::string& extra = "") {
    out_ += "<line" + Attr("x1", Num(x1)) + Attr("y1", Num(y1)) + Attr("x2", Num(x2)) +
            Attr("y2", Num(y2)) + Attr("stroke", stroke) + extra + "/>\n";
  }

  void Polyline(const std::vector<std::pair<double, double>>& points, const std::string& stroke,
                const std::string& extra = "") {
    if (points.empty()) return;
    std::string coordinates;
    for (size_t i = 0; i < points.size(); ++i) {
      if (i > 0) coordinates += " ";
      coordinates += Num(points[i].first) + "," + Num(points[i].second);
    }
    out_ += "<polyline" + Attr("fill", "none") + Attr("stroke", stroke) +
            Attr("stroke-width", "2") + extra + Attr("points", coordinates) + "/>\n";
  }

  void Circle(double x, double y, double r, const std::string& fill, const std::string& tip) {
    out_ += "<circle" + Attr("cx", Num(x)) + Attr("cy", Num(y)) + Attr("r", Num(r)) +
            Attr("fill", fill) + "><title>" + EscapeHtml(tip) + "</title></circle>\n";
  }

  // `anchor`: start, middle or end.
  void Text(double x, double y, const std::string& text, const char* anchor = "start",
            const std::string& extra = "") {
    out_ += "<text" + Attr("x", Num(x)) + Attr("y", Num(y)) + Attr("text-anchor", anchor) + extra +
            ">" + EscapeHtml(text) + "</text>\n";
  }

  std::string Finish() { return out_ + "</svg>\n"; }

 private:
  std::string out_;
};

const char* const kStyle = R"(<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222;
       margin: 2em auto; max-width: 60em; padding: 0 1em; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 2em; }
section { margin-bottom: 2em; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #f2f2f2; }
svg { max-width: 100%; height: auto; display: block; margin: 0.8em 0; }
svg text { font-family: inherit; font-size: 11px; fill: #222; }
.meta { color: #555; font-size: 0.92em; }
.alert { color: #c0392b; font-weight: 600; }
.note { color: #555; font-size: 0.9em; }
code { font-size: 0.95em; }
</style>
)";

std::string Cell(const std::string& text, bool header = false) {
  const char* tag = header ? "th" : "td";
  return std::string("<") + tag + ">" + EscapeHtml(text) + "</" + tag + ">";
}

std::string TableHtml(const std::vector<std::string>& header,
                      const std::vector<std::vector<std::string>>& rows) {
  std::string out = "<table>\n<thead><tr>";
  for (const std::string& h : header) out += Cell(h, true);
  out += "</tr></thead>\n<tbody>\n";
  for (const std::vector<std::string>& row : rows) {
    out += "<tr>";
    for (const std::string& c : row) out += Cell(c);
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

std::string Paragraph(const std::string& text, const char* cls = nullptr) {
  std::string out = "<p";
  if (cls != nullptr) out += Attr("class", cls);
  return out + ">" + EscapeHtml(text) + "</p>\n";
}

std::string BandSpan(const EvalReport& report) {
  const std::string& top = report.bands.front().name;
  const std::string& urgent = report.bands[report.urgent_band].name;
  return top == urgent ? top : top + "-" + urgent;
}

std::string UnderTriageSection(const EvalReport& report) {
  std::string out = "<section id=\"under-triage\">\n<h2>Under-triage</h2>\n";
  const std::string summary = std::to_string(report.under_triage.size()) + " of " +
                              std::to_string(report.expected_urgent) + " records labelled " +
                              BandSpan(report) + " were decided below " +
                              report.bands[report.urgent_band].name + ".";
  out += Paragraph(summary, report.under_triage.empty() ? nullptr : "alert");
  if (!report.under_triage.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const UnderTriaged& u : report.under_triage) {
      rows.push_back({u.id, std::to_string(u.line), report.bands[u.expected].name,
                      report.bands[u.decided].name, std::to_string(u.score)});
    }
    out += TableHtml({"id", "line", "labelled", "decided", "score"}, rows);
  }
  return out + "</section>\n";
}

// Histograms of scores, one row per labelled band, sharing the x axis.
std::string ScoresSection(const EvalReport& report) {
  std::string out = "<section id=\"scores\">\n<h2>Score distribution by labelled band</h2>\n";
  out += Paragraph("Decided urgency scores of the " + std::to_string(report.band_labelled) +
                       " band-labelled records, one histogram per labelled band. Dashed lines "
                       "are the config's band floors.",
                   "note");
  const int max = std::max(report.urgency_max, 1);
  const int bin = std::max(1, max / 20);
  const int bins = max / bin + 1;
  const double left = 60;
  const double plot_width = 600;
  const double row_height = 70;
  const double top = 20;
  const size_t rows = report.bands.size();
  const double height = top + row_height * static_cast<double>(rows) + 30;
  Svg svg(left + plot_width + 60, height, "Histograms of decided scores by labelled band");
  const double bar_width = plot_width / bins;
  const auto x_of = [&](double score) { return left + score / (max + bin) * plot_width; };
  for (size_t b = 0; b < rows; ++b) {
    const std::vector<int>& scores = report.scores_by_band[b];
    std::vector<size_t> counts(static_cast<size_t>(bins), 0);
    for (int score : scores) {
      const int index = std::clamp(score / bin, 0, bins - 1);
      ++counts[static_cast<size_t>(index)];
    }
    const size_t peak = std::max<size_t>(1, *std::max_element(counts.begin(), counts.end()));
    const double base = top + row_height * static_cast<double>(b + 1) - 8;
    const double usable = row_height - 22;
    svg.Text(left - 8, base - usable / 2, report.bands[b].name, "end");
    svg.Text(left - 8, base - usable / 2 + 13, "n=" + Int(scores.size()), "end", R"( fill="#555")");
    svg.Line(left, base, left + plot_width, base, kGrey);
    for (int i = 0; i < bins; ++i) {
      const size_t count = counts[static_cast<size_t>(i)];
      if (count == 0) continue;
      const double h = usable * static_cast<double>(count) / static_cast<double>(peak);
      const int low = i * bin;
      const int high = std::min(max, low + bin - 1);
      svg.Rect(left + bar_width * i + 1, base - h, bar_width - 2, h, kBlue,
               report.bands[b].name + ": " + Int(count) + " record" + (count == 1 ? "" : "s") +
                   " scoring " + std::to_string(low) +
                   (high > low ? "-" + std::to_string(high) : ""));
    }
    svg.Text(left + plot_width + 4, base - usable + 4, "max " + Int(peak), "start",
             R"( fill="#555")");
  }
  const double axis = top + row_height * static_cast<double>(rows) - 8;
  for (const UrgencyBand& band : report.bands) {
    if (band.min <= 0) continue;
    svg.Line(x_of(band.min), top - 6, x_of(band.min), axis, kRed,
             R"( stroke-dasharray="4 3" stroke-width="1")");
    svg.Text(x_of(band.min), top - 8, band.name + " " + std::to_string(band.min), "middle");
  }
  const int tick = std::max(1, max / 5);
  for (int t = 0; t <= max; t += tick) {
    svg.Line(x_of(t), axis, x_of(t), axis + 4, kInk);
    svg.Text(x_of(t), axis + 16, std::to_string(t), "middle");
  }
  out += svg.Finish();
  return out + "</section>\n";
}

std::string ConfusionSection(const EvalReport& report) {
  std::string out = "<section id=\"confusion\">\n<h2>Band confusion</h2>\n";
  out += Paragraph("Rows: labelled band; columns: decided band; " +
                       std::to_string(report.band_labelled) +
                       " records. Shade: share of the row. Red outline: under-triage cells.",
                   "note");
  const size_t n = report.bands.size();
  const double cell = 64;
  const double left = 90;
  const double top = 50;
  Svg svg(left + cell * static_cast<double>(n) + 80, top + cell * static_cast<double>(n) + 20,
          "Band confusion matrix: labelled band by decided band");
  svg.Text(left + cell * static_cast<double>(n) / 2, 16, "decided", "middle",
           R"( font-weight="bold")");
  svg.Text(10, top - 10, "labelled", "start", R"( font-weight="bold")");
  for (size_t d = 0; d < n; ++d) {
    svg.Text(left + cell * (static_cast<double>(d) + 0.5), top - 10, report.bands[d].name,
             "middle");
  }
  svg.Text(left + cell * static_cast<double>(n) + 40, top - 10, "total", "middle");
  for (size_t e = 0; e < n; ++e) {
    size_t total = 0;
    for (size_t count : report.confusion[e]) total += count;
    const double y = top + cell * static_cast<double>(e);
    svg.Text(left - 10, y + cell / 2 + 4, report.bands[e].name, "end");
    for (size_t d = 0; d < n; ++d) {
      const size_t count = report.confusion[e][d];
      const double share =
          total == 0 ? 0.0 : static_cast<double>(count) / static_cast<double>(total);
      const double x = left + cell * static_cast<double>(d);
      const bool under = e <= report.urgent_band && d > report.urgent_band;
      const std::string extra = Attr("fill-opacity", Num(count == 0 ? 0.04 : 0.12 + 0.88 * share)) +
                                Attr("stroke", under ? kRed : "#ffffff") +
                                Attr("stroke-width", under ? "2" : "1");
      svg.Rect(x + 1, y + 1, cell - 2, cell - 2, kBlue,
               "labelled " + report.bands[e].name + ", decided " + report.bands[d].name + ": " +
                   Int(count) + " record" + (count == 1 ? "" : "s"),
               extra);
      svg.Text(x + cell / 2, y + cell / 2 + 4, Int(count), "middle",
               share > 0.55 ? R"( fill="#ffffff")" : "");
    }
    svg.Text(left + cell * static_cast<double>(n) + 40, y + cell / 2 + 4, Int(total), "middle");
  }
  out += svg.Finish();
  return out + "</section>\n";
}

std::string CategoriesSection(const EvalReport& report) {
  std::string out = "<section id=\"categories\">\n<h2>Categories: precision and recall</h2>\n";
  out += Paragraph(std::to_string(report.category_labelled) +
                       " records with a categories label. Decided categories are the assigned "
                       "ones; the fallback (" +
                       report.fallback + ") counts as a category.",
                   "note");
  std::vector<const CategoryMetrics*> shown;
  for (const CategoryMetrics& m : report.categories) {
    if (m.support > 0 || m.decided > 0) shown.push_back(&m);
  }
  std::vector<std::string> labels;
  labels.reserve(shown.size());
  for (const CategoryMetrics* m : shown) labels.push_back(m->name + " (" + Int(m->support) + ")");
  const double left = LabelMargin(labels, 120);
  const double plot = 360;
  const double row = 34;
  const double top = 30;
  Svg svg(left + plot + 90, top + row * static_cast<double>(std::max<size_t>(shown.size(), 1)) + 30,
          "Precision and recall per category");
  svg.Rect(left, 6, 12, 10, kBlue, "");
  svg.Text(left + 16, 15, "precision");
  svg.Rect(left + 100, 6, 12, 10, kOrange, "");
  svg.Text(left + 116, 15, "recall");
  if (shown.empty()) svg.Text(left, top + 16, "no labelled or decided categories");
  for (size_t i = 0; i < shown.size(); ++i) {
    const CategoryMetrics& m = *shown[i];
    const double y = top + row * static_cast<double>(i);
    svg.Text(left - 8, y + 18, m.name + " (" + Int(m.support) + ")", "end");
    const double p = m.precision.value_or(0.0);
    const double r = m.recall.value_or(0.0);
    svg.Rect(left, y + 4, plot * p, 12, kBlue,
             m.name + " precision " + FormatRatio(m.precision) + " (" + Int(m.tp) + " of " +
                 Int(m.tp + m.fp) + " decided)");
    svg.Text(left + plot * p + 4, y + 14, FormatRatio(m.precision));
    svg.Rect(left, y + 17, plot * r, 12, kOrange,
             m.name + " recall " + FormatRatio(m.recall) + " (" + Int(m.tp) + " of " +
                 Int(m.support) + " labelled)");
    svg.Text(left + plot * r + 4, y + 27, FormatRatio(m.recall));
  }
  const double axis = top + row * static_cast<double>(std::max<size_t>(shown.size(), 1));
  svg.Line(left, top, left, axis, kInk);
  for (int t = 0; t <= 4; ++t) {
    const double x = left + plot * t / 4.0;
    svg.Line(x, axis, x, axis + 4, kInk);
    svg.Text(x, axis + 16, Num(t / 4.0), "middle");
  }
  out += svg.Finish();
  std::vector<std::vector<std::string>> rows;
  rows.reserve(shown.size() + 2);
  for (const CategoryMetrics* m : shown) {
    rows.push_back({m->name, Int(m->support), Int(m->decided), Int(m->tp), Int(m->fp), Int(m->fn),
                    FormatRatio(m->precision), FormatRatio(m->recall), FormatRatio(m->f1)});
  }
  const CategoryMetrics& micro = report.micro;
  rows.push_back({"micro avg", Int(micro.support), Int(micro.decided), Int(micro.tp), Int(micro.fp),
                  Int(micro.fn), FormatRatio(micro.precision), FormatRatio(micro.recall),
                  FormatRatio(micro.f1)});
  rows.push_back({"macro avg", "", "", "", "", "", FormatRatio(report.macro_precision),
                  FormatRatio(report.macro_recall), FormatRatio(report.macro_f1)});
  out += TableHtml(
      {"category", "support", "decided", "tp", "fp", "fn", "precision", "recall", "f1"}, rows);
  return out + "</section>\n";
}

std::string SweepSection(const EvalReport& report) {
  std::string out = "<section id=\"sweep\">\n<h2>Threshold sweep</h2>\n";
  out += Paragraph(
      "For each band floor and for categories.assign_min: recall (solid) and review load "
      "(dashed, as a share of the load at 0) for every candidate value. The vertical line is "
      "the config's value; diamonds mark --target-recall answers.",
      "note");
  const double panel_w = 330;
  const double panel_h = 200;
  const double pad_left = 44;
  const double pad_top = 26;
  const double plot_w = panel_w - pad_left - 16;
  const double plot_h = panel_h - pad_top - 34;
  const size_t columns = 2;
  const size_t panels = report.sweeps.size();
  const size_t rows = (panels + columns - 1) / columns;
  Svg svg(panel_w * columns, panel_h * static_cast<double>(std::max<size_t>(rows, 1)) + 24,
          "Threshold sweep: recall and load by threshold");
  const double max = std::max(report.urgency_max, 1);
  for (size_t i = 0; i < panels; ++i) {
    const Sweep& sweep = report.sweeps[i];
    const double ox = panel_w * static_cast<double>(i % columns) + pad_left;
    const size_t row_index = i / columns;  // integer division: the panel's row
    const double oy = panel_h * static_cast<double>(row_index) + pad_top;
    const auto x_of = [&](double t) { return ox + t / max * plot_w; };
    const auto y_of = [&](double v) { return oy + plot_h - v * plot_h; };
    const std::string title = sweep.kind == Sweep::Kind::kAssignMin ? "categories.assign_min"
                                                                    : sweep.name + " floor (min)";
    svg.Text(ox, oy - 10, title, "start", R"( font-weight="bold")");
    svg.Line(ox, oy, ox, oy + plot_h, kInk);
    svg.Line(ox, oy + plot_h, ox + plot_w, oy + plot_h, kInk);
    for (int k = 0; k <= 4; ++k) {
      const double v = k / 4.0;
      svg.Line(ox - 3, y_of(v), ox, y_of(v), kInk);
      svg.Text(ox - 6, y_of(v) + 4, Num(v), "end");
    }
    const int tick = std::max(1, report.urgency_max / 5);
    for (int t = 0; t <= report.urgency_max; t += tick) {
      svg.Line(x_of(t), oy + plot_h, x_of(t), oy + plot_h + 3, kInk);
      svg.Text(x_of(t), oy + plot_h + 15, std::to_string(t), "middle");
    }
    std::vector<std::pair<double, double>> recall;
    std::vector<std::pair<double, double>> load;
    const double load_base =
        sweep.points.empty() ? 0.0 : static_cast<double>(sweep.points.front().load);
    for (const SweepPoint& p : sweep.points) {
      if (p.recall) recall.emplace_back(x_of(p.threshold), y_of(*p.recall));
      if (load_base > 0) {
        load.emplace_back(x_of(p.threshold), y_of(static_cast<double>(p.load) / load_base));
      }
    }
    svg.Polyline(recall, kBlue);
    svg.Polyline(load, kOrange, R"( stroke-dasharray="6 3")");
    svg.Line(x_of(sweep.current), oy, x_of(sweep.current), oy + plot_h, kGrey,
             R"( stroke-width="1")");
    svg.Circle(x_of(sweep.current), y_of(sweep.at_current.recall.value_or(0.0)), 3.5, kBlue,
               title + " now " + std::to_string(sweep.current) + ": recall " +
                   FormatRatio(sweep.at_current.recall) + ", load " + Int(sweep.at_current.load));
    for (const TargetResult& t : report.targets) {
      const bool band = t.target.kind == RecallTarget::Kind::kBand;
      const bool mine = band ? sweep.kind == Sweep::Kind::kBandFloor && sweep.band == t.target.band
                             : sweep.kind == Sweep::Kind::kAssignMin;
      if (!mine || !t.best) continue;
      const double x = x_of(t.best->threshold);
      const double y = y_of(t.best->recall.value_or(0.0));
      svg.Rect(x - 4, y - 4, 8, 8, kRed,
               t.target.key + " recall >= " + Num(t.target.recall * 100) +
                   "%: " + std::to_string(t.best->threshold),
               Attr("transform", "rotate(45 " + Num(x) + " " + Num(y) + ")"));
    }
  }
  const double legend_y = panel_h * static_cast<double>(std::max<size_t>(rows, 1)) + 12;
  svg.Line(pad_left, legend_y - 4, pad_left + 24, legend_y - 4, kBlue, R"( stroke-width="2")");
  svg.Text(pad_left + 30, legend_y, "recall");
  svg.Line(pad_left + 90, legend_y - 4, pad_left + 114, legend_y - 4, kOrange,
           R"( stroke-width="2" stroke-dasharray="6 3")");
  svg.Text(pad_left + 120, legend_y, "load (share of the load at 0)");
  out += svg.Finish();
  if (!report.targets.empty()) {
    std::vector<std::vector<std::string>> rows_html;
    rows_html.reserve(report.targets.size());
    for (const TargetResult& t : report.targets) {
      std::array<char, 32> recall{};
      std::snprintf(recall.data(), recall.size(), "%g", t.target.recall);
      const bool band = t.target.kind == RecallTarget::Kind::kBand;
      rows_html.push_back(
          {t.target.key + " >= " + recall.data(),
           band ? report.bands[t.target.band].name + ".min" : std::string("assign_min"),
           t.best ? std::to_string(t.best->threshold) : std::string("not reachable"),
           t.best ? FormatRatio(t.best->recall) : std::string("-"),
           t.best ? Int(t.best->load) : std::string("-"), std::to_string(t.current),
           FormatRatio(t.at_current.recall), Int(t.at_current.load)});
    }
    out += TableHtml({"target recall", "threshold", "highest value", "recall", "load", "now",
                      "recall now", "load now"},
                     rows_html);
  }
  return out + "</section>\n";
}

std::string RulesSection(const EvalReport& report) {
  std::string out = "<section id=\"rules\">\n<h2>Rule hits</h2>\n";
  out += Paragraph("Records each rule fired on, out of " + std::to_string(report.records) +
                       " triaged records. The dashed line is half of the records.",
                   "note");
  std::vector<const RuleHitCount*> sorted;
  sorted.reserve(report.rules.size());
  for (const RuleHitCount& rule : report.rules) sorted.push_back(&rule);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const RuleHitCount* a, const RuleHitCount* b) { return a->hits > b->hits; });
  std::vector<std::string> labels;
  labels.reserve(sorted.size());
  for (const RuleHitCount* rule : sorted) {
    labels.push_back(rule->name + (rule->enabled ? "" : " (disabled)"));
  }
  const double left = LabelMargin(labels, 120);
  const double plot = 360;
  const double row = 16;
  const double top = 10;
  const size_t n = std::max<size_t>(sorted.size(), 1);
  Svg svg(left + plot + 90, top + row * static_cast<double>(n) + 30, "Hits per rule");
  const double denominator = std::max<double>(static_cast<double>(report.records), 1.0);
  for (size_t i = 0; i < sorted.size(); ++i) {
    const RuleHitCount& rule = *sorted[i];
    const double y = top + row * static_cast<double>(i);
    const double share = static_cast<double>(rule.hits) / denominator;
    svg.Text(left - 8, y + 12, rule.name + (rule.enabled ? "" : " (disabled)"), "end",
             rule.hits == 0 ? R"( fill="#888888")" : "");
    svg.Rect(left, y + 3, plot * share, row - 5, rule.hits * 2 > report.records ? kOrange : kBlue,
             rule.name + ": " + Int(rule.hits) + " of " + Int(report.records) + " records");
    svg.Text(left + plot * share + 4, y + 12, Int(rule.hits));
  }
  const double axis = top + row * static_cast<double>(n);
  svg.Line(left, top, left, axis, kInk);
  svg.Line(left + plot / 2, top, left + plot / 2, axis, kRed,
           R"( stroke-dasharray="4 3" stroke-width="1")");
  for (int t = 0; t <= 4; ++t) {
    const double x = left + plot * t / 4.0;
    svg.Line(x, axis, x, axis + 4, kInk);
    svg.Text(x, axis + 16, std::to_string(t * 25) + "%", "middle");
  }
  out += svg.Finish();
  std::vector<std::string> never;
  std::vector<std::string> frequent;
  for (const RuleHitCount* rule : sorted) {
    if (rule->hits == 0) never.push_back(rule->name);
    if (rule->hits * 2 > report.records) frequent.push_back(rule->name);
  }
  out += Paragraph("Never fired (" + std::to_string(never.size()) +
                   "): " + (never.empty() ? "none" : JoinNames(never, 1000)) + ".");
  out += Paragraph("Fire on more than half of the records (" + std::to_string(frequent.size()) +
                   "): " + (frequent.empty() ? "none" : JoinNames(frequent, 1000)) + ".");
  return out + "</section>\n";
}

std::string CorpusSection(const EvalReport& report) {
  std::string out = "<section id=\"corpus\">\n<h2>Corpus</h2>\n";
  std::vector<std::vector<std::string>> rows = {
      {"records triaged", Int(report.records)},
      {"records with errors", std::to_string(report.record_errors)},
      {"records without an id", Int(report.without_id)},
      {"records repeating an id", Int(report.duplicate_ids.size())},
      {"labels read", Int(report.labels)},
      {"labels with errors", Int(report.label_errors)},
      {"matched", Int(report.matched)},
      {"matched with a band label", Int(report.band_labelled)},
      {"matched with a categories label", Int(report.category_labelled)},
      {"records without a label", Int(report.unlabelled.size())},
      {"labels without a record", Int(report.orphans.size())},
  };
  out += TableHtml({"", "count"}, rows);
  if (!report.unlabelled.empty()) {
    out += Paragraph("Records without a label: " + JoinNames(report.unlabelled, 200) + ".");
  }
  if (!report.orphans.empty()) {
    out += Paragraph("Labels without a record: " + JoinNames(report.orphans, 200) + ".");
  }
  return out + "</section>\n";
}

}  // namespace

std::string EscapeHtml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const std::string_view reference = MarkupReference(c);
    if (reference.empty()) {
      out += c;
    } else {
      out += reference;
    }
  }
  return out;
}

std::string RenderEvalHtml(const EvalReport& report) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<title>triage eval: " + EscapeHtml(report.input_name) + "</title>\n";
  out += kStyle;
  out += "</head>\n<body>\n<header>\n<h1>triage eval</h1>\n";
  out += R"(<p class="meta">corpus <code>)" + EscapeHtml(report.input_name) +
         "</code> &middot; labels <code>" + EscapeHtml(report.labels_path) +
         "</code> &middot; config <code>" + EscapeHtml(report.config_path) +
         "</code></p>\n<p class=\"meta\">ruleset <code>" + EscapeHtml(report.ruleset) +
         "</code></p>\n";
  out += "</header>\n<main>\n";
  out += UnderTriageSection(report);
  out += ScoresSection(report);
  out += ConfusionSection(report);
  out += CategoriesSection(report);
  out += SweepSection(report);
  out += RulesSection(report);
  out += CorpusSection(report);
  out += "</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace triage::cli
