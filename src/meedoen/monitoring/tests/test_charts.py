"""The shared SVG chart module renders well-formed, accessible SVG with every value also in a table."""
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from hypothesis import given
from hypothesis import strategies as st

from meedoen import charts

SVG = "{http://www.w3.org/2000/svg}"


def _render(chart):
    html = render_to_string("includes/chart.html", {"chart": chart})
    start, end = html.index("<svg"), html.index("</svg>") + len("</svg>")
    svg = ET.fromstring(html[start:end])
    table = ET.fromstring(html[html.index("<table"): html.index("</table>") + len("</table>")])
    return html, svg, table


def _cells(table):
    return ["".join(cell.itertext()).strip() for cell in table.iter() if cell.tag in ("td", "th")]


def test_horizontal_grouped_bar_is_wellformed_svg_with_title_desc_and_all_values_in_table():
    chart = charts.bar("Actief per categorie", ["Vrijwilligerswerk", "Mantelzorg", "Taal"],
                       [{"name": "2025", "values": [12, 7, None], "labels": ["12", "7", "<5"]},
                        {"name": "2026", "values": [1500, 20, 3]}], description="Aantal mensen")
    html, svg, table = _render(chart)
    assert svg.get("role") == "img"
    title_id, desc_id = svg.get("aria-labelledby").split()
    assert svg.find(f"{SVG}title").get("id") == title_id
    assert svg.find(f"{SVG}desc").get("id") == desc_id
    cells = _cells(table)
    for expected in ["Vrijwilligerswerk", "Mantelzorg", "Taal", "12", "7", "<5", "1.500", "20", "3", "2025", "2026"]:
        assert expected in cells
    assert len(svg.findall(f".//{SVG}rect")) == 5  # the suppressed value draws no bar


def test_vertical_bar_and_negative_values_render():
    chart = charts.bar("Saldo", ["a", "b"], [-3, 8], orientation="vertical")
    _html, svg, table = _render(chart)
    assert len(svg.findall(f".//{SVG}rect")) == 2
    assert {"-3", "8"} <= set(_cells(table))


def test_line_with_uncertainty_band_shows_band_path_and_bounds_in_table():
    chart = charts.line("Uitstroom", ["jan", "feb", "mrt"],
                        [{"name": "Regulier", "values": [1.5, 2.25, None], "lower": [1, 2, None],
                          "upper": [2, 3, None]},
                         {"name": "Extra aandacht", "values": [3, 4, 5]}], decimals=2)
    _html, svg, table = _render(chart)
    paths = svg.findall(f".//{SVG}path")
    assert any(p.get("class") == "chart__band" for p in paths)
    cells = _cells(table)
    assert "Regulier ondergrens" in cells and "Regulier bovengrens" in cells
    for expected in ["1,50", "2,25", "1,00", "3,00", "5,00", "jan", "mrt"]:
        assert expected in cells


def test_line_with_missing_value_leaves_a_gap_instead_of_zero():
    chart = charts.line("x", ["1", "2", "3", "4"], [{"name": "s", "values": [1, None, 3, 4]}])
    lines = [p for p in chart["paths"] if p["cls"] == "chart__line"]
    assert len(lines) == 1  # point 1 stands alone, points 3-4 form the only line


def test_funnel_table_gives_share_of_first_and_previous_step():
    chart = charts.funnel("Trechter", [("Uitgenodigd", 200), ("Gesprek", 100), ("Plan", 50), ("Actief", 0)])
    _html, svg, table = _render(chart)
    cells = _cells(table)
    assert "50,0%" in cells and "25,0%" in cells and "0,0%" in cells
    assert svg.find(f"{SVG}title").text == "Trechter"


def test_chart_text_is_escaped():
    chart = charts.bar("<script>x</script>", ["<b>"], [1])
    html, _svg, _table = _render(chart)
    assert "<script>x" not in html and "&lt;b&gt;" in html


def test_mismatched_lengths_are_rejected():
    with pytest.raises(ValueError):
        charts.bar("x", ["a", "b"], [1])
    with pytest.raises(ValueError):
        charts.line("x", ["a"], [{"name": "s", "values": [1, 2]}])


@given(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6))
def test_nice_ticks_cover_the_range_and_are_increasing(a, b):
    ticks = charts.nice_ticks(a, b)
    tolerance = 1e-6 * max(1.0, abs(a - b))  # float noise relative to the span
    assert ticks[0] <= min(a, b) + tolerance
    assert ticks[-1] >= max(a, b) - tolerance
    assert all(x < y for x, y in zip(ticks, ticks[1:]))
    assert len(ticks) <= 12


@given(st.lists(st.one_of(st.none(), st.integers(0, 10_000)), min_size=1, max_size=8))
def test_funnel_shares_are_fractions_of_first_and_previous(values):
    shares = charts.funnel_shares(values)
    assert len(shares) == len(values)
    assert shares[0][1] is None
    for (of_first, of_prev), value in zip(shares, values):
        if of_first is not None:
            assert of_first == value / values[0]


def test_svg_coordinates_are_not_localised_even_in_dutch():
    """Dutch formats 12.5 as "12,5"; in an SVG attribute that would be a list of two coordinates."""
    chart = charts.bar("x", ["a", "b", "c"], [1, 2, 3])
    _html, svg, _table = _render(chart)
    for element in list(svg.iter())[1:]:  # the <svg> itself has width="100%"
        for name in ("x", "y", "width", "height", "x1", "x2", "y1", "y2"):
            if element.get(name) is not None:
                float(element.get(name))
    assert "," not in svg.get("viewBox")


def test_count_axes_have_whole_ticks_and_fraction_axes_readable_ticks():
    assert charts.nice_ticks(0, 2, 5, min_step=1) == [0, 1, 2]
    chart = charts.line("x", ["a", "b"], [{"name": "s", "values": [0, 1]}])
    ticks = [t["text"] for t in chart["texts"] if t["cls"] == "chart__tick" and t["anchor"] == "end"]
    assert ticks == ["0", "1"]
    chart = charts.line("x", ["a", "b"], [{"name": "s", "values": [0.1, 0.9]}], decimals=2)
    ticks = [t["text"] for t in chart["texts"] if t["cls"] == "chart__tick" and t["anchor"] == "end"]
    assert len(set(ticks)) == len(ticks)
