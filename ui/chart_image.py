"""A chart to read, not to explore: drawn once on the server as an SVG picture.

Why: st.altair_chart ships the chart's specification to the browser, which loads Vega and lays
the chart out on every rerun of the page. On Min plan that was ~50 ms of each visit's ~170 ms
in the browser (measured old and new side by side, issue 16), for a picture nobody hovers over:
the citizen reads it, large, on the shared screen. vl-convert (the Vega project's own converter,
the same Vega-Lite renderer) draws the same specification as SVG on the server; the browser then
shows a plain <img>, which costs it next to nothing.

The drawing is done, and kept by its specification, in a process of its own (ui/chart_drawer.py):
~50-150 ms of a converter that holds Python's interpreter lock while it draws, so not in the
server's process.

What a picture cannot do, the page does in words: every chart shown this way has its numbers
in sentences and a table beside it, and `alt` says so (WCAG 1.1.1).
"""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from ui.chart_drawer import draw

CHART_WIDTH_PX = 900  # the drawing's own width; the picture scales to the column (viewBox)


def chart_spec(chart: Any) -> str:
    """The chart's (an Altair chart's) Vega-Lite specification at CHART_WIDTH_PX wide, as JSON
    with its keys in order (one text per chart: the drawings are kept by it)."""
    return json.dumps(chart.properties(width=CHART_WIDTH_PX).to_dict(), sort_keys=True, default=str)


def chart_svg(chart: Any) -> str:
    """The chart (an Altair chart) as SVG markup, drawn at CHART_WIDTH_PX wide."""
    return draw(chart_spec(chart))


def show_chart(chart: Any, *, alt: str) -> None:
    """Show the chart as a picture the width of its column; `alt` is its text alternative."""
    show_svg(chart_svg(chart), alt=alt)


def show_svg(svg: str, *, alt: str) -> None:
    """Show SVG markup drawn here (chart_svg) as a picture the width of its column."""
    st.image(svg, alt=alt, width="stretch")
