"""Numbers and dates in the page's language (issue 23 point 13): dashboards/ui.py writes a number with the
language's separators, pads a table's numbers so that a table sorting its text (ICU collation, as the
browser's localeCompare) sorts them as numbers, keeps dates as dates written DD.MM.YYYY, and gives every chart
the language's separators and numeric date ticks."""

from __future__ import annotations

import datetime as dt
import random

import duckdb
import pandas as pd
import plotly.graph_objects as go

from dashboards.ui import fmt_int, fmt_num, localised, number_texts, shown_frame

NBSP = "\u00a0"


def shown(text: str, language: str) -> float:
    """The number a padded text writes."""
    bare = "".join(c for c in text if not c.isspace())
    return float(bare.replace(",", "") if language == "en" else bare.replace(",", "."))


def test_numbers_are_written_in_the_languages_format() -> None:
    assert fmt_num(1234.56, "ru", 1) == f"1{NBSP}234,6" and fmt_num(1234.56, "kk", 1) == f"1{NBSP}234,6"
    assert fmt_num(1234.56, "en", 1) == "1,234.6"
    assert fmt_int(12345, "kk") == f"12{NBSP}345" and fmt_int(12345, "en") == "12,345"


def test_padded_numbers_sort_as_numbers_under_icu_collation() -> None:
    rng = random.Random(7)
    values = [rng.choice([0, 5, 9, 10, 99.5, 100, 999, 1000, 1234.5, 20000, rng.uniform(0, 50000)]) for _ in range(60)]
    for language in ("kk", "ru", "en"):
        for digits in (0, 1):
            texts = number_texts(pd.Series(values), language, digits)
            assert len({len(x) for x in texts}) == 1  # one width: the digits line up
            con = duckdb.connect()
            collation = "ru" if language != "en" else "en"
            ordered = [r[0] for r in con.execute(f"select unnest(?) as x order by x collate {collation}",
                                                 [texts]).fetchall()]
            con.close()
            numbers = [shown(x, language) for x in ordered]
            assert numbers == sorted(numbers), (language, digits)


def test_a_table_keeps_dates_as_dates_written_dd_mm_yyyy_and_years_plain() -> None:
    frame = pd.DataFrame({"day": [dt.date(2026, 8, 14)], "n": [1234], "rate": [82.25], "year": [2024],
                          "points": [None]}).astype({"points": "float"})
    shown, config = shown_frame(frame, "ru", {"rate": 1}, plain=("year",))
    assert shown["n"].iloc[0].strip() == f"1{NBSP}234" and shown["rate"].iloc[0].strip() == "82,2"
    assert shown["year"].iloc[0] == "2024" and shown["points"].iloc[0].strip() == "—"
    assert pd.api.types.is_datetime64_any_dtype(shown["day"]) and config["day"]["type_config"]["format"] == "DD.MM.YYYY"


def test_a_chart_takes_the_languages_separators_and_numeric_date_ticks() -> None:
    fig = localised(go.Figure(go.Scatter(x=["2022-07-01", "2022-08-01"], y=[1, 2])), "kk", dates="month")
    assert fig.layout.separators == f",{NBSP}" and fig.layout.xaxis.tickformat == "%m.%Y"
    assert localised(go.Figure(), "en").layout.separators == ".,"
