"""Two fixes printed by one command write copies of their own (rerun37 N5)."""

from __future__ import annotations

import re
import shlex

import numpy as np

from tests.console import run_main
from tests.data.test_land_masks import _land, _nemo_like
from tests.fresh_python import run_python


def test_the_fill_value_and_land_lines_of_one_run_name_different_copies(tmp_path, capfd, monkeypatch):
    """rerun37 N5: ORAS5's sosstsst with 1e20 on land and no _FillValue (sossheig missing there) got, in one
    run, an ncatted _FillValue line and a land-mask xarray line that both wrote v4_1e20_fixed.nc: NCO asked to
    overwrite it, xarray replaced it, one fix lost. Each names its own copy now; the land line, run as
    printed, writes its copy and leaves the other name free."""
    monkeypatch.chdir(tmp_path)
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
    assert re.search(r"ncatted -a _FillValue,sosstsst,o,f,1e\+20 v4\.nc v4_fixed\.nc ", fill)
    assert 'd.to_netcdf("v4_fixed_2.nc")' in land
    command = shlex.split(land[land.index("python -c "):])
    run_python(*command[1:], check=True, cwd=tmp_path)
    assert (tmp_path / "v4_fixed_2.nc").is_file() and not (tmp_path / "v4_fixed.nc").exists()
