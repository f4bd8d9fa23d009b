"""ui/chart_image.py: a chart to read is an SVG picture drawn on the server, once per data."""

from __future__ import annotations

import base64

import altair as alt
import pandas as pd
from streamlit.testing.v1 import AppTest

from ui import chart_image


def _chart(scores: list[int]) -> alt.Chart:
    frame = pd.DataFrame(
        {"Mål": ["Mål 1"] * len(scores), "Møde": pd.date_range("2026-01-01", periods=len(scores), freq="MS"),
         "Skalering": scores}
    )  # fmt: skip
    return alt.Chart(frame).mark_line(point=True).encode(x="Møde:T", y="Skalering:Q", color="Mål:N")


def test_the_chart_is_drawn_as_svg_with_its_data_and_titles():
    svg = chart_image.chart_svg(_chart([3, 4, 6]))
    assert svg.startswith("<svg") and 'viewBox="' in svg  # scales to its column
    assert "Skalering" in svg and "Mål 1" in svg
    assert "<script" not in svg.lower()


def test_the_same_data_is_drawn_once_and_new_data_is_drawn_anew():
    first = chart_image.chart_svg(_chart([3, 4, 6]))
    assert chart_image.chart_svg(_chart([3, 4, 6])) is first  # kept by its specification
    assert chart_image.chart_svg(_chart([3, 4, 7])) != first  # a new score: a new picture
    assert chart_image.chart_spec(_chart([3, 4, 6])) == chart_image.chart_spec(_chart([3, 4, 6]))


def test_the_page_shows_a_picture_with_its_text_alternative():
    at = AppTest.from_string(
        "import altair as alt, pandas as pd\n"
        "from ui.chart_image import show_chart\n"
        "frame = pd.DataFrame({'a': [1, 2], 'b': [3, 4]})\n"
        "show_chart(alt.Chart(frame).mark_line().encode(x='a:Q', y='b:Q'), alt='Graf: b efter a')\n"
    ).run()
    assert not at.exception
    assert not at.get("vega_lite_chart")  # nothing for the browser to lay out
    (image,) = at.get("image")[0].proto.imgs
    assert image.alt == "Graf: b efter a"
    prefix = "data:image/svg+xml;base64,"
    assert image.url.startswith(prefix)
    assert base64.b64decode(image.url[len(prefix):]).decode().startswith("<svg")
