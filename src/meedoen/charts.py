"""Small, dependency-free, server-rendered accessible SVG charts.

Every chart function returns a plain ``dict`` ("chart spec") with all geometry already computed. The template
``includes/chart.html`` renders it as an inline ``<svg role="img" aria-labelledby="…">`` with ``<title>`` and
``<desc>``, followed by a ``<table>`` holding exactly the same data (inside a "Toon als tabel" ``<details>``), so
people who cannot see the chart, or would rather read numbers, get everything. Use it as::

    {% include "includes/chart.html" with chart=my_chart %}

API (all text arguments may be lazy translation strings; they are rendered as text, never as HTML):

``bar(title, categories, series, *, description="", orientation="horizontal", unit="", decimals=0,
      category_header="", chart_id=None, width=640)``
    ``categories``: list of labels. ``series``: either a list of numbers (one series) or a list of dicts
    ``{"name": str, "values": [number | None, ...], "labels": [str, ...] (optional display strings)}``.
    Several series give grouped bars. ``None`` draws no bar; use ``labels`` to show e.g. "<5" (suppressed) or
    "niet beschikbaar" in the bar label and the table.
    ``orientation``: "horizontal" (bars grow to the right, good for long labels) or "vertical".

``line(title, x_labels, series, *, description="", unit="", decimals=0, x_header="", y_min=None, y_max=None,
       chart_id=None, width=640, height=320)``
    ``series``: list of dicts ``{"name": str, "values": [number | None, ...],
    "lower": [number | None, ...] (optional), "upper": [...] (optional)}``. When ``lower`` and ``upper`` are given the
    series gets a translucent uncertainty band, and the table gets "ondergrens"/"bovengrens" columns.
    ``None`` values break the line (a gap) instead of drawing zero.

``funnel(title, steps, *, description="", decimals=0, chart_id=None, width=640)``
    ``steps``: list of ``(label, value)`` from the widest step to the narrowest (e.g. invited → conversation → plan →
    active). The table gives the number, the share of the first step and the share of the previous step. A text
    value (e.g. "<5", a suppressed count) draws no bar and no shares and is shown as it is.

Helpers: ``nice_ticks(lo, hi, count=5)`` (pure, returns round axis ticks), ``format_number(value, decimals)``.

The spec keys used by the template: ``id``, ``kind``, ``title``, ``description``, ``width``, ``height``, ``rects``,
``lines``, ``paths``, ``texts``, ``legend`` and ``table`` (``caption``, ``columns``, ``rows`` of display strings).
Colours come from ``PALETTE`` (each at least 3:1 against white, WCAG 2.1 non-text contrast); bars and lines also carry
their value as text, so colour is never the only carrier of meaning.
"""
from __future__ import annotations

import hashlib
import math
from typing import Any, Iterable, Sequence

from django.utils.formats import number_format
from django.utils.translation import gettext as _

# Okabe-Ito inspired, darkened so every colour reaches >= 3:1 against white.
PALETTE = ["#01689b", "#b35900", "#1a6e2e", "#6a3d9a", "#a50f15", "#555555"]
FONT_SIZE = 12
CHAR_WIDTH = 6.6  # average glyph width at FONT_SIZE for label-space estimates


# --------------------------------------------------------------------------- pure helpers
def nice_ticks(lo: float, hi: float, count: int = 5, *, min_step: float | None = None) -> list[float]:
    """Round axis ticks covering [lo, hi] with roughly ``count`` intervals (1-2-5 steps). ``min_step=1`` keeps the
    ticks of a count axis whole numbers."""
    if not math.isfinite(lo) or not math.isfinite(hi):
        raise ValueError("ticks need finite bounds")
    if hi < lo:
        lo, hi = hi, lo
    if hi - lo < 1e-6:  # chart data never needs a finer scale; avoids float noise in the ticks
        hi = lo + 1
    raw = (hi - lo) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if step >= raw:
            break
    if min_step is not None and step < min_step:
        step = min_step
    digits = max(0, -math.floor(math.log10(step)) + 2)
    first = math.floor(lo / step + 1e-9)
    ticks = []
    k = first
    while not ticks or ticks[-1] < hi - step * 1e-9 or len(ticks) < 2:
        ticks.append(round(k * step, digits))
        k += 1
    return ticks


def format_number(value: float | int | None, decimals: int = 0) -> str:
    if value is None:
        return "–"
    return number_format(round(value, decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True)


def _tick_decimals(ticks: list[float]) -> int:
    """Decimals needed to tell the ticks apart (0.25 steps need 2, 5 steps need 0)."""
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1
    return next((d for d in range(7) if abs(round(step, d) - step) < 1e-9 * max(1, abs(step))), 6)


def _chart_id(kind: str, title: Any, chart_id: str | None) -> str:
    if chart_id:
        return chart_id
    digest = hashlib.sha1(f"{kind}:{title}".encode()).hexdigest()[:8]
    return f"chart-{kind}-{digest}"


def _y_grid(spec: dict, ticks, sy, x_from: float, x_to: float, decimals: int) -> None:
    """Horizontal grid lines at the y ticks, with the tick labels left of the plot."""
    for t in ticks:
        y = round(sy(t), 1)
        spec["lines"].append({"x1": x_from, "y1": y, "x2": x_to, "y2": y, "cls": "chart__grid"})
        spec["texts"].append(_text(x_from - 6, sy(t) + 4, format_number(t, decimals), "end", "chart__tick"))


def _text(x: float, y: float, text: Any, anchor: str = "start", cls: str = "chart__label") -> dict:
    return {"x": round(x, 1), "y": round(y, 1), "text": str(text), "anchor": anchor, "cls": cls}


def _truncate(label: Any, max_chars: int) -> str:
    label = str(label)
    return label if len(label) <= max_chars else label[: max(max_chars - 1, 1)] + "…"


def _normalise_series(series: Sequence, decimals: int, unit: str) -> list[dict]:
    if series and not isinstance(series[0], dict):
        series = [{"name": "", "values": list(series)}]
    result = []
    for index, item in enumerate(series):
        values = [None if v is None else float(v) for v in item["values"]]
        labels = item.get("labels") or [
            "" if v is None else format_number(v, decimals) + (f" {unit}" if unit else "") for v in values
        ]
        labels = [
            str(lab) if lab not in (None, "") else ("–" if values[i] is None else format_number(values[i], decimals))
            for i, lab in enumerate(labels)
        ]
        entry = {
            "name": str(item.get("name", "")),
            "values": values,
            "labels": labels,
            "colour": PALETTE[index % len(PALETTE)],
            "index": index,
        }
        for bound in ("lower", "upper"):
            if item.get(bound) is not None:
                entry[bound] = [None if v is None else float(v) for v in item[bound]]
        result.append(entry)
    return result


def _base(kind: str, title: Any, description: Any, chart_id: str | None, width: int, height: int) -> dict:
    return {
        "id": _chart_id(kind, title, chart_id),
        "kind": kind,
        "title": str(title),
        "description": str(description or ""),
        "width": width,
        "height": height,
        "rects": [],
        "lines": [],
        "paths": [],
        "texts": [],
        "legend": [],
    }


def _legend(spec: dict, series: list[dict]) -> None:
    if len(series) > 1 or (series and series[0]["name"]):
        spec["legend"] = [{"name": s["name"], "colour": s["colour"], "band": "lower" in s} for s in series]


# --------------------------------------------------------------------------- bar
def bar(
    title: Any,
    categories: Sequence[Any],
    series: Sequence,
    *,
    description: Any = "",
    orientation: str = "horizontal",
    unit: str = "",
    decimals: int = 0,
    category_header: Any = "",
    chart_id: str | None = None,
    width: int = 640,
) -> dict:
    if orientation not in ("horizontal", "vertical"):
        raise ValueError("orientation must be 'horizontal' or 'vertical'")
    categories = [str(c) for c in categories]
    norm = _normalise_series(series, decimals, unit)
    for s in norm:
        if len(s["values"]) != len(categories):
            raise ValueError("every series needs one value per category")
    numbers = [v for s in norm for v in s["values"] if v is not None]
    top = max([0.0, *numbers])
    bottom = min([0.0, *numbers])
    ticks = nice_ticks(bottom, top if top > bottom else bottom + 1, 4, min_step=1 if decimals == 0 else None)
    tick_decimals = _tick_decimals(ticks)
    lo, hi = ticks[0], ticks[-1]
    n_series = max(len(norm), 1)

    if orientation == "horizontal":
        label_chars = min(max([len(c) for c in categories] + [4]), 32)
        left = 12 + label_chars * CHAR_WIDTH
        right = 70  # room for value labels
        bar_h = 18
        group_h = bar_h * n_series + 10
        top_margin = 8
        height = int(top_margin + group_h * len(categories) + 28)
        spec = _base("bar", title, description, chart_id, width, height)
        plot_w = width - left - right

        def sx(v: float) -> float:
            return left + (v - lo) / (hi - lo) * plot_w

        axis_y = top_margin + group_h * len(categories)
        for t in ticks:
            spec["lines"].append({"x1": round(sx(t), 1), "y1": top_margin, "x2": round(sx(t), 1), "y2": axis_y,
                                  "cls": "chart__grid"})
            spec["texts"].append(_text(sx(t), axis_y + 16, format_number(t, tick_decimals), "middle",
                                       "chart__tick"))
        for ci, cat in enumerate(categories):
            gy = top_margin + ci * group_h + 5
            spec["texts"].append(_text(left - 8, gy + group_h / 2, _truncate(cat, 32), "end"))
            for s in norm:
                v = s["values"][ci]
                y = gy + s["index"] * bar_h
                if v is not None:
                    x0, x1 = sorted((sx(0), sx(v)))
                    spec["rects"].append({"x": round(x0, 1), "y": round(y, 1), "width": round(max(x1 - x0, 0.5), 1),
                                          "height": bar_h - 3, "fill": s["colour"],
                                          "label": f"{cat}: {s['labels'][ci]}"})
                end = sx(v) if v is not None else sx(0)
                spec["texts"].append(_text(end + 4, y + bar_h / 2 + 1, s["labels"][ci], "start", "chart__value"))
        spec["lines"].append({"x1": round(sx(0), 1), "y1": top_margin, "x2": round(sx(0), 1), "y2": axis_y,
                              "cls": "chart__axis"})
    else:
        height = 300
        left, right, top_margin, bottom_margin = 56, 12, 20, 56
        spec = _base("bar", title, description, chart_id, width, height)
        plot_w = width - left - right
        plot_h = height - top_margin - bottom_margin
        group_w = plot_w / max(len(categories), 1)
        bar_w = max(min((group_w - 8) / n_series, 48), 2)

        def sy(v: float) -> float:
            return top_margin + plot_h - (v - lo) / (hi - lo) * plot_h

        _y_grid(spec, ticks, sy, left, width - right, tick_decimals)
        max_chars = max(int(group_w / CHAR_WIDTH), 3)
        for ci, cat in enumerate(categories):
            gx = left + ci * group_w + (group_w - bar_w * n_series) / 2
            spec["texts"].append(_text(left + ci * group_w + group_w / 2, height - bottom_margin + 18,
                                       _truncate(cat, max_chars), "middle"))
            for s in norm:
                v = s["values"][ci]
                x = gx + s["index"] * bar_w
                if v is not None:
                    y0, y1 = sorted((sy(0), sy(v)))
                    spec["rects"].append({"x": round(x, 1), "y": round(y0, 1), "width": round(bar_w - 2, 1),
                                          "height": round(max(y1 - y0, 0.5), 1), "fill": s["colour"],
                                          "label": f"{cat}: {s['labels'][ci]}"})
                top_y = sy(max(v, 0)) if v is not None else sy(0)
                if n_series == 1 or bar_w >= 28:
                    spec["texts"].append(_text(x + bar_w / 2 - 1, top_y - 4, s["labels"][ci], "middle",
                                               "chart__value"))
        spec["lines"].append({"x1": left, "y1": round(sy(0), 1), "x2": width - right, "y2": round(sy(0), 1),
                              "cls": "chart__axis"})

    _legend(spec, norm)
    columns = [str(category_header or _("Categorie"))] + [s["name"] or str(title) for s in norm]
    rows = [[cat] + [s["labels"][ci] for s in norm] for ci, cat in enumerate(categories)]
    spec["table"] = {"caption": str(title), "columns": columns, "rows": rows}
    return spec


# --------------------------------------------------------------------------- line
def line(
    title: Any,
    x_labels: Sequence[Any],
    series: Sequence[dict],
    *,
    description: Any = "",
    unit: str = "",
    decimals: int = 0,
    x_header: Any = "",
    y_min: float | None = None,
    y_max: float | None = None,
    chart_id: str | None = None,
    width: int = 640,
    height: int = 320,
) -> dict:
    x_labels = [str(x) for x in x_labels]
    norm = _normalise_series(series, decimals, unit)
    for s in norm:
        for key in ("values", "lower", "upper"):
            if key in s and len(s[key]) != len(x_labels):
                raise ValueError(f"series {s['name']!r}: {key} needs one value per x label")
    numbers = [v for s in norm for key in ("values", "lower", "upper") for v in s.get(key, []) if v is not None]
    lo_data = min(numbers) if numbers else 0.0
    hi_data = max(numbers) if numbers else 1.0
    lo_data = min(lo_data, 0.0) if y_min is None else y_min
    hi_data = hi_data if y_max is None else y_max
    ticks = nice_ticks(lo_data, hi_data if hi_data > lo_data else lo_data + 1, 5,
                       min_step=1 if decimals == 0 else None)
    tick_decimals = _tick_decimals(ticks)
    lo, hi = ticks[0], ticks[-1]
    left, right, top_margin, bottom_margin = 60, 32, 16, 44
    spec = _base("line", title, description, chart_id, width, height)
    plot_w = width - left - right
    plot_h = height - top_margin - bottom_margin
    n = len(x_labels)

    def sx(i: int) -> float:
        return left + (plot_w / 2 if n == 1 else i * plot_w / (n - 1))

    def sy(v: float) -> float:
        return top_margin + plot_h - (v - lo) / (hi - lo) * plot_h

    _y_grid(spec, ticks, sy, left, width - right, tick_decimals)
    longest = max([len(x) for x in x_labels] + [1])
    every = max(1, math.ceil(n * longest * CHAR_WIDTH / (plot_w * 0.9)))
    for i, x in enumerate(x_labels):
        if i % every == 0 or i == n - 1 and (n - 1) % every == 0:
            spec["texts"].append(_text(sx(i), height - bottom_margin + 18, x, "middle", "chart__tick"))
    spec["lines"].append({"x1": left, "y1": top_margin + plot_h, "x2": width - right, "y2": top_margin + plot_h,
                          "cls": "chart__axis"})

    for s in norm:
        if "lower" in s and "upper" in s:
            for segment in _segments([(i, lo_v, up_v) for i, (lo_v, up_v) in enumerate(zip(s["lower"], s["upper"]))
                                      if lo_v is not None and up_v is not None]):
                upper = [f"{sx(i):.1f},{sy(u):.1f}" for i, _lo, u in segment]
                lower = [f"{sx(i):.1f},{sy(lo_v):.1f}" for i, lo_v, _u in reversed(segment)]
                spec["paths"].append({"d": "M" + " L".join(upper + lower) + " Z", "fill": s["colour"],
                                      "stroke": "none", "cls": "chart__band"})
        for segment in _segments([(i, v) for i, v in enumerate(s["values"]) if v is not None]):
            points = [f"{sx(i):.1f},{sy(v):.1f}" for i, v in segment]
            if len(points) > 1:
                spec["paths"].append({"d": "M" + " L".join(points), "fill": "none", "stroke": s["colour"],
                                      "cls": "chart__line"})
            for i, v in segment:
                spec["rects"].append({"x": round(sx(i) - 3, 1), "y": round(sy(v) - 3, 1), "width": 6, "height": 6,
                                      "fill": s["colour"], "label": f"{s['name']} {x_labels[i]}: {s['labels'][i]}"})
    _legend(spec, norm)

    columns = [str(x_header or _("Periode"))]
    for s in norm:
        name = s["name"] or str(title)
        columns.append(name)
        if "lower" in s and "upper" in s:
            columns += [_("%(name)s ondergrens") % {"name": name}, _("%(name)s bovengrens") % {"name": name}]
    rows = []
    for i, x in enumerate(x_labels):
        row = [x]
        for s in norm:
            row.append(s["labels"][i])
            if "lower" in s and "upper" in s:
                row += [format_number(s["lower"][i], decimals), format_number(s["upper"][i], decimals)]
        rows.append(row)
    spec["table"] = {"caption": str(title), "columns": columns, "rows": rows}
    return spec


def _segments(points: Iterable[tuple]) -> list[list[tuple]]:
    """Split (index, ...) tuples into runs of consecutive indexes, so missing values leave a gap."""
    runs: list[list[tuple]] = []
    for point in points:
        if runs and runs[-1][-1][0] == point[0] - 1:
            runs[-1].append(point)
        else:
            runs.append([point])
    return runs


# --------------------------------------------------------------------------- funnel
def funnel_shares(values: Sequence[float | None]) -> list[tuple[float | None, float | None]]:
    """Pure: for each step, (share of the first step, share of the previous step) as fractions, None if undefined."""
    result = []
    first = values[0] if values else None
    for i, v in enumerate(values):
        prev = values[i - 1] if i else None
        of_first = v / first if v is not None and first else None
        of_prev = v / prev if i and v is not None and prev else None
        result.append((of_first, of_prev))
    return result


def funnel(
    title: Any,
    steps: Sequence[tuple[Any, float | int | None]],
    *,
    description: Any = "",
    decimals: int = 0,
    chart_id: str | None = None,
    width: int = 640,
) -> dict:
    labels = [str(label) for label, _v in steps]
    # A text value (e.g. "<5" for a suppressed count) draws no bar and is shown as it is.
    markers = [v if isinstance(v, str) else None for _l, v in steps]
    values = [None if v is None or isinstance(v, str) else float(v) for _l, v in steps]
    step_h, gap, top_margin = 40, 6, 6
    height = int(top_margin * 2 + len(steps) * (step_h + gap))
    spec = _base("funnel", title, description, chart_id, width, height)
    label_w = min(max([len(x) for x in labels] + [4]), 30) * CHAR_WIDTH + 12
    plot_left = label_w
    plot_w = width - plot_left - 8
    biggest = max([v for v in values if v is not None] + [0.0]) or 1.0
    shares = funnel_shares(values)
    for i, (label, v) in enumerate(zip(labels, values)):
        y = top_margin + i * (step_h + gap)
        spec["texts"].append(_text(label_w - 8, y + step_h / 2 + 4, _truncate(label, 30), "end"))
        value_text = markers[i] or format_number(v, decimals)
        if shares[i][0] is not None and i:
            value_text += f" ({format_number(shares[i][0] * 100, 0)}%)"
        if v is not None:
            w = max(v / biggest * plot_w, 1.0)
            x = plot_left + (plot_w - w) / 2
            spec["rects"].append({"x": round(x, 1), "y": y, "width": round(w, 1), "height": step_h,
                                  "fill": PALETTE[0], "label": f"{label}: {value_text}"})
        spec["texts"].append(_text(plot_left + plot_w / 2, y + step_h / 2 + 4, value_text, "middle",
                                   "chart__value chart__value--on-bar" if v and v / biggest > 0.25 else "chart__value"))
    columns = [_("Stap"), _("Aantal"), _("% van eerste stap"), _("% van vorige stap")]
    rows = []
    for i, (label, v) in enumerate(zip(labels, values)):
        of_first, of_prev = shares[i]
        rows.append([
            label,
            markers[i] or format_number(v, decimals),
            "–" if of_first is None else format_number(of_first * 100, 1) + "%",
            "–" if of_prev is None else format_number(of_prev * 100, 1) + "%",
        ])
    spec["table"] = {"caption": str(title), "columns": columns, "rows": rows}
    return spec
