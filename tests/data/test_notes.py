import logging

import pytest

from climann.data.notes import forget_notes, note_once


def test_a_note_is_said_once_until_the_next_run_forgets_it(caplog):
    logger = logging.getLogger("climann.data.test_notes")
    forget_notes()
    with caplog.at_level(logging.INFO, logger="climann"):
        for _ in range(3):
            note_once(logger, logging.WARNING, "lat in radian: converted to degrees")
            note_once(logger, logging.INFO, "a cyclic column dropped", key=("a.nc", "cyclic"))
            note_once(logger, logging.INFO, "a cyclic column dropped", key=("b.nc", "cyclic"))  # another key
        forget_notes()
        note_once(logger, logging.WARNING, "lat in radian: converted to degrees")
    said = [(record.levelno, record.getMessage()) for record in caplog.records if record.name == logger.name]
    assert said == [(logging.WARNING, "lat in radian: converted to degrees"), (logging.INFO, "a cyclic column dropped"),
                    (logging.INFO, "a cyclic column dropped"), (logging.WARNING, "lat in radian: converted to degrees")]


def test_a_message_computed_when_said_is_computed_once(caplog):
    calls = []

    def costly():
        calls.append(1)
        return "t2m: expver 5 supplied none"

    forget_notes()
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            note_once(logging.getLogger("climann.test"), logging.WARNING, costly, key="expver")
    assert calls == [1] and caplog.messages == ["t2m: expver 5 supplied none"]
    with pytest.raises(TypeError):
        note_once(logging.getLogger("climann.test"), logging.WARNING, costly)
