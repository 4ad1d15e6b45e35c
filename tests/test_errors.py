"""Library messages quoted in a ClimannError's one line."""

import pytest

from climann.errors import library_message


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        pytest.param(ValueError("short\nsecond line"), "short", id="first-line"),
        pytest.param(KeyError(), "KeyError", id="empty-message"),
        pytest.param(ValueError("a" * 20), "a" * 9 + "…", id="cut"),
        pytest.param(ValueError("a" * 10), "a" * 10, id="at-the-limit"),
    ],
)
def test_library_message_is_one_line_of_at_most_limit_characters(error, expected):
    assert library_message(error, limit=10) == expected
