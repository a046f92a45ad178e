// The bulletin as one self-contained HTML page: inline CSS, inline SVG charts, no
// script and no external URL, printable on A4 and readable on a phone. Every string
// that comes from data goes through EscapeHtml; fixed texts come from labels.cc.

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "vitalink/common/utf8.h"
#include "vitalink/report/bulletin.h"
#include "vitalink/report/escape.h"
#include "vitalink/report/format_internal.h"
#include "vitalink/report/labels_internal.h"

namespace vitalink::report {
namespace {

using internal::Count;
using internal::Fixed;
using internal::Labels;

constexpr const char* kDash = "—";
constexpr const char* kMinus = "−";  // U+2212, the typographic minus

// ---- number formatting for the page -------------------------------------------------

// Return `v` with `decimals` digits and a typographic minus, or "—" when NaN.
std::string Num(double v, int decimals) {
  if (std::isnan(v)) return kDash;
  std::string s = Fixed(v, decimals);
  if (!s.empty() && s[0] == '-') s = kMinus + s.substr(1);
  return s;
}

// Return a fraction as a percentage ("93.2%"), or "—".
std::string Pct(double fraction, int decimals = 1) {
  if (std::isnan(fraction)) return kDash;
  return Num(100.0 * fraction, decimals) + "%";
}

// Return an interval as "lo–hi" (scaled by `scale`, with `suffix` on each end), "≥ lo"
// when the upper limit is infinite, or "—" when not estimated.
std::string IntervalText(const Interval& ci, double scale, int decimals, const char* suffix, const Labels& t) {
  if (!ci.known()) return kDash;
  const std::string lo = Num(scale * ci.low, decimals) + suffix;
  if (std::isinf(ci.high)) return fmt::format(fmt::runtime(t.no_upper_limit), lo);
  return lo + "–" + Num(scale * ci.high, decimals) + suffix;
}

// Return a change with its arrow as an HTML span: ▲ +1.2 (up), ▼ −0.8 (down), ＝ 0.0.
// The arrow follows the value as shown, so "▲ 0.0" never appears.
std::string DeltaSpan(double delta, int decimals, const char* unit = "") {
  if (std::isnan(delta)) return std::string("<span class=\"delta none\">") + kDash + "</span>";
  const double shown = internal::RoundTo(delta, decimals);
  const char* cls = shown > 0 ? "up" : shown < 0 ? "down" : "same";
  const char* arrow = shown > 0 ? "▲" : shown < 0 ? "▼" : "＝";
  const std::string sign = shown > 0 ? "+" : "";
  return fmt::format("<span class=\"delta {}\">{}&#8239;{}{}{}</span>", cls, arrow, sign, Num(shown, decimals), unit);
}

// Return a score that can be negative, coloured by sign, for a big card value.
std::string SignedValue(double v) {
  if (std::isnan(v)) return kDash;
  const double shown = internal::RoundTo(v, 1);
  const char* cls = shown > 0 ? "up" : shown < 0 ? "down" : "same";
  return fmt::format("<span class=\"{}\">{}{}</span>", cls, shown > 0 ? "+" : "", Num(shown, 1));
}

double AccuracyDelta(const AreaRow& row) {
  if (!row.previous_accuracy_score) return kNaN;
  return row.accuracy_score - *row.previous_accuracy_score;
}

double CompletenessDelta(const AreaRow& row) {
  if (!row.previous_completeness) return kNaN;
  return 100.0 * (row.completeness - *row.previous_completeness);
}

// ---- style --------------------------------------------------------------------------

constexpr const char* kStyle = R"css(
:root{--ink:#1d2939;--muted:#5d6b82;--line:#d0d5dd;--soft:#f2f4f7;--blue:#1f5f99;--amber:#c77c02;--up:#1a7f37;--down:#b42318}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#eef1f5;color:var(--ink);font:14px/1.55 system-ui,-apple-system,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;font-variant-numeric:tabular-nums}
.page{max-width:1080px;margin:0 auto;background:#fff;padding:28px 36px 20px}
header.top{border-bottom:3px solid var(--blue);padding-bottom:10px;margin-bottom:18px}
h1{font-size:26px;line-height:1.3;margin:0 0 6px;letter-spacing:.02em;overflow-wrap:anywhere}
.meta{color:var(--muted);font-size:13px;display:flex;flex-wrap:wrap;gap:4px 18px}
.meta b{color:var(--ink);font-weight:600}
h2{font-size:18px;margin:26px 0 10px;padding-left:10px;border-left:4px solid var(--blue)}
.headline{font-size:15px;background:var(--soft);border-radius:6px;padding:12px 14px;margin:0 0 14px;overflow-wrap:anywhere}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:10px}
.card{border:1px solid var(--line);border-radius:6px;padding:10px 12px;break-inside:avoid}
.card .k{color:var(--muted);font-size:12.5px}
.card .v{font-size:24px;font-weight:700;line-height:1.25;margin-top:2px}
.card .v small{font-size:13px;font-weight:400;color:var(--muted)}
.card .s{font-size:12px;color:var(--muted)}
.card.main{border-top:3px solid var(--blue)}
.card .v .up{color:var(--up)}.card .v .down{color:var(--down)}
.delta{white-space:nowrap;font-size:12px;font-weight:600}
.delta.up{color:var(--up)}.delta.down{color:var(--down)}.delta.same,.delta.none{color:var(--muted)}
figure{margin:0}
figcaption,.note{color:var(--muted);font-size:12.5px;margin:6px 0 0}
svg{display:block;width:100%;height:auto}
svg text{font-family:inherit;fill:var(--ink)}
.tablewrap{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:12.5px}
th,td{padding:5px 6px;border-bottom:1px solid var(--line);text-align:right;vertical-align:top}
th{background:var(--soft);font-weight:600;font-size:12px;line-height:1.3;vertical-align:bottom}
th.l,td.l{text-align:left}
td.name{min-width:6em;max-width:14em;overflow-wrap:anywhere}
td.name small,td.code{color:var(--muted);font-size:11px;white-space:nowrap}
.chartwrap{overflow-x:auto;-webkit-overflow-scrolling:touch}
tbody tr:nth-child(even){background:#fafbfc}
tfoot td{font-weight:700;border-top:2px solid var(--ink);border-bottom:none}
td.rank{font-weight:700}
.score{font-weight:700}
details{border:1px solid var(--line);border-radius:6px;margin:6px 0;break-inside:avoid}
summary{cursor:pointer;padding:7px 10px;font-weight:600;overflow-wrap:anywhere}
summary span{color:var(--muted);font-weight:400;margin-left:8px}
details[open] summary{border-bottom:1px solid var(--line)}
details table{font-size:12px}
ol.notes{padding-left:22px;margin:6px 0}
ol.notes li{margin:3px 0;overflow-wrap:anywhere}
footer{margin-top:26px;padding-top:8px;border-top:1px solid var(--line);color:var(--muted);font-size:12px;display:flex;flex-wrap:wrap;justify-content:space-between;gap:4px 18px;overflow-wrap:anywhere}
@media (max-width:700px){
 .page{padding:14px 12px}
 h1{font-size:20px}
 .cards{grid-template-columns:repeat(2,1fr)}
 .card .v{font-size:20px}
 .chartwrap svg{min-width:620px}
}
@page{size:A4;margin:12mm 11mm 14mm}
@media print{
 body{background:#fff;font-size:10pt}
 .page{max-width:none;padding:0}
 h1{font-size:18pt}
 h2{font-size:13pt;break-after:avoid}
 .break{break-before:page}
 .cards{grid-template-columns:repeat(4,1fr)}
 .tablewrap,.chartwrap{overflow:visible}
 table{font-size:7.6pt}
 th,td{padding:2.5pt 3pt}
 td.name{max-width:none}
 thead{display:table-header-group}
 tr,figure,.headline{break-inside:avoid}
 details{border:none;margin:0 0 8pt;break-inside:auto}
 summary{list-style:none;padding:0 0 3pt}
 summary::-webkit-details-marker{display:none}
 details::details-content{content-visibility:visible;display:block}
 .delta{font-size:7.6pt}
}
)css";

// ---- charts -------------------------------------------------------------------------

// Return the approximate width in px of `text` at `font_size`: full-width (CJK)
// characters take a full em, others about 0.56 em. Used only to space legend items.
double TextWidth(std::string_view text, double font_size) {
  double em = 0;
  size_t pos = 0;
  char32_t cp = 0;
  while (NextCodePoint(text, pos, cp)) em += cp >= 0x2E80 ? 1.0 : 0.56;
  return em * font_size;
}

// Completeness by township: horizontal bars from zero (bars must start at zero to be
// honest), whiskers for the 95% interval, the county level as a dashed line.
void AppendCompletenessChart(std::string& out, const Bulletin& b, const Labels& t) {
  std::vector<const AreaRow*> rows;
  rows.reserve(b.townships.size());
  for (const AreaRow& row : b.townships) rows.push_back(&row);
  std::stable_sort(rows.begin(), rows.end(), [](const AreaRow* x, const AreaRow* y) {
    const bool xn = std::isnan(x->completeness), yn = std::isnan(y->completeness);
    if (xn != yn) return yn;
    if (!xn && x->completeness != y->completeness) return x->completeness > y->completeness;
    return x->code < y->code;
  });

  double axis_max = 1.0;
  for (const AreaRow* row : rows) {
    for (double v : {row->completeness, row->completeness_ci.high}) {
      if (std::isfinite(v)) axis_max = std::max(axis_max, std::ceil(v * 10.0 - 1e-9) / 10.0);
    }
  }
  axis_max = std::min(axis_max, 1.5);

  constexpr double kWidth = 760, kLabelRight = 146, kPlotX = 152, kPlotW = 468, kValueX = 630;
  constexpr double kTop = 34, kRowH = 22, kLegendH = 40;
  const double plot_h = kRowH * static_cast<double>(rows.size());
  const double height = kTop + plot_h + kLegendH;
  auto x_of = [&](double fraction) {
    return kPlotX + kPlotW * std::clamp(fraction, 0.0, axis_max) / axis_max;
  };

  out += fmt::format(
      "<svg class=\"chart\" viewBox=\"0 0 {} {}\" role=\"img\" aria-labelledby=\"cc-title cc-desc\" "
      "xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"cc-title\">{}</title><desc id=\"cc-desc\">{}</desc>\n",
      Fixed(kWidth, 0), Fixed(height, 0), t.sec_completeness, t.chart_completeness_desc);

  // Grid every 10%, labels every 20%.
  const int steps = static_cast<int>(std::lround(axis_max * 10.0));
  for (int step = 0; step <= steps; ++step) {
    const double x = x_of(step / 10.0);
    out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"{3}\" stroke-width=\"1\"/>\n",
                       Fixed(x, 1), Fixed(kTop - 4, 1), Fixed(kTop + plot_h, 1), step == 0 ? "#98a2b3" : "#e4e7ec");
    if (step % 2 == 0) {
      out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#5d6b82\">{}%</text>\n",
                         Fixed(x, 1), Fixed(kTop - 9, 1), step * 10);
    }
  }

  const double county = b.county.completeness;
  for (size_t row_idx = 0; row_idx < rows.size(); ++row_idx) {
    const AreaRow& row = *rows[row_idx];
    const double y = kTop + kRowH * static_cast<double>(row_idx);
    const double mid = y + kRowH / 2;
    const std::string name = EscapeHtml(row.name);
    out += fmt::format("<g><title>{} {} — {} {} ({} {})</title>", name, EscapeHtml(row.code), t.legend_completeness,
                       Pct(row.completeness), t.interval_95, IntervalText(row.completeness_ci, 100, 1, "%", t));
    out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\">{}</text>", Fixed(kLabelRight, 1),
                       Fixed(mid + 4, 1), EscapeHtml(TruncateForDisplay(row.name, 9)));
    if (!std::isnan(row.completeness)) {
      const bool below = std::isfinite(county) && row.completeness_ci.known() && row.completeness_ci.high < county;
      out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"12\" rx=\"1.5\" fill=\"{}\"/>", Fixed(kPlotX, 1),
                         Fixed(mid - 6, 1), Fixed(x_of(row.completeness) - kPlotX, 1), below ? "#e3a33b" : "#5b8fc7");
    }
    if (row.completeness_ci.known()) {
      const double x1 = x_of(row.completeness_ci.low), x2 = x_of(row.completeness_ci.high);
      out += fmt::format(
          "<path d=\"M{0} {2}V{3}M{0} {4}H{1}M{1} {2}V{3}\" stroke=\"#1d2939\" stroke-width=\"1.3\" fill=\"none\"/>",
          Fixed(x1, 1), Fixed(x2, 1), Fixed(mid - 4.5, 1), Fixed(mid + 4.5, 1), Fixed(mid, 1));
    }
    out += fmt::format(
        "<text x=\"{}\" y=\"{}\" font-size=\"11.5\"><tspan font-weight=\"600\">{}</tspan><tspan fill=\"#5d6b82\" "
        "font-size=\"10.5\"> {}</tspan></text></g>\n",
        Fixed(kValueX, 1), Fixed(mid + 4, 1), Pct(row.completeness),
        row.completeness_ci.known() ? "(" + IntervalText(row.completeness_ci, 100, 1, "", t) + ")" : std::string());
  }

  if (std::isfinite(county)) {
    const double x = x_of(county);
    out += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#b42318\" stroke-width=\"1.5\" "
        "stroke-dasharray=\"5 3\"/>\n",
        Fixed(x, 1), Fixed(kTop - 4, 1), Fixed(kTop + plot_h + 4, 1));
  }

  // Legend: items laid out one after another by their estimated text width.
  const double ly = kTop + plot_h + 24;
  double lx = kPlotX;
  out += "<g font-size=\"11.5\">";
  out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"10\" fill=\"#5b8fc7\"/><text x=\"{}\" y=\"{}\">{}</text>",
                     Fixed(lx, 1), Fixed(ly - 9, 1), Fixed(lx + 19, 1), Fixed(ly, 1), t.legend_completeness);
  lx += 19 + TextWidth(t.legend_completeness, 11.5) + 22;
  out += fmt::format(
      "<path d=\"M{0} {1}V{2}M{0} {3}H{4}M{4} {1}V{2}\" stroke=\"#1d2939\" stroke-width=\"1.3\" fill=\"none\"/>"
      "<text x=\"{5}\" y=\"{6}\">{7}</text>",
      Fixed(lx, 1), Fixed(ly - 9, 1), Fixed(ly, 1), Fixed(ly - 4.5, 1), Fixed(lx + 18, 1), Fixed(lx + 24, 1),
      Fixed(ly, 1), t.legend_interval);
  lx += 24 + TextWidth(t.legend_interval, 11.5) + 22;
  const std::string county_label = std::string(t.legend_county) + " " + Pct(county);
  out += fmt::format(
      "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#b42318\" stroke-width=\"1.5\" "
      "stroke-dasharray=\"3 2\"/><text x=\"{3}\" y=\"{4}\">{5}</text>",
      Fixed(lx, 1), Fixed(ly - 11, 1), Fixed(ly + 2, 1), Fixed(lx + 8, 1), Fixed(ly, 1), county_label);
  lx += 8 + TextWidth(county_label, 11.5) + 22;
  out += fmt::format(
      "<rect x=\"{0}\" y=\"{1}\" width=\"14\" height=\"10\" fill=\"#e3a33b\"/><text x=\"{2}\" y=\"{3}\">{4}</text></g>\n",
      Fixed(lx, 1), Fixed(ly - 9, 1), Fixed(lx + 19, 1), Fixed(ly, 1), t.legend_below);
  out += "</svg>\n";
}

// Trend over runs: county completeness (%) and accuracy score on one 0–100 scale.
void AppendTrendChart(std::string& out, const Bulletin& b, const Labels& t) {
  constexpr size_t kMaxRuns = 24;
  const size_t first = b.trend.size() > kMaxRuns ? b.trend.size() - kMaxRuns : 0;
  const std::vector<TrendPoint> points(b.trend.begin() + static_cast<std::ptrdiff_t>(first), b.trend.end());

  double lo = 100, hi = 100;
  bool any = false;
  for (const TrendPoint& p : points) {
    for (double v : {100.0 * p.completeness, p.accuracy_score}) {
      if (!std::isfinite(v)) continue;
      any = true;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (!any) {
    out += fmt::format("<p class=\"note\">{}</p>\n", t.no_trend);
    return;
  }
  lo = std::max(0.0, std::floor((lo - 2.0) / 10.0) * 10.0);
  hi = std::ceil(hi / 10.0) * 10.0;
  const double step = hi - lo <= 30 ? 5 : 10;

  constexpr double kWidth = 760, kHeight = 250, kX0 = 56, kX1 = 690, kY0 = 34, kY1 = 200;
  auto x_of = [&](size_t idx) {
    if (points.size() == 1) return (kX0 + kX1) / 2;
    return kX0 + (kX1 - kX0) * static_cast<double>(idx) / static_cast<double>(points.size() - 1);
  };
  auto y_of = [&](double v) { return kY1 - (kY1 - kY0) * (v - lo) / (hi - lo); };

  out += fmt::format(
      "<svg class=\"chart\" viewBox=\"0 0 {} {}\" role=\"img\" aria-labelledby=\"tc-title tc-desc\" "
      "xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"tc-title\">{}</title><desc id=\"tc-desc\">{}</desc>\n",
      Fixed(kWidth, 0), Fixed(kHeight, 0), t.sec_trend, t.chart_trend_desc);
  for (double v = lo; v <= hi + 1e-9; v += step) {
    const double y = y_of(v);
    out += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"{3}\" stroke-width=\"1\"/>"
        "<text x=\"{4}\" y=\"{5}\" font-size=\"11\" text-anchor=\"end\" fill=\"#5d6b82\">{6}</text>\n",
        Fixed(kX0 - 14, 1), Fixed(y, 1), Fixed(kX1 + 14, 1), v == lo ? "#98a2b3" : "#e4e7ec", Fixed(kX0 - 20, 1),
        Fixed(y + 4, 1), Fixed(v, 0));
  }
  // Label at most ~12 runs on the axis so labels never overlap.
  const size_t label_every = (points.size() + 11) / 12;
  for (size_t idx = 0; idx < points.size(); ++idx) {
    if (idx % label_every != 0 && idx + 1 != points.size()) continue;
    out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#5d6b82\">{}</text>\n",
                       Fixed(x_of(idx), 1), Fixed(kY1 + 18, 1),
                       EscapeHtml(TruncateForDisplay(points[idx].run_label, 12)));
  }

  struct Series {
    const char* label;
    const char* color;
    double scale;
    bool square;
    double TrendPoint::*field;
  };
  const Series series[] = {{t.legend_completeness, "#1f5f99", 100.0, false, &TrendPoint::completeness},
                           {t.legend_accuracy, "#c77c02", 1.0, true, &TrendPoint::accuracy_score}};
  for (const Series& s : series) {
    std::string path;
    bool pen_down = false;
    for (size_t idx = 0; idx < points.size(); ++idx) {
      const double v = s.scale * (points[idx].*s.field);
      if (!std::isfinite(v)) {
        pen_down = false;  // a run without the value breaks the line
        continue;
      }
      path += fmt::format("{}{} {}", pen_down ? "L" : "M", Fixed(x_of(idx), 1), Fixed(y_of(v), 1));
      pen_down = true;
    }
    if (!path.empty()) {
      out += fmt::format("<path d=\"{}\" stroke=\"{}\" stroke-width=\"2.2\" fill=\"none\"{}/>\n", path, s.color,
                         s.square ? " stroke-dasharray=\"6 3\"" : "");
    }
    for (size_t idx = 0; idx < points.size(); ++idx) {
      const double v = s.scale * (points[idx].*s.field);
      if (!std::isfinite(v)) continue;
      const double x = x_of(idx), y = y_of(v);
      out += fmt::format("<g><title>{} {}: {}</title>", EscapeHtml(points[idx].run_label), s.label, Num(v, 1));
      if (s.square) {
        out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"7\" height=\"7\" fill=\"{}\"/>", Fixed(x - 3.5, 1),
                           Fixed(y - 3.5, 1), s.color);
      } else {
        out += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\"/>", Fixed(x, 1), Fixed(y, 1), s.color);
      }
      if (idx + 1 == points.size()) {
        out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11.5\" font-weight=\"600\" fill=\"{}\">{}</text>",
                           Fixed(x + 9, 1), Fixed(y + 4, 1), s.color, Num(v, 1));
      }
      out += "</g>\n";
    }
  }
  // Legend, top left.
  out += fmt::format(
      "<g font-size=\"11.5\"><line x1=\"{0}\" y1=\"14\" x2=\"{1}\" y2=\"14\" stroke=\"#1f5f99\" stroke-width=\"2.2\"/>"
      "<circle cx=\"{2}\" cy=\"14\" r=\"4\" fill=\"#1f5f99\"/><text x=\"{3}\" y=\"18\">{4} (%)</text>"
      "<line x1=\"{5}\" y1=\"14\" x2=\"{6}\" y2=\"14\" stroke=\"#c77c02\" stroke-width=\"2.2\" stroke-dasharray=\"6 3\"/>"
      "<rect x=\"{7}\" y=\"10.5\" width=\"7\" height=\"7\" fill=\"#c77c02\"/><text x=\"{8}\" y=\"18\">{9}</text></g>\n",
      Fixed(kX0, 1), Fixed(kX0 + 24, 1), Fixed(kX0 + 12, 1), Fixed(kX0 + 30, 1), t.legend_completeness,
      Fixed(kX0 + 170, 1), Fixed(kX0 + 194, 1), Fixed(kX0 + 178.5, 1), Fixed(kX0 + 200, 1), t.legend_accuracy);
  out += "</svg>\n";
}

// ---- sections -----------------------------------------------------------------------

void AppendCard(std::string& out, const char* cls, const std::string& key, const std::string& value,
                const std::string& sub) {
  out += fmt::format("<div class=\"card{}\"><div class=\"k\">{}</div><div class=\"v\">{}</div><div class=\"s\">{}</div></div>\n",
                     cls, key, value, sub);
}

void AppendSummary(std::string& out, const Bulletin& b, const Labels& t) {
  const AreaRow& c = b.county;
  const std::string period = EscapeHtml(b.period_label);
  std::string headline;
  if (!std::isnan(c.estimated_births)) {
    headline = fmt::format(fmt::runtime(t.headline), period, Num(c.estimated_births, 0),
                           IntervalText(c.births_ci, 1, 0, "", t), Count(c.registered_births),
                           Count(c.births_only_elsewhere), Pct(c.completeness));
  } else {
    headline = fmt::format(fmt::runtime(t.headline_no_estimate), period, Count(c.registered_births),
                           Count(c.births_only_elsewhere));
  }
  const double dc = CompletenessDelta(c);
  if (!std::isnan(dc) && !std::isnan(c.completeness)) {
    headline += fmt::format(fmt::runtime(t.headline_change),
                            DeltaSpan(dc, 1, "") + " " + t.percentage_points);
  } else {
    headline += t.headline_no_previous;
  }
  out += fmt::format("<section id=\"summary\">\n<h2>{}</h2>\n<p class=\"headline\">{}</p>\n<div class=\"cards\">\n",
                     t.sec_summary, headline);

  AppendCard(out, " main", t.estimated_births, Num(c.estimated_births, 0) + " <small>" + t.persons + "</small>",
             std::string(t.interval_95) + " " + IntervalText(c.births_ci, 1, 0, "", t));
  AppendCard(out, " main", t.completeness, Pct(c.completeness),
             std::string(t.interval_95) + " " + IntervalText(c.completeness_ci, 100, 1, "%", t) + "<br>" +
                 t.vs_previous + " " + DeltaSpan(dc, 1, "") + " " + t.percentage_points);
  AppendCard(out, " main", t.accuracy_score, Num(c.accuracy_score, 1) + " <small>" + t.points + "</small>",
             std::string(t.vs_previous) + " " + DeltaSpan(AccuracyDelta(c), 1, ""));
  AppendCard(out, " main", t.progress_score, SignedValue(c.progress_score) + " <small>" + t.points + "</small>",
             std::isnan(c.progress_score) ? std::string(t.no_previous) : std::string(t.progress_basis));
  AppendCard(out, "", t.registered_births, Count(c.registered_births) + " <small>" + t.persons + "</small>",
             std::string(t.births_only_elsewhere) + " " + Count(c.births_only_elsewhere) + " " + t.persons);
  AppendCard(out, "", t.wrong_items, Num(c.wrong_items_per_100, 2), t.per_100_records);
  AppendCard(out, "", t.missing_items, Num(c.missing_items_per_100, 2), t.per_100_records);
  AppendCard(out, "", t.duplicates, Num(c.duplicates_per_100, 2),
             std::string(t.per_100_records) + " · " + t.migrant_double + " " + Count(c.migrant_double_registrations));
  out += "</div>\n";
  out += fmt::format("<h2>{}</h2>\n<figure>\n<div class=\"chartwrap\">\n", t.sec_trend);
  AppendTrendChart(out, b, t);
  out += "</div>\n</figure>\n</section>\n";
}

void AppendCompleteness(std::string& out, const Bulletin& b, const Labels& t) {
  out += fmt::format("<section id=\"completeness\" class=\"break\">\n<h2>{}</h2>\n<figure>\n<div class=\"chartwrap\">\n",
                     t.sec_completeness);
  AppendCompletenessChart(out, b, t);
  out += fmt::format("</div>\n<figcaption>{}</figcaption>\n</figure>\n</section>\n", t.chart_completeness_desc);
}

// One table row of the ranking (townships, villages or the county total).
void AppendAreaCells(std::string& out, const AreaRow& row, const Labels& t, bool with_rank, const std::string& name_html) {
  out += "<tr>";
  if (with_rank) out += fmt::format("<td class=\"rank\">{}</td>", row.rank > 0 ? Count(row.rank) : kDash);
  out += fmt::format("<td class=\"l name\">{}</td>", name_html);
  out += fmt::format("<td>{}</td><td>{}</td><td>{}</td>", Count(row.register_records), Count(row.registered_births),
                     Count(row.births_only_elsewhere));
  out += fmt::format("<td>{}<br><small>{}</small></td>", Num(row.estimated_births, 0),
                     IntervalText(row.births_ci, 1, 0, "", t));
  out += fmt::format("<td>{}<br>{}</td>", Pct(row.completeness), DeltaSpan(CompletenessDelta(row), 1, ""));
  out += fmt::format("<td>{}</td><td>{}</td><td>{}</td><td>{}</td>", Num(row.wrong_items_per_100, 2),
                     Num(row.missing_items_per_100, 2), Num(row.duplicates_per_100, 2),
                     Count(row.migrant_double_registrations));
  out += fmt::format("<td class=\"score\">{}<br>{}</td>", Num(row.accuracy_score, 1), DeltaSpan(AccuracyDelta(row), 1, ""));
  out += fmt::format("<td>{}</td>", std::isnan(row.progress_score) ? std::string(kDash) : DeltaSpan(row.progress_score, 1, ""));
  out += "</tr>\n";
}

void AppendTableHead(std::string& out, const Labels& t, const char* area_label, bool with_rank) {
  out += "<thead><tr>";
  if (with_rank) out += fmt::format("<th>{}</th>", t.col_rank);
  out += fmt::format("<th class=\"l\">{}</th>", area_label);
  for (const char* h : {t.col_records, t.col_registered, t.col_only_elsewhere, t.col_estimated, t.col_completeness,
                        t.col_wrong, t.col_missing, t.col_duplicates, t.col_migrant, t.col_accuracy, t.col_progress}) {
    out += fmt::format("<th>{}</th>", h);
  }
  out += "</tr></thead>\n";
}

std::string NameCell(const AreaRow& row) {
  return EscapeHtml(row.name) + "<br><small>" + EscapeHtml(row.code) + "</small>";
}

// Rows ranked first (by rank), unranked after, each group by code.
std::vector<const AreaRow*> RankOrder(const std::vector<AreaRow>& rows) {
  std::vector<const AreaRow*> order;
  order.reserve(rows.size());
  for (const AreaRow& row : rows) order.push_back(&row);
  std::stable_sort(order.begin(), order.end(), [](const AreaRow* x, const AreaRow* y) {
    const int rx = x->rank > 0 ? x->rank : 1 << 30, ry = y->rank > 0 ? y->rank : 1 << 30;
    if (rx != ry) return rx < ry;
    return x->code < y->code;
  });
  return order;
}

void AppendRanking(std::string& out, const Bulletin& b, const Labels& t) {
  out += fmt::format("<section id=\"ranking\" class=\"break\">\n<h2>{}</h2>\n<div class=\"tablewrap\"><table>\n",
                     t.sec_ranking);
  AppendTableHead(out, t, t.col_township, true);
  out += "<tbody>\n";
  for (const AreaRow* row : RankOrder(b.townships)) AppendAreaCells(out, *row, t, true, NameCell(*row));
  out += "</tbody>\n<tfoot>\n";
  AppendAreaCells(out, b.county, t, true, std::string(t.county_total));
  out += fmt::format("</tfoot>\n</table></div>\n<p class=\"note\">{}</p>\n</section>\n", t.ranking_note);
}

void AppendVillages(std::string& out, const Bulletin& b, const Labels& t) {
  const bool any = std::any_of(b.townships.begin(), b.townships.end(),
                               [](const AreaRow& row) { return !row.villages.empty(); });
  if (!any) return;
  out += fmt::format("<section id=\"villages\" class=\"break\">\n<h2>{}</h2>\n", t.sec_villages);
  for (const AreaRow* township : RankOrder(b.townships)) {
    if (township->villages.empty()) continue;
    out += fmt::format("<details>\n<summary>{} <span>{} · {}</span></summary>\n<div class=\"tablewrap\"><table>\n",
                       EscapeHtml(township->name), EscapeHtml(township->code),
                       fmt::format(fmt::runtime(t.village_count), township->villages.size()));
    AppendTableHead(out, t, t.col_village, true);
    out += "<tbody>\n";
    for (const AreaRow* village : RankOrder(township->villages)) {
      AppendAreaCells(out, *village, t, true, NameCell(*village));
    }
    out += "</tbody>\n</table></div>\n</details>\n";
  }
  out += "</section>\n";
}

void AppendNotes(std::string& out, const Bulletin& b, const Labels& t) {
  out += fmt::format("<section id=\"notes\">\n<h2>{}</h2>\n<ol class=\"notes\">\n<li>{}</li>\n<li>{}</li>\n", t.sec_notes,
                     t.score_accuracy_note, t.score_progress_note);
  for (const std::string& note : b.notes) out += "<li>" + EscapeHtml(note) + "</li>\n";
  out += "</ol>\n</section>\n";
}

}  // namespace

std::string RenderHtml(const Bulletin& b, Lang lang) {
  const Labels& t = internal::LabelsFor(lang);
  const std::string title = fmt::format(fmt::runtime(t.title_pattern), EscapeHtml(b.county_name));
  std::string out;
  out.reserve(64 * 1024);
  out += fmt::format(
      "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>{} {}</title>\n<style>{}</style>\n</head>\n<body>\n<main class=\"page\">\n",
      t.html_lang, title, EscapeHtml(b.period_label), kStyle);
  out += fmt::format(
      "<header class=\"top\">\n<h1>{}</h1>\n<div class=\"meta\"><span>{} <b>{}</b></span><span>{} <b>{}</b></span>"
      "<span>{} <b>{}</b></span><span>{} <b>{}</b></span></div>\n</header>\n",
      title, t.period, EscapeHtml(b.period_label), t.area_code, EscapeHtml(b.county_code), t.run,
      EscapeHtml(b.run_label), t.generated_on, EscapeHtml(b.generated_on));
  AppendSummary(out, b, t);
  AppendCompleteness(out, b, t);
  AppendRanking(out, b, t);
  AppendVillages(out, b, t);
  AppendNotes(out, b, t);
  out += fmt::format(
      "<footer><span>{}</span><span>vitalink · {} {} · {} {}</span></footer>\n</main>\n</body>\n</html>\n",
      t.footer_aggregate, t.run, EscapeHtml(b.run_label), t.generated_on, EscapeHtml(b.generated_on));
  return out;
}

}  // namespace vitalink::report
