"""Two fixes printed by one command write copies of their own (rerun37 N5)."""

from __future__ import annotations

import os
import shutil
import subprocess

import numpy as np
import pytest

from climann.data import shell
from climann.data.open import open_dataset
from tests.conftest import draw_no_run_figures
from tests.console import run_main
from tests.data.test_land_masks import _land, _mesh_mask, _nemo_like, _nemo_written
from tests.fresh_python import shell_path


def _bash(command: str, cwd) -> None:
    """Run a printed line as a shell runs it, with this interpreter as its ``python``."""
    path = shell_path()  # the printed `python`
    subprocess.run(["bash", "-c", command], check=True, cwd=cwd, capture_output=True, env={**os.environ, "PATH": path})


@pytest.mark.skipif(shutil.which("ncatted") is None, reason="needs NCO's ncatted")
def test_the_fill_value_and_land_lines_of_one_run_name_different_copies(tmp_path, capfd, monkeypatch):
    """rerun37 N5: ORAS5's sosstsst with 1e20 on land and no _FillValue (sossheig missing there) got, in one
    run, an ncatted _FillValue line and a land-mask xarray line that both wrote v4_1e20_fixed.nc: NCO asked to
    overwrite it, xarray replaced it, one fix lost. Each names its own copy now; fix38d: the land line reads
    the _FillValue line's copy, so that the two, run as printed in order, end in one copy holding both."""
    monkeypatch.chdir(tmp_path)
    draw_no_run_figures(monkeypatch)  # the warnings come from reading the data; no figure is looked at
    dataset = _nemo_like()
    sst = dataset["sosstsst"].values.copy()
    sst[:, _land()] = 1e20
    dataset["sosstsst"] = dataset["sosstsst"].copy(data=sst)
    dataset["sosstsst"].attrs = {"units": "degC", "long_name": "sea surface temperature"}
    dataset["sossheig"] = dataset["sossheig"].fillna(np.float32(1e20)).assign_attrs(missing_value=np.float32(1e20))
    dataset.to_netcdf(tmp_path / "v4.nc", encoding={name: {"_FillValue": None} for name in ("sosstsst", "sossheig")})
    result = run_main("train", "--data", "v4.nc", "--target", "sosstsst", "--out", "run", "--epochs", "1",
                      capfd=capfd, monkeypatch=monkeypatch)
    warnings = [line for line in result.stderr.splitlines() if line.startswith("climann: warning:")]
    (fill,) = [line for line in warnings if "ncatted -a _FillValue,sosstsst" in line]
    (land,) = [line for line in warnings if "as an ocean model leaves land" in line]
    # each copy in a new folder of its own (fix55a: v4_fixed.nc and v4_fixed_2.nc beside v4.nc)
    fill_line = fill.split("if they are missing values: `", 1)[1].split("`", 1)[0]
    assert fill_line.endswith(" && mkdir -p missing_marked && ncatted -a _FillValue,sosstsst,o,f,1e+20 v4.nc "
                              "missing_marked/v4.nc")
    # written whole (fix45m): to land_masked/v4.nc.part, renamed land_masked/v4.nc
    land_line = land[land.index(f"mkdir -p land_masked && {shell.advised_python()} -c "):].partition(" (its copy in a new folder)")[0]
    assert land_line.endswith("d.to_netcdf(p);os.replace(p,sys.argv[2])' missing_marked/v4.nc land_masked/v4.nc")
    assert land.endswith("then give --data land_masked/v4.nc in place of v4.nc (this reads missing_marked/v4.nc, "
                         "which the line shown before writes from v4.nc: run that one first; land_masked/v4.nc then "
                         "holds both fixes)")
    _bash(fill_line, tmp_path)
    _bash(land_line, tmp_path)
    assert sorted(path.name for path in tmp_path.glob("*.nc")) == ["v4.nc"]  # nothing beside the original
    fixed = open_dataset([tmp_path / "land_masked/v4.nc"])["sosstsst"].values
    assert np.isnan(fixed[:, _land()]).all()
    np.testing.assert_array_equal(fixed[:, ~_land()], sst[:, ~_land()])


@pytest.mark.skipif(shutil.which("ncatted") is None, reason="needs NCO's ncatted")
def test_the_land_and_cell_area_lines_run_in_order_end_in_one_copy_with_both_fixes(tmp_path, capfd, monkeypatch):
    """fix38d: ORAS5's sosstsst (0.0 on land) beside NEMO 3.6's mesh_mask.nc (tmask, e1t, e2t): the land line
    wrote oras5_fixed.nc, the cell-area line's ncatted wrote oras5_fixed_2.nc from the original, each copy with
    one fix. Now the second reads the first's copy (the cell-area line now comes first, in the default predictors'
    note, and the land line reads its copy); followed literally, in order, oras5_fixed_2.nc holds the
    land missing and the cell_measures, and a run on it and the metrics' copy warns of neither."""
    monkeypatch.chdir(tmp_path)
    draw_no_run_figures(monkeypatch)  # the warnings come from reading the data; no figure is looked at
    original = _nemo_like(ssh_on_land=True)
    _nemo_written(tmp_path / "oras5.nc", original)
    _mesh_mask(tmp_path / "mesh_mask.nc")
    result = run_main("train", "--data", "oras5.nc", "--data", "mesh_mask.nc", "--target", "sosstsst", "--out",
                      "run", "--epochs", "1", capfd=capfd, monkeypatch=monkeypatch)
    warnings = [line for line in result.stderr.splitlines() if line.startswith("climann: warning:")]
    (land,) = [line for line in warnings if "land stored as a value" in line]
    (areas,) = [line for line in warnings if "to weigh them by e1t·e2t" in line]
    # in the order printed: the cell-area line (in the default predictors' note) first, then the land line
    assert warnings.index(areas) < warnings.index(land)
    command, _, after = areas.partition("to weigh them by e1t·e2t: `")[2].partition("` (writes it as e1e2t")
    # both copies in one new folder (fix55a: mesh_mask_fixed.nc and oras5_fixed.nc beside their files)
    assert after == (" into a copy of mesh_mask.nc, then names it in a copy of oras5.nc, both in a new folder), then "
                     "give --data 'cell_areas/*.nc' in place of mesh_mask.nc and oras5.nc")
    assert command.startswith("{ [ ! -e cell_areas/oras5.nc ] || ") and f" && mkdir -p cell_areas && {shell.advised_python()} -c " in command
    assert command.endswith(" mesh_mask.nc cell_areas/mesh_mask.nc && ncatted -a cell_measures,sosstsst,o,c,"
                            "'area: e1e2t' oras5.nc cell_areas/oras5.nc")
    _bash(command, tmp_path)  # one line, as printed
    line, _, after = land.partition("to set those cells missing: ")[2].partition(" (its copy in a new folder)")
    assert after.endswith("(this reads cell_areas/oras5.nc, which the line shown before writes from oras5.nc: run "
                          "that one first; land_masked/oras5.nc then holds both fixes)")
    _bash(line, tmp_path)
    assert sorted(path.name for path in tmp_path.glob("*.nc")) == ["mesh_mask.nc", "oras5.nc"]  # nothing beside
    fixed = open_dataset([tmp_path / "land_masked/oras5.nc"])["sosstsst"]
    assert fixed.attrs["cell_measures"] == "area: e1e2t"
    assert np.isnan(fixed.values[:, _land()]).all()
    np.testing.assert_array_equal(fixed.values[:, ~_land()], original["sosstsst"].values[:, ~_land()])
    metrics = open_dataset([tmp_path / "cell_areas/mesh_mask.nc"])
    np.testing.assert_array_equal(metrics["e1e2t"].values, metrics["e1t"].values * metrics["e2t"].values)
    again = run_main("train", "--data", "land_masked/oras5.nc", "--data", "cell_areas/mesh_mask.nc", "--target",
                     "sosstsst", "--out", "run2", "--epochs", "1", capfd=capfd, monkeypatch=monkeypatch)
    assert again.returncode == 0, again.stderr
    assert "land stored as a value" not in again.stderr and "to weigh them by" not in again.stderr
