"""The time part of CF ``cell_methods`` (CF 1.8 sections 7.3 and 7.4)."""

from __future__ import annotations

import pytest

from climann.data.cell_methods import CellMethod, parse_cell_methods, time_cell_method, time_value_word


@pytest.mark.parametrize(
    ("text", "entries"),
    [
        pytest.param("time: mean", [(("time",), "mean")], id="one"),
        pytest.param("area: mean time: maximum", [(("area",), "mean"), (("time",), "maximum")], id="two"),
        pytest.param("area: time: mean", [(("area", "time"), "mean")], id="names-sharing-a-method"),
        pytest.param("area: mean where land time: mean", [(("area",), "mean where land"), (("time",), "mean")],
                     id="where"),
        pytest.param("time: mean within years time: mean over years",
                     [(("time",), "mean within years"), (("time",), "mean over years")], id="climatology"),
        pytest.param("time: maximum (interval: 1 hr comment: hourly)  lat: mean",
                     [(("time",), "maximum"), (("lat",), "mean")], id="comment-left-out"),
        pytest.param("time : point", [(("time",), "point")], id="space-before-colon"),
        pytest.param("no colon at all", [], id="malformed"),
        pytest.param("time:", [], id="no-method"),
    ],
)
def test_cell_methods_are_read_as_cf_section_7_3_writes_them(text, entries):
    assert parse_cell_methods(text) == [CellMethod(names, method) for names, method in entries]


@pytest.mark.parametrize(
    ("text", "time_name", "expected"),
    [
        pytest.param("area: mean time: maximum", "time", "time: maximum", id="maximum"),
        pytest.param("area: time: mean", "time", "time: mean", id="shared"),
        pytest.param("time: mean within years time: mean over years", "time",
                     "time: mean within years time: mean over years", id="climatology"),
        pytest.param("t: point", "t", "time: point", id="dimension-named-t"),
        pytest.param("time: mean (interval: 6 hours)", "time", "time: mean", id="interval-comment"),
        pytest.param("area: mean where land time: mean", "time", "time: mean", id="where-on-area"),
        pytest.param("area: time: mean where land", "time", "time: mean", id="where-names-the-portion"),
        pytest.param("time: maximum where sea_ice over sea", "time", "time: maximum", id="where-over-types"),
        pytest.param("area: mean", "time", None, id="nothing-about-time"),
        pytest.param("t: point", "time", None, id="another-dimension"),
        pytest.param(None, "time", None, id="absent"),
        pytest.param("", "time", None, id="empty"),
    ],
)
def test_the_time_part_names_the_time_entries_only(text, time_name, expected):
    assert time_cell_method(text, time_name) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("time: sum", "time: mean", id="alone"),
        pytest.param("area: mean time: sum (interval: 1 day)", "area: mean time: mean (interval: 1 day)",
                     id="other-axes-and-comments-kept"),
        pytest.param("area: time: sum where land", "area: time: mean where land", id="shared-entry"),
        pytest.param("lat: sum t: sum", "lat: sum t: mean", id="by-the-time-dimension-name"),
        pytest.param("area: sum", "area: sum", id="not-over-time"),
    ],
)
def test_with_time_method_replaces_only_the_time_entries_method(text, expected):
    from climann.data.cell_methods import with_time_method

    assert with_time_method(text, "sum", "mean", "t") == expected


@pytest.mark.parametrize(("text", "word"), [
    pytest.param("time: mean within days time: sum over days", "total", id="xclim-gdd-sum-over-days"),
    pytest.param("time: sum within days time: mean over days", "mean", id="mean-of-daily-sums"),
    pytest.param("area: mean time: sum", "total", id="sum"),
    pytest.param("area: time: mean where land", "mean", id="mean-where-land"),
    pytest.param("t: sum", "total", id="own-time-name"),
    pytest.param("time: maximum", "value", id="maximum"),
    pytest.param("time: point", "value", id="point"),
    pytest.param("area: sum", "mean", id="nothing-said-about-time"),
    pytest.param(None, "mean", id="no-attribute"),
])
def test_time_value_word_is_the_method_over_the_whole_cell(text, word):
    assert time_value_word(text, "t") == word
