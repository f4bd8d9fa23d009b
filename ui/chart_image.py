"""A chart to read, not to explore: drawn once on the server as an SVG picture.

Why: st.altair_chart ships the chart's specification to the browser, which loads Vega and lays
the chart out on every rerun of the page. On Min plan that was ~50 ms of each visit's ~170 ms
in the browser (measured old and new side by side, issue 16), for a picture nobody hovers over:
the citizen reads it, large, on the shared screen. vl-convert (the Vega project's own converter,
the same Vega-Lite renderer) draws the same specification as SVG on the server; the browser then
shows a plain <img>, which costs it next to nothing.

The SVG is cached by its specification (the data is in it), so a plan's chart is drawn once per
set of scores: ~60 ms of the server's time on the first view after a new score, and ~0.7 s once
per process for the converter's start. The cache holds only what is in the specification (goal
numbers, meeting dates and scores, the axis titles), never a name or anything a user typed, and
it is bounded.

What a picture cannot do, the page does in words: every chart shown this way has its numbers
in sentences and a table beside it, and `alt` says so (WCAG 1.1.1).
"""

from __future__ import annotations

import json
import threading
from functools import lru_cache
from typing import Any

import streamlit as st
import vl_convert

CHART_WIDTH_PX = 900  # the drawing's own width; the picture scales to the column (viewBox)
_DRAW_LOCK = threading.Lock()  # one converter call at a time (the converter is one engine)


@lru_cache(maxsize=256)
def _svg(spec_json: str) -> str:
    with _DRAW_LOCK:
        return vl_convert.vegalite_to_svg(json.loads(spec_json))


def chart_svg(chart: Any) -> str:
    """The chart (an Altair chart) as SVG markup, drawn at CHART_WIDTH_PX wide."""
    spec = chart.properties(width=CHART_WIDTH_PX).to_dict()
    return _svg(json.dumps(spec, sort_keys=True, default=str))


def show_chart(chart: Any, *, alt: str) -> None:
    """Show the chart as a picture the width of its column; `alt` is its text alternative."""
    show_svg(chart_svg(chart), alt=alt)


def show_svg(svg: str, *, alt: str) -> None:
    """Show SVG markup drawn here (chart_svg) as a picture the width of its column."""
    st.image(svg, alt=alt, width="stretch")
