"""The run log: epoch lines, phases with timings, what train.log collects."""

import logging
import re

from climann.model import History
from climann.runlog import EpochLogger, PhaseTimer, capture_run_log, epoch_line, run_logger

TIMESTAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3} "


def test_epoch_line_with_and_without_validation():
    assert epoch_line(3, 15, History(train_loss=[1.0, 0.5, 0.123456], val_loss=[2.0, 1.0, 0.2]), 4.25) == (
        "epoch   3/15  train_loss 0.12346  val_loss 0.20000  (4.2 s)"
    )
    assert epoch_line(1, 2, History(train_loss=[0.5]), 0.0) == "epoch   1/2  train_loss 0.50000  (0.0 s)"


def test_the_collector_keeps_timestamped_lines_and_not_progress_records():
    logger = logging.getLogger("climann")
    handlers, level = list(logger.handlers), logger.level
    with capture_run_log() as run_log:
        phases = PhaseTimer()
        phases.begin("preparing data")
        logging.getLogger("climann.data.pointwise").info("read", extra={"progress": ("reading samples", 1, 2)})
        EpochLogger(2)(1, History(train_loss=[0.5], val_loss=[0.6]))
        phases.begin("training")
        phases.end()
        logging.getLogger("elsewhere").warning("not climann's")
    assert logger.handlers == handlers and logger.level == level
    messages = [re.sub(TIMESTAMP, "", line) for line in run_log.lines]
    assert all(re.match(TIMESTAMP, line) for line in run_log.lines)
    assert messages[0] == "preparing data …"
    assert re.fullmatch(r"epoch   1/2  train_loss 0.50000  val_loss 0.60000  \(\d+\.\d s\)", messages[1])
    assert re.fullmatch(r"preparing data: \d+\.\d s", messages[2])
    assert messages[3] == "training …" and re.fullmatch(r"training: \d+\.\d s", messages[4])
    assert len(messages) == 5
    assert set(phases.durations) == {"preparing data", "training"}
    assert run_log.text() == "\n".join(run_log.lines) + "\n"


def test_nothing_is_collected_outside_a_run():
    with capture_run_log() as run_log:
        pass
    run_logger.info("after the run")
    assert run_log.lines == [] and run_log.text() == ""
