"""E-OBS's ``_ens_mean_`` and ``_ens_spread_`` files of several variables hold the same names: the refusal renames
only the spreads, ``X=X_spread``, and names the means as the files to give alone (climann/data/renames.py,
:func:`~climann.data.renames.several_clashes_message`). Each file's word was told against every other file, so the
means lost their names (``tg_tg_ens_mean_0_25deg_reg_v29_0e``) and a spread was the example (break53b A3)."""

from __future__ import annotations

import re
import shlex

import numpy as np
from typer.testing import CliRunner

from climann.cli import app
from climann.data.open import open_dataset
from climann.data.renames import FileRenames
from tests.eobs_files import write_eobs



def _eobs(folder):
    """E-OBS-like daily files (tests/eobs_files.py); the values written, by (name, kind)."""
    return write_eobs(folder, 60, seed=7)


def test_the_spreads_alone_are_renamed_and_the_means_keep_their_names(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    written = _eobs(tmp_path / "eobs")
    result = CliRunner().invoke(app, ["info", "eobs/"])
    assert result.exit_code == 2
    text = result.output.replace("\n", " ")
    options = re.findall(r"--rename ('[^']+')", text)
    assert options == ["'rr_ens_spread_0.25deg_reg_v29.0e.nc:rr=rr_spread'",
                       "'tg_ens_spread_0.25deg_reg_v29.0e.nc:tg=tg_spread'"]
    assert "e.g. the ensemble means, eobs/rr_ens_mean_0.25deg_reg_v29.0e.nc eobs/tg_ens_mean_0.25deg_reg_v29.0e.nc" \
        in text
    given = [word for option in options for word in ("--rename", shlex.split(option)[0])]
    assert CliRunner().invoke(app, ["info", "eobs/", *given]).exit_code == 0
    rules = {}
    for option in options:
        pattern, _, mapping = shlex.split(option)[0].partition(":")
        rules[pattern] = dict([mapping.split("=")])
    files = sorted((tmp_path / "eobs").glob("*.nc"))
    opened = open_dataset(files, renames=FileRenames(files, rules))
    for name in ("rr", "tg"):
        np.testing.assert_array_equal(opened[name].values, written[(name, "mean")])
        np.testing.assert_array_equal(opened[f"{name}_spread"].values, written[(name, "spread")])
