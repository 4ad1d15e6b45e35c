"""The ``climann`` command line: parse options, call the pipeline, map errors to exit codes.

Exit codes: 0 success; 2 a user error (one line on stderr, no traceback); 1 an unexpected
failure; 128 + the signal's number when stopped by a signal (129 SIGHUP, 130 SIGINT, 143 SIGTERM). No logic lives here that a notebook would also need.
"""

from __future__ import annotations

import functools
import os
import shlex
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from climann._version import __version__
from climann.data.paths import home_expanded, matched_paths, user_path
from climann.data.shell import earlier_copy_note
from climann.errors import ClimannError, Interrupted
from climann.workflow.terminal import say

app = typer.Typer(
    help="Train a transparent NumPy neural network on gridded climate NetCDF data.",
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

Command = TypeVar("Command", bound=Callable[..., Any])


def _fail(message: str, code: int) -> None:
    say(f"climann: error: {message}", err=True)
    raise typer.Exit(code)


#: The interruption lines printed (at most one): typer returns exit code 130 for a SIGINT it
#: caught itself (outside a command's body) without a word, which :func:`main` then says.
_interruptions_said: list[str] = []


def _say_interrupted(line: str) -> None:
    say(f"climann: {line}", err=True)
    _interruptions_said.append(line)


def reports_errors(command: Command) -> Command:
    """Turn a :class:`ClimannError` into one line on stderr and exit code 2; an
    :class:`Interrupted` (or SIGINT) into one line and 128 + the signal's number; cftime's
    warnings on years before 1 left out (:func:`climann.data.calendar_warnings.without_cftime_year_warnings`)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from climann.data.calendar_warnings import without_cftime_year_warnings

        try:
            with without_cftime_year_warnings():  # a Julian Day's year -4713: said in climann's words, or fine
                return command(*args, **kwargs)
        except ClimannError as error:
            _fail(str(error) + earlier_copy_note(str(error)), 2)  # a fixed copy already beside its original
        except Interrupted as error:
            _say_interrupted(str(error))
            raise typer.Exit(error.exit_code) from None
        except KeyboardInterrupt:  # typer would turn it into exit code 130 without a word
            _say_interrupted("interrupted by SIGINT")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def _user_word(text: str) -> str:
    """A path argument that may also be a word (``lesson``), as :func:`user_path` makes it but
    kept as written otherwise: ``./lesson`` stays a run directory named lesson."""
    expanded = home_expanded(text)
    return str(user_path(text)) if str(Path(expanded)).startswith("~") else expanded


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"climann {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Train a transparent NumPy neural network on gridded climate NetCDF data."""


@app.command("sample-data")
@reports_errors
def sample_data(
    path: Annotated[Path, typer.Argument(parser=user_path, metavar="PATH", help="NetCDF file to write.")] = Path("data/sample.nc"),
    years: Annotated[int, typer.Option(help="Number of years of monthly data.")] = 20,
    resolution: Annotated[float, typer.Option(help="Grid spacing in degrees (must divide 180).")] = 5.0,
    start_year: Annotated[int, typer.Option(help="First year of the time axis.")] = 1980,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic continents, clouds and noise.")] = 0,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing file.")] = False,
) -> None:
    """Write the deterministic synthetic sample dataset (CF-1.8 NetCDF4, noleap calendar).

    Example: climann sample-data data/sample.nc --years 20 --resolution 5
    """
    from climann.atomic import claimed_output
    from climann.data.sample_data import write_sample_dataset
    from climann.workflow.outputs import create_folder, is_sample_dataset, refuse_existing

    def refuse() -> None:
        refuse_existing(path, overwrite=overwrite, what="sample dataset", same_kind=is_sample_dataset,
                        kind="a sample dataset of `climann sample-data`")

    refuse()
    create_folder(path.parent)
    started = time.perf_counter()
    with claimed_output(path, overwrite=overwrite, what="sample dataset", way_out="choose another PATH"):
        refuse()  # again, now that no other climann writes it: the check and the write are one step
        written = write_sample_dataset(path, years=years, resolution=resolution, start_year=start_year, seed=seed)
    size = written.stat().st_size / 2**20
    say(f"wrote {written} ({size:.1f} MiB) in {time.perf_counter() - started:.1f} s")


@app.command()
@reports_errors
def info(
    paths: Annotated[list[str], typer.Argument(parser=home_expanded, metavar="PATH", help="NetCDF files, globs or directories.")],
    overlap: OverlapOption = None,
    select: Annotated[list[str] | None, typer.Option(help="One value of an extra dimension, as train's --select, e.g. station=3: one station of a station file (repeatable).")] = None,
    rename: Annotated[list[str] | None, typer.Option(help="Rename in matching files: 'GLOB:OLD=NEW' (repeatable), as train's --rename; the config keeps it.")] = None,
) -> None:
    """Show what climann sees in NetCDF files: variables, grid, time axis (as TOML comments), then a
    [data] config that trains as it is, with the inputs train would choose; when there is none,
    the report ends with why and info exits 2 with that reason.

    \b
    Example: climann info data/sample.nc
    Example: climann info my_data/ > my.toml && climann train --config my.toml
    Example: climann info stations.nc --select station=3
    Example: climann info era5/ --rename 'era5_ensemble_spread_*:t2m=t2m_spread'
    """
    from climann.data.info import describe, no_config_reason
    from climann.data.notes import notes_in_full
    from climann.workflow.config import parse_selection
    from climann.workflow.preparation import INFO_VALUES_LIMIT_GB, check_trains
    from climann.workflow.progress import warnings_on_stderr

    from climann.workflow.terminal import with_positional_paths

    check = functools.partial(check_trains, values_up_to_gb=INFO_VALUES_LIMIT_GB)
    try:  # the data layer's advice says train's --data: info takes positional paths (break44d A7)
        with warnings_on_stderr(with_positional_paths), notes_in_full():  # a run's warnings point here (break47a)
            report = describe(paths, overlap=_overlap_setting(overlap) or "error", check=check,
                              select=parse_selection(select, command="info"), rename=_rename_rules(rename),
                              worded=with_positional_paths)
    except ClimannError as error:
        raise ClimannError(with_positional_paths(str(error))) from None
    typer.echo(report, nl=False)
    reason = no_config_reason(report)
    if reason is not None:  # a file of comments only would train on nothing of the user's (verify20 F13)
        raise ClimannError(f"no config to start from: {reason}")


WorkersOption = Annotated[int | None, typer.Option(help="Start a local dask cluster of N worker processes and compute on it.")]
SchedulerOption = Annotated[str | None, typer.Option(help="Compute on the dask cluster of this scheduler, e.g. tcp://host:8786.")]
WideOption = Annotated[bool, typer.Option(help="Print every score and the periods in the results table, however wide (default: the key scores in the terminal's width).")]
OverlapOption = Annotated[str | None, typer.Option(help="Times held twice (files overlapping in time, repeated times): error, first or last (keep the earlier or the later file's values).")]
NewDataSelectOption = Annotated[list[str] | None, typer.Option(help="One value of an extra dimension of the --data files, e.g. realization=2: one ensemble member (repeatable).")]
NewDataTimeRangeOption = Annotated[str | None, typer.Option(help="A period of the --data files, FIRST,LAST as YYYY[-MM[-DD[THH[:MM]]]], inclusive (2019-09-13T12:00: from that step of a day), a negative year with its sign (-0009-01) [default: all of it; the run's own time_range chose its training period only].")]
NewDataRenameOption = Annotated[list[str] | None, typer.Option(help="Rename in matching --data files: 'GLOB:OLD=NEW' (repeatable), as train --rename (e.g. 'gpcp_*:precip=pr').")]


def _compute_settings(workers: int | None, scheduler: str | None) -> Any:
    """``--workers``/``--scheduler`` as a validated ``[compute]`` section."""
    from climann.workflow.config import build_config

    return build_config({"compute": {key: value for key, value in (("workers", workers), ("scheduler", scheduler))
                                     if value is not None}}).compute


def _overlap_setting(overlap: str | None) -> str | None:
    """``--overlap`` checked (None: the run's own setting)."""
    from climann.workflow.config import check_overlap

    return None if overlap is None else check_overlap(overlap)


def _cluster_overrides(workers: int | None, scheduler: str | None) -> dict:
    """``--workers`` replaces a scheduler of the config file (or checkpoint), ``--scheduler``
    its workers; both together are refused."""
    if workers is not None and scheduler is not None:
        raise ClimannError("give either --workers (a local cluster) or --scheduler (an existing one), not both")
    if workers is not None:
        return {"workers": workers, "scheduler": ""}
    if scheduler is not None:
        return {"scheduler": scheduler, "workers": 0}
    return {}


@app.command()
@reports_errors
def predict(
    run_dir: Annotated[Path, typer.Argument(parser=user_path, metavar="RUN_DIR", help="A finished run directory.")],
    data: Annotated[list[str], typer.Option(parser=home_expanded, metavar="<list[str]>", help="NetCDF file or glob with the model's predictors (repeatable).")],
    out: Annotated[Path, typer.Option(parser=user_path, metavar="<path>", help="The predictions file to write: NetCDF, or Zarr when it ends in .zarr.")],
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing --out file.")] = False,
    overlap: OverlapOption = None,
    select: NewDataSelectOption = None,
    time_range: NewDataTimeRangeOption = None,
    rename: NewDataRenameOption = None,
) -> None:
    """Predict with a trained run on new files; the run's scaling is applied unchanged.

    Example: climann predict runs/demo --data other_scenario.nc --out predictions_other.nc
    """
    from climann.workflow.interrupts import outputs_reported

    with outputs_reported([out]):  # from the start: importing the workflow takes seconds
        _predict(run_dir, data, out, workers=workers, scheduler=scheduler, overwrite=overwrite, overlap=overlap,
                 select=select, time_range=time_range, rename=rename)


def _predict(run_dir: Path, data: list[str], out: Path, *, workers: int | None, scheduler: str | None,
             overwrite: bool, overlap: str | None, select: list[str] | None, time_range: str | None,
             rename: list[str] | None) -> None:
    from climann.workflow.config import parse_selection
    from climann.workflow.predict import predict_files
    from climann.workflow.progress import warnings_on_stderr

    with warnings_on_stderr():
        result = predict_files(run_dir, data, out, compute=_compute_settings(workers, scheduler), overwrite=overwrite,
                               overlap=_overlap_setting(overlap), select=parse_selection(select, command="predict"),
                               time_range=time_range, rename=_rename_rules(rename),
                               command_line=shlex.join(["climann", *sys.argv[1:]]))
    for note in result.notes:
        say(f"note: {note}", err=True)
    say(f"wrote {result.path} ({result.n_samples} values predicted)")
    if result.region:  # the run's own box, which the new data were cut to (fix46f)
        from climann.evaluation.report import region_text

        say(f"region: {region_text(result.region)}")
    if result.scores:
        from climann.evaluation.report import score_line

        # train's words and units (break51 N2: "mse 0.6261, mae …"), 4 significant digits each, zeros kept
        say(f"scores against the target in the data, {result.weighting}, all time steps together (as `climann "
            f"evaluate --data` scores its block 'all'), over the {result.scores['n_samples']} values where the target "
            f"and the prediction are both present: {score_line(result.scores, result.units)}")


@app.command()
@reports_errors
def evaluate(
    run_dir: Annotated[Path, typer.Argument(parser=user_path, metavar="RUN_DIR", help="A finished run directory.")],
    data: Annotated[list[str] | None, typer.Option(parser=home_expanded, metavar="<list[str]>", help="Score on other files (e.g. another scenario) instead.")] = None,
    out: Annotated[Path | None, typer.Option(parser=user_path, metavar="<path>", help="Where to write metrics.json, predictions.nc, report.md [default: RUN_DIR].")] = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    wide: WideOption = False,
    overwrite: Annotated[bool, typer.Option(help="Replace those files in an existing --out directory.")] = False,
    overlap: OverlapOption = None,
    select: NewDataSelectOption = None,
    time_range: NewDataTimeRangeOption = None,
    rename: NewDataRenameOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Without the spinner and the table: only errors, warnings and where the scores were written (as train --quiet).")] = False,
) -> None:
    """Re-score a trained run on its own data, or score it on another dataset.

    Example: climann evaluate runs/demo --data ssp585.nc --out runs/demo/ssp585
    """
    from climann.workflow.interrupts import outputs_reported
    from climann.workflow.outputs import EVALUATION_FILES
    from climann.workflow.progress import NORMAL, QUIET, terminal_display

    with outputs_reported([(out or run_dir) / name for name in EVALUATION_FILES]):
        # The spinner turns first: importing the evaluation (xarray, dask, matplotlib) takes seconds.
        with terminal_display(QUIET if quiet else NORMAL, status="evaluating"):
            from climann.evaluation.scores import note_lines
            from climann.workflow.config import parse_selection
            from climann.workflow.predict import evaluate_run

            metrics = evaluate_run(run_dir, data, out, compute=_compute_settings(workers, scheduler),
                                   overwrite=overwrite, overlap=_overlap_setting(overlap),
                                   select=parse_selection(select, command="evaluate"), time_range=time_range,
                                   rename=_rename_rules(rename), command_line=shlex.join(["climann", *sys.argv[1:]]))
        for line in note_lines(metrics.get("notes", [])):
            say(f"climann: warning: {line}", err=True)
        for dim, values in metrics.get("members", {}).items():
            say(f"note: scored ensemble member {dim}={', '.join(map(str, values))}", err=True)
        if not quiet:
            _print_metrics(metrics, wide=wide)
        say(f"written to {out or run_dir}")


@app.command()
@reports_errors
def plot(
    run_dir: Annotated[str, typer.Argument(parser=_user_word, metavar="RUN_DIR|FILE|lesson", help="A finished run directory, a prediction file (climann predict's output, a predictions.nc; NetCDF or .zarr), or 'lesson' for the lesson's figures (a run directory named lesson: ./lesson).")],
    dpi: Annotated[int, typer.Option(help="Resolution of the PNG files.")] = 150,
    out: Annotated[Path | None, typer.Option(parser=user_path, metavar="<path>", help="With 'lesson': the folder for the lesson's figures; with a prediction file: the folder for its map [default: the working directory] (created if missing).")] = None,
    overwrite: Annotated[bool, typer.Option(help="With 'lesson' or a prediction file: replace figures of the same names in --out.")] = False,
    time: Annotated[str | None, typer.Option(help="With a prediction file: the time to map: YYYY, YYYY-MM or YYYY-MM-DD (a negative year with its sign), the mean of the steps in it (a day of hourly data: the mean of its 24 steps; a day without a step: the step whose time cell holds it, else the nearest); or, on sub-daily data, an hour YYYY-MM-DDTHH[:MM], its step or the nearest [default: the mean over the file].")] = None,
) -> None:
    """Redraw a run's figures from its saved files (predictions.nc, history.csv), without retraining,
    holding no more of its grids than its [data] in_memory_limit_gb;
    map a prediction file (truth, prediction and error, or the prediction alone); or draw the
    lesson's figures (activations, gradient descent, learning rates, a loss surface).

    \b
    Example: climann plot runs/demo
    Example: climann plot ssp585_tas.nc --time 2050-07 --out maps
    Example: climann plot lesson --out lesson_figures
    """
    from climann.atomic import claimed_output
    from climann.evaluation.figures import LESSON_FIGURE_FILES, draw_lesson_figures, redraw_figures
    from climann.evaluation.figures.files import is_prediction_file, plot_prediction_file
    from climann.workflow.outputs import prepare_output_folder

    if run_dir == "lesson":
        if out is None:
            raise ClimannError("climann plot lesson needs --out DIR, the folder for the lesson's figures")
        if time is not None:
            raise ClimannError("--time is only for a prediction file (climann plot FILE.nc --time 2019-07)")
        if dpi < 1:
            raise ClimannError(f"--dpi must be a positive integer; got {dpi}")
        prepare_output_folder(out, LESSON_FIGURE_FILES.values(), overwrite=overwrite)
        with claimed_output(out, overwrite=overwrite, folder=True, what="figures folder"):
            # again, now that no other climann draws there: the check and the drawing are one step
            prepare_output_folder(out, LESSON_FIGURE_FILES.values(), overwrite=overwrite)
            figures = draw_lesson_figures(out, dpi=dpi)
    elif is_prediction_file(run_dir):
        from climann.workflow.progress import warnings_on_stderr

        with warnings_on_stderr():  # a file's steps dated by the cells their stamps open (break49e A1)
            figures = plot_prediction_file(run_dir, time=time, out=out or Path("."), overwrite=overwrite, dpi=dpi)
    elif out is not None:
        raise ClimannError("--out is only for `climann plot lesson` and prediction files; a run's figures are "
                           "redrawn into RUN_DIR/figures")
    elif time is not None:
        raise ClimannError("--time is only for a prediction file (climann plot FILE.nc --time 2019-07); "
                           "a run's figures are of its test block")
    else:
        from climann.workflow.progress import warnings_on_stderr

        with warnings_on_stderr():  # a run that also holds an interrupted retraining is said
            figures = redraw_figures(Path(run_dir), dpi=dpi)
    for figure in figures:
        say(f"figure: {figure}")


@app.command()
@reports_errors
def explain(
    run_dir: Annotated[Path, typer.Argument(parser=user_path, metavar="RUN_DIR", help="A finished pointwise run directory.")],
    out: Annotated[Path | None, typer.Option(parser=user_path, metavar="<path>", help="Folder for importance.json, partial_dependence.json and their figures [default: RUN_DIR/explain].")] = None,
    repeats: Annotated[int, typer.Option(help="Permutations of each input (the importance is their mean ± standard deviation).")] = 5,
    seed: Annotated[int, typer.Option(help="Seed of the permutations and of the samples drawn for the ICE quantiles of the partial dependence.")] = 0,
    overwrite: Annotated[bool, typer.Option(help="Replace those files in --out (only climann's own).")] = False,
) -> None:
    """Which inputs the network relies on, where and how, on its test block: permutation
    importance (the increase of the test MSE, weighted as the run's scores are, when an input is shuffled) as a ranking
    and maps, and the partial dependence on each predictor with ICE quantiles.

    Example: climann explain runs/demo --repeats 10
    """
    from climann.workflow.progress import NORMAL, terminal_display

    with terminal_display(NORMAL, status="explaining"):
        from climann.data.units import shown_squared_units
        from climann.evaluation.cell_measures import recorded_weighting
        from climann.workflow.explain import correlated_inputs_line, explain_run

        result = explain_run(run_dir, out, repeats=repeats, seed=seed, overwrite=overwrite)
    importance = result.importance
    units = shown_squared_units(importance["units"])  # as every caption: K², (0 - 1)², not importance.json's K2
    unit = f" ({units})" if units == "dimensionless" else f" {units}" if units else ""
    say(f"permutation importance on the test split {importance['period']} ({importance['n_samples']} samples; "
        f"MSE {importance['baseline_mse']:.4g}{unit}, {recorded_weighting(importance)}): the increase of "
        f"the MSE when each input is permuted, mean ± standard deviation over {importance['repeats']} "
        f"repeat{'' if importance['repeats'] == 1 else 's'}")
    width = max(len(entry["name"]) for entry in importance["inputs"])
    for entry in importance["inputs"]:
        say(f"{entry['rank']:>3}. {entry['name']:<{width}}  {entry['mse_increase_mean']:.4g} ± "
                   f"{entry['mse_increase_std']:.2g}{unit}")
    if (correlated := correlated_inputs_line(importance)) is not None:
        say(correlated)
    for figure in result.figures:
        say(f"figure: {figure}")
    say(f"written to {result.out}")


@app.command()
@reports_errors
def compare(
    run_dirs: Annotated[list[Path], typer.Argument(parser=user_path, metavar="RUN_DIR", help="Finished run directories (e.g. runs/sweep-*).")],
    out: Annotated[Path | None, typer.Option(parser=user_path, metavar="<path>", help="Folder for comparison.md and comparison.png (created if missing) [default: print only].")] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace those two files in --out (only climann's own).")] = False,
    dpi: Annotated[int, typer.Option(help="Resolution of comparison.png.")] = 150,
) -> None:
    """Compare finished runs: test MSE, MAE, ACC, MSE skill score against climatology
    (MSESS = 1 − MSE/MSE_clim), parameters, epochs and training time, read from their
    directories; with --out also a markdown table and a figure of the learning curves and
    test scores side by side.

    Example: climann compare runs/sweep-* --out runs/sweep
    """
    from climann.workflow.compare import compare_runs
    from climann.workflow.progress import warnings_on_stderr

    if dpi < 1:
        raise ClimannError(f"--dpi must be a positive integer; got {dpi}")
    with warnings_on_stderr():  # a run that also holds an interrupted retraining is said
        result = compare_runs(run_dirs, out, overwrite=overwrite, dpi=dpi)
    _print_comparison(result)
    for path in result.files:
        say(f"written: {path}")


def _print_comparison(comparison: Any) -> None:
    """The notes as warnings on stderr, the table fitted to the console's width and what its
    columns are on stdout (one message each: one line in a pipe or a file, wrapped between
    words on a terminal)."""
    from rich.console import Console

    from climann.evaluation.report import title_units
    from climann.workflow.compare import comparison_footer, comparison_table, comparison_title

    for note in comparison.notes:
        say(f"climann: warning: {note}", err=True)
    say(comparison_title(comparison.runs), whole=title_units(comparison.runs[0].units))
    console = Console()
    console.print(comparison_table(comparison.runs, title=False, width=console.width))
    for line in comparison_footer(comparison.runs, width=console.width):
        say(line)


@app.command()
@reports_errors
def sweep(
    path: Annotated[Path, typer.Argument(parser=user_path, metavar="SWEEP.toml", help="A sweep file: a configuration with [sweep] key = \"SECTION.KEY\", values = [...] (e.g. experiments/sweep.toml).")],
    runs: Annotated[Path, typer.Option(parser=user_path, metavar="<path>", help="Folder of the runs (<name>-<value>/) and of the comparison (<name>/).")] = Path("runs"),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Without the training progress and the table: which runs were trained and where the comparison is.")] = False,
) -> None:
    """Train one run per value of a configuration key, then compare them (as climann compare
    --out). A run whose settings and input files are unchanged since it was trained (the
    fingerprint recorded in <runs>/<name>/sweep.json) is not trained again.

    Example: climann sweep experiments/sweep.toml
    """
    from climann.workflow.progress import NORMAL, QUIET, terminal_display

    def announce(name: str, run_dir: Path, trained: bool) -> None:
        say(f"{'training' if trained else 'up to date, not trained again:'} {run_dir}", err=True)

    with terminal_display(NORMAL, status="starting"):
        from climann.workflow.sweep import run_sweep

    result = run_sweep(path, runs_dir=runs, command_line=shlex.join(["climann", *sys.argv[1:]]),
                       display=lambda: terminal_display(QUIET if quiet else NORMAL, status="starting"),
                       on_run=announce)
    if not quiet:
        from climann.workflow.compare import compare_runs

        _print_comparison(compare_runs(result.runs))
    if result.compared:
        say(f"comparison written to {result.comparison} (comparison.md, comparison.png)")
    else:
        say(f"nothing changed: the runs and the comparison in {result.comparison} are up to date")


def _print_metrics(metrics: dict, *, wide: bool) -> None:
    """The results table on stdout: the key scores in the terminal's width, or with ``wide``
    every column (wider than the terminal if need be); its title above it and the notes below
    it are messages (:func:`say`: one line each in a pipe or a file, never split inside a
    unit on a terminal)."""
    from rich.console import Console

    from climann.evaluation.report import metrics_table, metrics_table_notes, metrics_table_title, title_units

    console = Console()
    width = None if wide else console.width
    say(metrics_table_title(metrics, width=width), whole=title_units(metrics["units"]))
    if wide:
        table = metrics_table(metrics, title=False)
        needed = console.measure(table, options=console.options.update_width(10_000)).maximum
        Console(width=max(console.width, needed)).print(table)
    else:
        console.print(metrics_table(metrics, width=console.width, notes=False, title=False))
    for line in metrics_table_notes(metrics, width=width):  # the same notes below either table
        say(line)


def _print_summary(result: Any, *, wide: bool) -> None:
    from climann.evaluation.report import ensemble_summary

    _print_metrics(result.metrics, wide=wide)
    if ensemble_summary(result.metrics):
        say(ensemble_summary(result.metrics))
    say(f"run directory: {result.run_dir}")  # a path is one word: never cut
    if result.metrics.get("regions") or result.metrics.get("seasons"):
        say(f"scores by season and region: {result.run_dir / 'report.md'}")
    for figure in result.figures:
        say(f"figure: {figure}")


def _rename_rules(rules: list[str] | None) -> dict[str, dict[str, str]] | None:
    """``["ssp585*.nc:air_temperature=tas_ssp585"]`` → ``{"ssp585*.nc": {"air_temperature": "tas_ssp585"}}``."""
    if not rules:
        return None
    parsed: dict[str, dict[str, str]] = {}
    for rule in rules:
        pattern, _, assignment = rule.rpartition(":")
        old, sign, new = assignment.partition("=")
        if not (pattern and sign and old and new):
            raise ClimannError(f"--rename '{rule}' is not of the form GLOB:OLD=NEW")
        parsed.setdefault(pattern, {})[old] = new
    return parsed


@app.command()
@reports_errors
def train(
    config: Annotated[Path | None, typer.Option(parser=user_path, metavar="<path>", help="TOML configuration file; flags override its keys.")] = None,
    data: Annotated[list[str] | None, typer.Option(help="NetCDF file or glob (repeatable); with --split-files, static fields that every block reads.")] = None,
    target: Annotated[str | None, typer.Option(help="Variable to predict.")] = None,
    predictors: Annotated[str | None, typer.Option(help="Comma-separated predictor variables; '' for none; auto (the default): every other variable on the target's grid but mostly missing ones (field mode: time-varying ones).")] = None,
    features: Annotated[str | None, typer.Option(help="Comma-separated derived features: lat,lon,season,hour,year (hour: the UTC time of day); '' for none; auto (the default): lat (pointwise mode), plus season when the time step is shorter than a year, plus hour when it is shorter than a day.")] = None,
    select: Annotated[list[str] | None, typer.Option(help="One value of an extra dimension, e.g. plev=85000 (repeatable).")] = None,
    region: Annotated[str | None, typer.Option(help="Region box south,north,west,east in degrees (west > east crosses the dateline).")] = None,
    time_range: Annotated[str | None, typer.Option(help="First,last date YYYY[-MM[-DD[THH[:MM]]]], inclusive; a negative year with its sign, as climann prints it (-0009-01).")] = None,
    months: Annotated[str | None, typer.Option(help="Calendar months to keep, e.g. 12,1,2.")] = None,
    seasons: Annotated[str | None, typer.Option(help="Seasons to keep: DJF,MAM,JJA,SON.")] = None,
    time_stride: Annotated[int | None, typer.Option(help="Keep every n-th time step.")] = None,
    grid_stride: Annotated[int | None, typer.Option(help="Keep every n-th latitude and longitude.")] = None,
    sample_fraction: Annotated[float | None, typer.Option(help="Seeded random fraction of the training block's samples to keep (val and test are scored on every value).")] = None,
    lags: Annotated[list[str] | None, typer.Option(help="Lagged features VAR=K,K (time steps), e.g. tas=1,12 (repeatable).")] = None,
    global_means: Annotated[str | None, typer.Option(help="Variables whose area-weighted global mean is a feature.")] = None,
    regional_means: Annotated[list[str] | None, typer.Option(help="Area-weighted mean over a box as a feature: VAR=S,N,W,E, e.g. tos=-5,5,190,240 (repeatable).")] = None,
    anomalies: Annotated[str | None, typer.Option(help="Variables whose anomaly from the training climatology is a feature.")] = None,
    target_anomaly: Annotated[bool | None, typer.Option("--target-anomaly/--no-target-anomaly", help="Learn the target minus its training climatology; predictions add it back.")] = None,
    mode: Annotated[str | None, typer.Option(help="pointwise (a sample per cell and time) or field (a map per time).")] = None,
    split_gap_years: Annotated[int | None, typer.Option(help="Years left out between train, val and test.")] = None,
    split_files: Annotated[list[str] | None, typer.Option(help="Split by dataset: BLOCK=GLOB[,GLOB] for train, val and test, e.g. test=ssp585_*.nc (repeatable).")] = None,
    rename: Annotated[list[str] | None, typer.Option(help="Rename in matching files: 'GLOB:OLD=NEW' (repeatable).")] = None,
    overlap: OverlapOption = None,
    out: Annotated[Path | None, typer.Option(parser=user_path, metavar="<path>", help="Run directory [default: runs/<config name> or runs/default].")] = None,
    epochs: Annotated[int | None, typer.Option(help="Passes over the training data.")] = None,
    hidden: Annotated[str | None, typer.Option(help="Hidden layer widths, e.g. 64,64.")] = None,
    activation: Annotated[str | None, typer.Option(help="Hidden activation, e.g. relu, tanh.")] = None,
    learning_rate: Annotated[float | None, typer.Option(help="Gradient-descent step size λ.")] = None,
    batch_size: Annotated[int | None, typer.Option(help="Samples per mini-batch.")] = None,
    seed: Annotated[int | None, typer.Option(help="Seed of initialisation and shuffling.")] = None,
    optimizer: Annotated[str | None, typer.Option(help="sgd, momentum, nesterov, rmsprop, adam or adamw.")] = None,
    loss: Annotated[str | None, typer.Option(help="Training loss: mse, mae or huber.")] = None,
    schedule: Annotated[str | None, typer.Option(help="Learning-rate schedule: constant, step, exponential, cosine, reduce_on_plateau.")] = None,
    early_stopping_patience: Annotated[int | None, typer.Option(help="Stop after N epochs without a better validation loss (0: off).")] = None,
    l2: Annotated[float | None, typer.Option(help="L2 penalty on the weights.")] = None,
    area_weighted: Annotated[bool | None, typer.Option("--area-weighted/--no-area-weighted", help="Weight the loss by cell area.")] = None,
    workers: Annotated[int | None, typer.Option(help="Train on a local dask cluster of N worker processes.")] = None,
    scheduler: Annotated[str | None, typer.Option(help="Train on the dask cluster of this scheduler, e.g. tcp://host:8786.")] = None,
    set_values: Annotated[list[str] | None, typer.Option("--set", help="Any config key: SECTION.KEY=VALUE (TOML value), repeatable.")] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace the climann run in --out (only its own files; anything else there is refused); with --resume, start that run again from its first epoch with its recorded settings.")] = False,
    resume: Annotated[Path | None, typer.Option(parser=user_path, metavar="<path>", help="Continue the unfinished run in this directory from its checkpoint (with its recorded config).")] = None,
    checkpoint_every: Annotated[int | None, typer.Option(help="Save a checkpoint every N epochs (0: only when interrupted).")] = None,
    ensemble: Annotated[int | None, typer.Option(help="Train N networks with seeds seed…seed+N−1; predictions are their mean, predictions.nc gets their spread (in memory only; not resumable).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors, warnings and the run directory.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also print the data summary and each phase with its time.")] = False,
    wide: WideOption = False,
) -> None:
    """Train the network and write a run directory (config, model, metrics, predictions, figures).

    Progress goes to stderr: bars on a terminal, else one line per epoch. The run directory
    also gets train.log (phases, data summary, epochs) and provenance.json (command line,
    versions, input checksums, git commit).

    Example: climann train --data data/sample.nc --target tas --predictors rsdt,orog --epochs 10
    """
    from climann.workflow.progress import NORMAL, QUIET, VERBOSE, terminal_display

    if quiet and verbose:
        raise ClimannError("--quiet and --verbose exclude each other")

    if resume and out and out.resolve() != resume.resolve():
        raise ClimannError(f"--resume {resume} continues the run in {resume}; leave out --out {out}")
    from climann.workflow.interrupts import Terminated, signal_number

    result = None
    try:
        # The spinner turns first: importing the pipeline (xarray, dask, matplotlib) takes seconds.
        with terminal_display(QUIET if quiet else VERBOSE if verbose else NORMAL, status="starting") as progress:
            from climann.workflow.config import (
                build_config,
                load_config_file,
                merge_settings,
                parse_assignments,
                refuse_config_without_data,
                refuse_conflicting_assignments,
            )

            if resume:
                from climann.workflow.checkpoints import recorded_settings
            file_settings = load_config_file(config) if config else {}
            settings = file_settings if config else recorded_settings(resume) if resume else {}
            overrides = {
                "data": {
                    "paths": data or None, "target": target, "predictors": predictors, "features": features,
                    "select": select or None, "region": region, "time_range": time_range, "months": months,
                    "seasons": seasons, "time_stride": time_stride, "grid_stride": grid_stride,
                    "sample_fraction": sample_fraction, "lags": lags or None, "global_means": global_means,
                    "split_gap_years": split_gap_years, "rename": _rename_rules(rename),
                    "regional_means": regional_means or None, "split_files": split_files or None,
                    "anomalies": anomalies, "mode": mode, "overlap": overlap,
                    "target_anomaly": target_anomaly,
                },
                "model": {"hidden": hidden, "activation": activation},
                "training": {
                    "epochs": epochs, "learning_rate": learning_rate, "batch_size": batch_size, "seed": seed,
                    "optimizer": optimizer, "loss": loss, "schedule": schedule, "l2": l2,
                    "early_stopping_patience": early_stopping_patience, "area_weighted": area_weighted,
                    "checkpoint_every": checkpoint_every, "ensemble": ensemble,
                },
                "compute": _cluster_overrides(workers, scheduler),
            }
            assigned = parse_assignments(set_values or [])
            # the flags as typed: --workers replacing a scheduler (and --scheduler workers) is no conflict
            refuse_conflicting_assignments(assigned, {**overrides, "compute": {"workers": workers, "scheduler": scheduler}},
                                           flag_names={"data.paths": "--data"})
            settings = merge_settings(merge_settings(settings, assigned), overrides)
            if config:
                refuse_config_without_data(settings, config)
            from climann.workflow.default_target import check_default_target, refuse_default_target_first

            proposal = refuse_default_target_first(settings)
            resolved = build_config(settings)
            if config:
                from climann.workflow.config_paths import check_config_file_paths

                check_config_file_paths(file_settings, config, [resolved])
            check_default_target(resolved, settings, proposal=proposal)
            # imported once the configuration is valid: a mistaken flag is told at once, not after
            # seconds of importing xarray, dask and matplotlib
            from climann.workflow.pipeline import run_training

            run_dir = resume or out or Path("runs") / (config.stem if config else "default")
            result = run_training(
                resolved,
                run_dir=run_dir,
                overwrite=overwrite,
                command_line=shlex.join(["climann", *sys.argv[1:]]),
                progress=progress,
                resume=resume is not None,
            )
        if quiet:
            say(f"run directory: {result.run_dir}")
        else:
            _print_summary(result, wide=wide)
    except (KeyboardInterrupt, Terminated) as stopped:  # once the run is written, a signal says so (break36b B1)
        if result is None:
            raise
        from climann.workflow.checkpoints import written_run_interrupted

        raise written_run_interrupted(result.run_dir, signal_number(stopped)) from None


config_app = typer.Typer(
    help="Write a commented configuration template, or print a resolved configuration.",
    rich_markup_mode=None,
)
app.add_typer(config_app, name="config")


@config_app.command("init")
@reports_errors
def config_init(
    path: Annotated[Path, typer.Argument(parser=user_path, metavar="FILE", help="TOML file to write ('-': print it).")] = Path("climann.toml"),
    overwrite: Annotated[bool, typer.Option(help="Replace an existing file.")] = False,
) -> None:
    """Write a TOML template listing every key with its default and what it means.

    Example: climann config init experiments/mine.toml
    """
    from climann.workflow.config_template import config_template, write_config_template

    if str(path) == "-":
        typer.echo(config_template(), nl=False)
        return
    say(f"wrote {write_config_template(path, overwrite=overwrite)}")


@config_app.command("show")
@reports_errors
def config_show(
    path: Annotated[Path | None, typer.Argument(parser=user_path, metavar="FILE", help="TOML configuration file [default: the defaults].")] = None,
    set_values: Annotated[list[str] | None, typer.Option("--set", help="Any config key: SECTION.KEY=VALUE (TOML value), repeatable.")] = None,
) -> None:
    """Validate a configuration and print it resolved: every key, defaults filled in, --set applied.

    Example: climann config show experiments/pointwise-tas.toml --set training.epochs=5
    """
    from climann.workflow.config import build_config, config_to_toml, load_config_file, merge_settings, parse_assignments

    settings = load_config_file(path) if path else {}
    resolved = build_config(merge_settings(settings, parse_assignments(set_values or [])))
    typer.echo(config_to_toml(resolved), nl=False)


def _interrupted(stopped: BaseException) -> int:
    """Say that ``stopped`` (SIGTERM or SIGHUP as ``Terminated``, SIGINT as ``KeyboardInterrupt``)
    ended the command; its exit code, 128 + the signal's number."""
    from climann.workflow.interrupts import Terminated, signal_number

    _say_interrupted(f"interrupted by {stopped}" if isinstance(stopped, Terminated) else "interrupted by SIGINT")
    return 128 + signal_number(stopped)


#: Options other tools spell so, for the commands with ``--quiet`` → what climann has instead.
_QUIET_SPELLINGS = ("--no-progress", "--no-progress-bar")  # click itself suggests --quiet for --silent
_QUIET_COMMANDS = {"train": "the progress and the results table", "sweep": "the training progress and the table",
                   "evaluate": "the spinner and the results table"}


def _usage_hint(error: Any) -> str:
    """The way out of a usage error the shell made, after click's message: words it split.

    Extra words that are files are a glob the shell expanded (``--data data/*.nc`` unquoted),
    where an option takes one value each. Any other extra word is named with the value it
    followed, which the shell split at a space (``--select plev=500 hPa``): quoted, it is one.
    An option named as other tools name it (``--no-progress``) is given climann's (``--quiet``).
    """
    given = sys.argv[1:]
    message = error.format_message()
    command = next((word for word in given if not word.startswith("-")), "")
    unknown = message.removeprefix("No such option: ").split()[0] if message.startswith("No such option") else ""
    if unknown in _QUIET_SPELLINGS and command in _QUIET_COMMANDS:
        return f"; {command} --quiet (-q) leaves out {_QUIET_COMMANDS[command]}"
    extra = _extra_words(message)
    if not extra:
        return ""
    if all(Path(word).exists() for word in extra):
        if any(a == "--data" or a.startswith("--data=") for a in given):
            return ("; --data takes one file or glob each: quote the glob so that climann expands it "
                    "(--data 'data/*.nc') or repeat the option (--data a.nc --data b.nc)")
        return ""
    word = next(word for word in extra if not Path(word).exists())
    split = _split_value(word, given, getattr(error, "ctx", None))
    if split is None:
        return (f"; '{word}' is neither an option nor its value: remove it, or quote the value it belongs to "
                "if it holds a space, so that the shell passes it as one word (--select 'plev=500 hPa')")
    option, value = split
    repeated = _repeated_option(option, value, word, given, extra, getattr(error, "ctx", None))
    if repeated:
        # two quoted globs after one --data, told to be quoted together, matched nothing (break46c A2)
        each = "KEY=VALUE" if _is_assignment(value) else "file, folder or glob"
        return (f"; {option} takes one {each} each (the shell gave {' '.join(map(shlex.quote, extra))} to no "
                f"option): repeat it, {repeated}")
    if _names_files(value) and _names_files(word):  # two globs quoted as one match nothing (break46c A2)
        return (f"; '{word}' follows {option} {value}: {option} takes one file, folder or glob each: repeat it "
                f"({option} {shlex.quote(value)} {option} {shlex.quote(word)}); otherwise remove '{word}'")
    return (f"; '{word}' follows {option} {value}: a value with a space must be quoted so that the shell "
            f"passes it as one word ({option} {shlex.quote(f'{value} {word}')}); otherwise remove '{word}'")


def _extra_words(message: str) -> list[str]:
    """The words of click's "Got unexpected extra argument(s) (a b)", or none."""
    import re

    found = re.search(r"unexpected extra argument(?:s|\(s\))? \((.*)\)$", message)
    return found.group(1).split() if found else []


def _split_value(word: str, given: list[str], context: Any) -> tuple[str, str] | None:
    """The option and the value that ``word`` came after on the command line
    (``--select plev=500 hPa`` or ``--select=plev=500 hPa``), or None (after a flag, first)."""
    if word not in given[1:]:
        return None
    before = given[: given.index(word, 1)]
    if before[-1].startswith("--") and "=" in before[-1]:
        option, value = before[-1].split("=", 1)
        return option, value
    if len(before) >= 2 and _takes_a_value(before[-2], context) and not _takes_a_value(before[-1], context):
        return before[-2], before[-1]
    return None


def _repeated_option(option: str, value: str, word: str, given: list[str], extra: list[str], context: Any) -> str:
    """``--split-files train=a.nc --split-files val=b.nc`` for ``--split-files train=a.nc val=b.nc``:
    the words after the value of a repeatable option that are each KEY=VALUE, as the option
    takes them (one per option; quoted together they are one value, ``val`` inside ``train``'s
    glob: rerun42 N4), or that each name files (``--data 'a/*.nc' 'b/*.nc4'``: quoted together,
    one glob that matches nothing, break46c A2); ``""`` when the option is not repeatable or the
    words are neither."""
    command = getattr(context, "command", None)
    parameter = next((p for p in getattr(command, "params", ()) if option in p.opts), None)
    if parameter is None or not getattr(parameter, "multiple", False):
        return ""
    following = []  # ``word`` (the first extra word, after ``value``) and the extra words after it
    for token in given[given.index(word, 1):]:
        if token not in extra:
            break
        following.append(token)
    tokens = [value, *following]
    if not following or not (all(map(_is_assignment, tokens)) or all(map(_names_files, tokens))):
        return ""
    return " ".join(f"{option} {shlex.quote(token)}" for token in tokens)


def _names_files(token: str) -> bool:
    """Whether ``token`` names input files as ``--data`` reads it: a file or folder there, or a glob
    that matches one (``'data/regridded/*.nc4'``, quoted so that the shell left it to climann)."""
    try:
        return bool(matched_paths(token))
    except OSError:  # a name too long to look up names nothing
        return False


def _is_assignment(token: str) -> bool:
    """``val=b.nc``, ``number=2``: a KEY=VALUE word (a key of letters, digits, ``_``, ``.`` and ``-``)."""
    key, sign, _ = token.partition("=")
    return bool(sign) and bool(key) and all(c.isalnum() or c in "_.-" for c in key)


def _takes_a_value(token: str, context: Any) -> bool:
    """Whether ``token`` is an option of the command that takes a value (not a flag)."""
    command = getattr(context, "command", None)
    for parameter in getattr(command, "params", ()):
        if token in (*parameter.opts, *parameter.secondary_opts):
            return getattr(parameter, "param_type_name", "") == "option" and not parameter.is_flag \
                and not getattr(parameter, "count", False)
    return command is None and token.startswith("--")


def main() -> None:
    """Console-script entry point: usage errors as one line with exit code 2.

    Typer may vendor its own copy of click, so click's exceptions are recognised by what
    they carry (``exit_code`` and ``format_message``), not by class. SIGTERM and SIGHUP
    end any command through its ``finally`` blocks (no temporary file left), with exit
    code 128 + the signal's number.
    """
    from climann.workflow.interrupts import Terminated, interruption_behind, signals_raise

    _interruptions_said.clear()
    try:
        with signals_raise():
            code = app(standalone_mode=False)
        if code == 128 + signal.SIGINT and not _interruptions_said:  # typer's own catch of a SIGINT
            code = _interrupted(KeyboardInterrupt())
    except Terminated as stopped:
        code = _interrupted(stopped)
    except Exception as error:  # noqa: BLE001 — the last line of defence: one line each
        # a signal inside an import arrives as an ImportError raised from it
        stopped = interruption_behind(error)
        if stopped is not None:
            code = _interrupted(stopped)
        elif hasattr(error, "format_message") and hasattr(error, "exit_code"):
            say(f"climann: error: {error.format_message()}{_usage_hint(error)}", err=True)
            code = error.exit_code
        elif type(error).__name__ == "Abort":  # click's wrapper of KeyboardInterrupt
            code = _interrupted(KeyboardInterrupt())
        elif os.environ.get("CLIMANN_DEBUG"):
            raise
        else:
            say(
                f"climann: unexpected error: {type(error).__name__}: {error} "
                "(set CLIMANN_DEBUG=1 for the traceback)",
                err=True,
            )
            code = 1
    if _interruptions_said:
        _without_final_collection()
    sys.exit(code or 0)


def _without_final_collection() -> None:
    """Leave every object alive now out of the garbage collection that ends the interpreter, so a
    command stopped by a signal ends once it has said so. After reading 1 096 SMOS files the process
    went on for 17 s after "interrupted by SIGTERM", collecting their datasets' objects (break50a A8,
    faulthandler: "Garbage-collecting", no Python frame); the files are only read, and the
    ``finally`` blocks that remove what the command wrote have run before the line is said."""
    import gc

    sys.stdout.flush()
    sys.stderr.flush()
    gc.freeze()  # CPython: the collection at exit skips the permanent generation
