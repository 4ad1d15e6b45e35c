"""Where the target never exists: the cells ``climann predict`` leaves missing.

A variable defined over part of the Earth only — sea surface temperature (``tos``, CF
``cell_methods = "area: mean where sea"``, CF 1.8 §7.3.3), soil moisture over land — has no
value at the same cells at every time step (its ``_FillValue``, CF 1.8 §2.5.1): land for a
sea variable, sea for a land one. A run's own ``predictions.nc`` has no prediction there (a
training sample needs the target), and neither does ``predict``: a network's output at a cell
where the quantity does not exist is no value of it, and would break the land–sea mask of
whoever uses the file. A cell where the target is missing at some time steps only (a gap) is
predicted: filling gaps is a use of ``predict``.

Where the cells are found:

* New data that hold the target at several time steps: the cells where it is missing at every
  one of them.
* New data that hold it at one time step only (a daily file of a product shipped one day per
  file): one step cannot tell a gap (a cloud, a retrieval failure) from a cell where the
  quantity does not exist, so the run's own knowledge decides: a cell missing here is left
  missing only where the target of the run's own data (its ``predictions.nc``) never has a
  value either; the others are gaps, and predicted. Data not on the training grid (or a run
  whose ``predictions.nc`` is gone) leave every missing cell missing, and a note says why.
* New data without it, on the training grid (all of it or a part, its cells found by value as
  :func:`climann.workflow.training_cells.training_cells` finds them): the cells where the
  target of the run's own data is missing at every time step, read from the run's
  ``predictions.nc`` (whose ``<target>`` is its input's target; so runs trained before this
  was done keep working).
* Otherwise (another grid, or the run's ``predictions.nc`` gone): every cell is predicted, and
  a note says so when the run's target had such cells (or when that cannot be told).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.handles import open_netcdf
from climann.data.layout import GridLayout
from climann.data.variables import on_grid
from climann.errors import ClimannError

__all__ = ["PredictedCells", "never_present", "predicted_cells"]

@dataclass(frozen=True)
class PredictedCells:
    """The cells to predict and what a user is told about them.

    Attributes
    ----------
    cells : ndarray of bool, shape (n_lat, n_lon), or None
        True at the cells to predict; None: every cell.
    note : str or None
        One line for the notes of ``predict``; None when there is nothing to say.
    """

    cells: np.ndarray | None
    note: str | None


def never_present(target: xr.DataArray, layout: GridLayout) -> np.ndarray:
    """Where ``target`` has no value at any time step.

    Parameters
    ----------
    target : xarray.DataArray
        The target on the grid of ``layout``, dimensions (time, lat, lon) in any order (lazy:
        read once, here).
    layout : GridLayout

    Returns
    -------
    ndarray of bool, shape (n_lat, n_lon)
    """
    dims = (layout.time.name, layout.latitude.name, layout.longitude.name)
    return ~on_grid(target, dims, needs_time=True).notnull().any(layout.time.name).values


def predicted_cells(run, run_dir: str | Path, dataset: xr.Dataset, layout: GridLayout, *,
                    had_target: bool) -> PredictedCells:
    """The cells ``predict`` predicts on new data: all but those where the target never exists.

    Parameters
    ----------
    run : climann.workflow.predict.TrainedRun
    run_dir : str or Path
        The run directory (its ``predictions.nc`` tells where the run's target exists).
    dataset : xarray.Dataset
        The new data, the target in it (a NaN stand-in when ``had_target`` is False).
    layout : GridLayout
        The new data's grid.
    had_target : bool
        Whether the new data hold the target.

    Returns
    -------
    PredictedCells
    """
    name, n_cells = layout.target_name, layout.n_cells
    if had_target:
        missing = never_present(dataset[name], layout)
        if missing.any() and not missing.all() and layout.shape[0] == 1:  # a gap or no such quantity? the run says
            return _one_step_cells(run, Path(run_dir), layout, missing)
        if not missing.all():  # a target missing everywhere says nothing of where it exists
            return PredictedCells(~missing, _note(name, int(missing.sum()), n_cells, "in these data")
                                  if missing.any() else None)
    trained = _run_never_present(Path(run_dir), name)
    if trained is not None and not trained.values.any():
        return PredictedCells(None, None)
    missing = None if trained is None else _on_data_grid(run, trained, layout)
    if missing is not None:
        return PredictedCells(~missing, _note(name, int(missing.sum()), n_cells, "in the run's own data "
                                              f"(its predictions.nc; these data do not hold {name})")
                              if missing.any() else None)
    why = ("the run's predictions.nc, which tells where its target exists, is missing" if trained is None
           else f"they are not on the training grid, where {name} never has a value at {int(trained.values.sum())} "
                f"of {trained.size} cells")
    return PredictedCells(None, f"{name} is predicted at every cell where the predictors are present, also where it "
                                f"may not exist (no land–sea mask applied): these data do not hold {name} and {why}")


def _one_step_cells(run, run_dir: Path, layout: GridLayout, missing: np.ndarray) -> PredictedCells:
    """The cells to predict on data of one time step whose target is ``missing`` at some cells
    (shape (n_lat, n_lon)): the gaps are the cells where the run's own data have the target."""
    name, n_cells, n_missing = layout.target_name, layout.n_cells, int(missing.sum())
    trained = _run_never_present(run_dir, name)
    never_in_run = None if trained is None else _on_data_grid(run, trained, layout)
    if never_in_run is None:
        why = ("the run's predictions.nc, which tells where its target exists, is missing" if trained is None
               else "these data are not on the training grid, where the run's own data would tell")
        return PredictedCells(~missing, f"{name} is missing at {n_missing} of {n_cells} cells at the one time step "
                                        f"of these data: they are left missing, as one time step cannot tell a gap "
                                        f"from a cell where {name} does not exist, and {why}")
    left = missing & never_in_run
    n_left = int(left.sum())
    note = (f"{name} is missing at {n_missing} of {n_cells} cells at the one time step of these data: "
            f"{n_missing - n_left} are gaps, predicted (the run's own data, its predictions.nc, have {name} there)")
    if n_left:
        note += (f"; at the other {n_left} it never has a value in the run's own data either: it does not exist "
                 "there (land for a sea variable, say), so they are left missing, as in the run's predictions.nc")
    return PredictedCells(~left if n_left else None, note)


def _note(name: str, n_missing: int, n_cells: int, where: str) -> str:
    return (f"{name} is missing at every time step at {n_missing} of {n_cells} cells {where}: it does not exist there "
            "(land for a sea variable, say), so they are left missing, as in the run's predictions.nc; cells where it "
            "is missing at some time steps only are predicted")


def _run_never_present(run_dir: Path, name: str) -> xr.DataArray | None:
    """Where the target of the run's own data has no value at any time step, dimensions (row,
    column) of the run's ``predictions.nc``; None without the file or the target in it."""
    path = run_dir / "predictions.nc"
    if not path.is_file():
        return None
    with open_netcdf(path, decode_times=False, chunks={}) as predictions:  # its one handle: climann.data.handles
        if name not in predictions or "split" not in predictions:
            return None
        time = predictions["split"].dims[0]
        return (~predictions[name].notnull().any(time)).compute()


def _on_data_grid(run, trained: xr.DataArray, layout: GridLayout) -> np.ndarray | None:
    """``trained`` (on the training grid) at the data's cells, shape (n_lat, n_lon); None when
    the data are not on the training grid or their cells cannot be found in it."""
    from climann.workflow.run_directory import grid_summary
    from climann.workflow.training_cells import same_projection, same_summarised_grid, training_cells

    meta = run.network.metadata
    axes = meta.get("grid_axes") or {}
    try:
        cells = training_cells(axes, layout)
    except ClimannError:  # a row or column that is not the training grid's
        return None
    if cells is not None and set(axes) == set(trained.dims):
        if not cells.whole and layout.geographic is not None and not same_projection(meta.get("grid_mapping"), layout):
            return None
        return cells.cut(trained.transpose(*axes).values[None])[0]
    # cells without values to find them by (index-only rows and columns): the whole training grid only
    dims, grid = (layout.latitude.name, layout.longitude.name), meta.get("grid")
    if set(dims) != set(trained.dims) or not grid or not same_summarised_grid(grid, grid_summary(layout)):
        return None
    return trained.transpose(*dims).values
