"""Shared fixtures: tiny NetCDF files written with the conventions under test."""

from __future__ import annotations

import collections
import gc
import os
import shlex
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import cftime
import numpy as np
import pytest
import xarray as xr
import xarray.backends.netCDF4_ as netcdf4_backend
from climann.data import shell
from tests.fresh_python import bare_python, run_python, shell_python


def monthly_times(n_years: int, calendar: str, start_year: int = 2000) -> list:
    """Mid-month dates (day 15) for ``n_years`` years."""
    return [
        cftime.datetime(start_year + year, month, 15, calendar=calendar)
        for year in range(n_years)
        for month in range(1, 13)
    ]


def assert_circular_mixture(held: np.ndarray, share: np.ndarray) -> None:
    """Assert that the directions ``held`` (degrees) are, cell by cell, the circular mean of 10° with weight
    ``share`` and 350° with weight 1 − share (atan2 of the weighted sines and cosines), within 1e-6°, and
    missing exactly where ``share`` is: the check of a remapped or averaged direction whose sources were 10°
    and 350° and whose weights a 0/1 indicator remapped the same way gives (a mean as numbers gives 180°)."""
    ten, three_fifty = np.radians(10.0), np.radians(350.0)
    expected = np.degrees(np.arctan2(share * np.sin(ten) + (1 - share) * np.sin(three_fifty),
                                     share * np.cos(ten) + (1 - share) * np.cos(three_fifty))) % 360.0
    filled = np.isfinite(share)
    assert filled.sum() > 100 and ((share[filled] > 0.05) & (share[filled] < 0.95)).any()
    np.testing.assert_array_equal(np.isfinite(held), filled)
    off = np.abs((held[filled] - expected[filled] + 180.0) % 360.0 - 180.0)
    assert off.max() < 1e-6, off.max()


def grid_dataset(
    *,
    n_years: int = 3,
    n_lat: int = 4,
    n_lon: int = 6,
    calendar: str = "noleap",
    lat_descending: bool = False,
    lon_start: float = 0.0,
    names: tuple[str, str, str] = ("time", "lat", "lon"),
    seed: int = 0,
) -> xr.Dataset:
    """A small dataset where ``tas`` is a known function of ``pred`` and latitude.

    tas = 250 + 10 * pred + 0.5 * lat (K), pred ~ U(0, 1) seeded; ``static`` is a (lat, lon)
    field; ``landonly`` is NaN in the first longitude column.
    """
    rng = np.random.default_rng(seed)
    time_name, lat_name, lon_name = names
    times = monthly_times(n_years, calendar)
    spacing = 180 / n_lat
    lat = np.linspace(-90 + spacing / 2, 90 - spacing / 2, n_lat)
    if lat_descending:
        lat = lat[::-1]
    lon = lon_start + (np.arange(n_lon) + 0.5) * (360 / n_lon)
    pred = rng.uniform(0, 1, (len(times), n_lat, n_lon)).astype(np.float32)
    tas = (250 + 10 * pred + 0.5 * lat[None, :, None]).astype(np.float32)
    static = rng.uniform(0, 100, (n_lat, n_lon)).astype(np.float32)
    landonly = rng.uniform(0, 1, (len(times), n_lat, n_lon)).astype(np.float32)
    landonly[:, :, 0] = np.nan
    dims = (time_name, lat_name, lon_name)
    dataset = xr.Dataset(
        {
            "tas": (dims, tas, {"units": "K", "standard_name": "air_temperature", "long_name": "Near-Surface Air Temperature"}),
            "pred": (dims, pred, {"units": "1", "long_name": "a predictor"}),
            "static": (dims[1:], static, {"units": "m", "long_name": "a static field"}),
            "landonly": (dims, landonly, {"units": "1", "long_name": "NaN in the first column"}),
        },
        coords={
            time_name: (time_name, times, {"standard_name": "time", "axis": "T"}),
            lat_name: (lat_name, lat, {"standard_name": "latitude", "units": "degrees_north", "axis": "Y"}),
            lon_name: (lon_name, lon, {"standard_name": "longitude", "units": "degrees_east", "axis": "X"}),
        },
        attrs={"Conventions": "CF-1.8"},
    )
    dataset[time_name].encoding.update({"units": "days since 2000-01-01", "calendar": calendar})
    return dataset


def draw_no_run_figures(monkeypatch) -> None:
    """Runs in this process draw no figures (a test that never looks at them): drawn after
    the scores and the model file, they take most of a tiny run's time. Both routes: the
    in-memory one (the maps and the skill figure) and the chunked one (a streamed run's
    figures, drawn from its predictions file). The run directory imports the figure functions
    where it draws, so they are replaced in :mod:`climann.evaluation.figures`."""
    monkeypatch.setattr("climann.evaluation.figures.draw_figures", lambda *args, **kwargs: [])
    monkeypatch.setattr("climann.evaluation.figures.draw_skill_figure", lambda *args, **kwargs: [])
    monkeypatch.setattr("climann.workflow.run_directory.figures_from_file", lambda *args, **kwargs: ([], 1))


def run_written_before(run_dir: Path, destination: Path, *keys: str) -> Path:
    """A copy of the run at ``destination`` as climann wrote it before the ``model.npz``
    metadata ``keys`` were recorded (a run of an older version, which must still work)."""
    import shutil

    from climann.model import Network

    shutil.copytree(run_dir, destination)
    network = Network.load(destination / "model.npz")
    metadata = {key: value for key, value in network.metadata.items() if key not in keys}
    (destination / "model.npz").unlink()
    network.save(destination / "model.npz", metadata=metadata)
    return without_model_record(destination)


def without_model_record(run_dir: Path) -> Path:
    """``run_dir`` with its ``metrics.json`` and ``provenance.json`` as climann wrote them before
    they named their ``model.npz`` by SHA-256 (``model_sha256``, 3 Dec 2026): what a test that
    rewrites a run's ``model.npz`` as an older version wrote it must also take away, or the run
    is a mix of two (:func:`climann.run_files.mixed_run_problem`)."""
    import json

    from climann.jsonfile import dumps

    for name in ("metrics.json", "provenance.json"):
        path = run_dir / name
        if path.is_file():
            content = json.loads(path.read_text())
            content.pop("model_sha256", None)
            path.write_text(dumps(content, indent=2) + "\n")  # as climann writes them
    return run_dir


@pytest.fixture
def write_grid(tmp_path: Path):
    """Factory: ``write_grid(name="x.nc", **grid_dataset_options) -> Path``."""

    def write(name: str = "grid.nc", **options) -> Path:
        path = tmp_path / name
        grid_dataset(**options).to_netcdf(path)
        return path

    return write


#: The signals climann handles; a test that leaves one of them ignored or blocked breaks the
#: signal tests that run after it in the same worker process.
HANDLED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


#: The handlers when the session started, and the test that ran before (in this process).
_PRISTINE: dict = {}
_PREVIOUS_TEST = ["the session's start"]


@pytest.fixture
def bytes_read(monkeypatch):
    """Bytes read from the files by xarray's netCDF4 backend, by variable. The files are read as
    large files are, lazily, block by block as the checks ask (a test's tiny file would otherwise be
    read whole at its first opening, :data:`climann.data.handles._READ_WHOLE_BYTES`, and the reads
    these tests count would not be the ones a large file gets)."""
    from climann.data import handles

    monkeypatch.setattr(handles, "_READ_WHOLE_BYTES", -1)
    monkeypatch.setattr(handles, "_READ_AT_ONCE_BYTES", -1)
    read = collections.Counter()
    original = netcdf4_backend.NetCDF4ArrayWrapper._getitem

    def counted(self, key):
        values = original(self, key)
        read[self.variable_name] += np.asarray(values).nbytes
        return values

    monkeypatch.setattr(netcdf4_backend.NetCDF4ArrayWrapper, "_getitem", counted)
    return read


def pytest_sessionstart(session):
    """The tests act as a user at a terminal: Ctrl-C (SIGINT) raises KeyboardInterrupt and a
    closed terminal (SIGHUP) ends the process. A shell starts a background job (``make test
    &``) with SIGINT ignored, and ``nohup`` ignores SIGHUP; climann keeps an ignored signal
    ignored (as ``nohup`` wants), so the tests that interrupt a run with these signals would
    fail there: both get their defaults back for the session."""
    if threading.current_thread() is threading.main_thread():
        defaults = {signal.SIGINT: signal.default_int_handler, signal.SIGHUP: signal.SIG_DFL}
        for number, default in defaults.items():
            if signal.getsignal(number) == signal.SIG_IGN:
                signal.signal(number, default)
        _PRISTINE.update({number: signal.getsignal(number) for number in HANDLED_SIGNALS})
    _commands_built_once()


#: The tests that share one package-scoped fixture of their own: the local dask cluster of
#: tests/workflow/compute/conftest.py (three processes started and each importing distributed).
_ONE_WORKER_PACKAGES = ("tests/workflow/compute/",)


@pytest.hookimpl(optionalhook=True)  # an xdist hook: pytest -p no:xdist runs without it
def pytest_xdist_make_scheduler(config, log):
    """With ``-n N`` (xdist's default ``--dist load``), each test module goes to one worker, and
    the compute package's tests to one worker together: xdist's ``load`` hands out runs of
    consecutive tests in chunks that shrink towards the end, and where a chunk boundary falls
    inside a module, both workers set up that module's module-scoped fixtures (most train a run:
    seconds of CPU each), and both start a dask cluster for the compute package. Grouped, each
    is set up once; the modules are handed out largest first (xdist's ``loadfile``), which
    keeps the two workers busy to the end. Another ``--dist`` given is left as it is."""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadFileScheduling

    class ModuleScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return next((package for package in _ONE_WORKER_PACKAGES if path.startswith(package)), path)

    return ModuleScheduling(config, log)


def _commands_built_once() -> None:
    """Typer builds its click command from the app's registered commands on every call
    (``app()`` in :func:`climann.cli.main`, ``CliRunner.invoke``): ≈ 20 ms of CPU for climann's
    app, paid by each of the suite's in-process commands, where a console script builds it once
    per process. The command is kept for an app whose registered commands, groups and callback
    are the same objects (a test that replaces ``climann.cli.app``, or changes an app, gets its
    own); the click command keeps no state between invocations (each has its own context)."""
    import typer.main
    import typer.testing

    build = typer.main.get_command
    built: dict[int, tuple] = {}  # id(app) -> (app, its commands, groups and callback, the click command)

    def get_command(typer_instance):
        parts = ([*typer_instance.registered_commands], [*typer_instance.registered_groups],
                 typer_instance.registered_callback)
        kept = built.get(id(typer_instance))
        if not (kept and kept[0] is typer_instance and _same(kept[1], parts)):
            kept = built[id(typer_instance)] = (typer_instance, parts, build(typer_instance))
        return kept[2]

    typer.main.get_command = get_command
    typer.testing._get_command = get_command


def _same(kept: tuple, now: tuple) -> bool:
    """The same registered objects, one by one."""
    commands, groups, callback = kept
    return (len(commands) == len(now[0]) and all(a is b for a, b in zip(commands, now[0]))
            and len(groups) == len(now[1]) and all(a is b for a, b in zip(groups, now[1])) and callback is now[2])


def pytest_collection_finish(session):
    """The objects alive once the tests are collected (the imported libraries, every test
    module and item: 400 000 and more in a worker of the whole suite) live until the session
    ends, yet each full garbage collection during the tests traversed them all again: frozen
    (:func:`gc.freeze`, CPython's permanent generation), the collector scans only what the
    tests make. Measured with the whole suite collected, one file's tests run (the process's
    CPU): tests/evaluation/test_figures.py 24.5 s → 22.4 s (the collector 3.0 s → 1.2 s),
    tests/workflow/test_pipeline.py 11.8 s → 11.4 s (0.60 s → 0.33 s), tests/workflow/
    test_predict.py the collector 0.98 s → 0.67 s of 39 s. Nothing a test can free is frozen:
    only what exists before the first test runs."""
    gc.freeze()


#: The interpreter climann's printed Python lines name outside the tests (fix57d): the one that runs climann.
RUNNING_PYTHON = shell.advised_python


@pytest.fixture(autouse=True, scope="session")
def printed_python():
    """Climann's printed Python lines name, while the tests run, the ``python`` of
    tests.fresh_python's shell (:func:`tests.fresh_python.shell_python`, by its path, as they name
    this interpreter's by its path outside them): the same interpreter and packages, each line
    run in a child of a helper that has imported NumPy and xarray once (about a second of CPU
    saved per line run). tests/data/test_shell.py runs lines naming this interpreter itself
    (:func:`running_python`)."""
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(shell, "advised_python", shell_python)
        yield


@pytest.fixture
def running_python(monkeypatch):
    """Climann's printed Python lines name the interpreter that runs climann, as outside the tests
    (:data:`RUNNING_PYTHON`), not :func:`printed_python`'s."""
    monkeypatch.setattr(shell, "advised_python", RUNNING_PYTHON)


@pytest.fixture(autouse=True)
def signals_left_as_found(request):
    """Each test leaves the handlers of SIGINT, SIGTERM and SIGHUP, and the main thread's
    signal mask, as it found them; a test that does not fails, naming what it changed (and
    they are put back, so that the tests after it are not affected)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    handlers = {number: signal.getsignal(number) for number in HANDLED_SIGNALS}
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    if _PRISTINE and handlers != _PRISTINE:
        changed = {signal.Signals(n).name: (_PRISTINE[n], now) for n, now in handlers.items() if now != _PRISTINE[n]}
        for number, handler in _PRISTINE.items():
            if handler is not None:
                signal.signal(number, handler)
        handlers = dict(_PRISTINE)
        pytest.fail(f"signal handlers changed after {_PREVIOUS_TEST[0]} (outside any test: a fixture's "
                    f"teardown?): {changed}")
    _PREVIOUS_TEST[0] = request.node.nodeid
    yield
    changed = [f"{signal.Signals(number).name} handler {handlers[number]!r} → {signal.getsignal(number)!r}"
               for number in HANDLED_SIGNALS if signal.getsignal(number) != handlers[number]]
    now_mask = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    if now_mask != mask:
        changed.append(f"signal mask {sorted(mask)} → {sorted(now_mask)}")
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    for number, handler in handlers.items():
        if handler is not None and signal.getsignal(number) != handler:
            signal.signal(number, handler)
    if changed:
        pytest.fail("the test left " + "; ".join(changed))


def _handlers() -> dict:
    return {number: signal.getsignal(number) for number in HANDLED_SIGNALS}


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """A fixture (of any scope) whose setup leaves a handler of SIGINT, SIGTERM or SIGHUP
    changed fails there, naming itself (``signals_left_as_found`` sees only the test)."""
    before = _handlers() if threading.current_thread() is threading.main_thread() else None
    yield
    if before is not None and _handlers() != before:
        changed = {signal.Signals(n).name: (before[n], now) for n, now in _handlers().items() if now != before[n]}
        for number, handler in before.items():
            if handler is not None:
                signal.signal(number, handler)
        pytest.fail(f"the setup of fixture {fixturedef.argname!r} left signal handlers changed: {changed}")


def unwrapped_report(report: str) -> str:
    """``climann info``'s report with its comment lines wrapped at 80 columns joined again (TOML lines kept)."""
    joined: list[str] = []
    for line in report.splitlines():
        body = line[2:] if line.startswith("# ") else None
        previous = joined[-1][2:] if joined and joined[-1].startswith("# ") else None
        if body is not None and previous is not None and body.strip() and previous.strip() and (
                len(body) - len(body.lstrip(" ")) >= 4 + len(previous) - len(previous.lstrip(" "))):
            joined[-1] += " " + body.strip()
        else:
            joined.append(line)
    return "\n".join(joined)


def write_user_image(path: Path, kind: str) -> bytes:
    """A user's own image at ``path`` (not climann's): ``"matplotlib"`` a figure saved by
    matplotlib as any user would (its PNG says ``Software: Matplotlib…``, as climann's
    figures did before they were marked), ``"pil"`` a PNG made by PIL with no text chunk,
    ``"jpeg"`` a photo. Returns its bytes, to check that nothing replaced it."""
    import matplotlib.pyplot as plt
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "matplotlib":
        figure, axis = plt.subplots(figsize=(2, 2))
        axis.plot([0, 1], [1, 0])
        figure.savefig(path, format="png", dpi=30)
        plt.close(figure)
    else:
        pixels = (np.random.default_rng(0).random((12, 16, 3)) * 255).astype("uint8")
        Image.fromarray(pixels).save(path, format="PNG" if kind == "pil" else "JPEG")
    return path.read_bytes()


#: The files of a finished run directory (climann.workflow.outputs.RUN_FILES).
RUN_FILE_NAMES = ("config.toml", "model.npz", "metrics.json", "history.csv", "predictions.nc", "report.md",
                  "provenance.json", "train.log")


def write_climann_file(path: Path, tag: str = "", *, made_on: str = "2026-11-30") -> bytes:
    """Write ``path``, a file of the run-directory contract, tiny but with the content climann
    gives a file of that name (what tells it from another program's file of the same name;
    model files by climann's own writer); ``tag`` makes two runs' files differ. Returns its
    bytes, to check later what replaced what. ``made_on``: the day its provenance.json and
    train.log say the run was created."""
    import json

    from climann.model import Network
    from climann.run_files import CHECKPOINT_FORMAT, MEMBERS_KIND

    path.parent.mkdir(parents=True, exist_ok=True)
    name = path.name
    if name in ("model.npz", "best_model.npz"):
        Network([1, 1], seed=0).save(path, metadata={"tag": tag})
    elif name in ("checkpoint.npz", "model_members.npz"):  # the header's mark; the training state is never read here
        header = {"format": CHECKPOINT_FORMAT} if name == "checkpoint.npz" else {"kind": MEMBERS_KIND}
        with open(path, "wb") as handle:
            np.savez(handle, **{"header" if name == "checkpoint.npz" else "metadata": np.array(
                json.dumps({**header, "format_version": 1, "tag": tag}))})
    elif name == "predictions.nc":
        xr.Dataset({"tas": ("x", [1.0])}, attrs={"source": "climann 0.1.0", "comment": tag}).to_netcdf(path)
    else:
        path.write_text({
            "config.toml": f"# climann resolved configuration: `climann train --config FILE` reruns it.\n"
                           f"# {tag}\n",
            "metrics.json": json.dumps({"target": "tas", "splits": {}, "tag": tag}),
            "provenance.json": json.dumps({"command_line": f"climann train {tag}", "created": f"{made_on}T10:00:00+00:00",
                                           "climann_version": "0.1.0"}),
            "history.csv": f"epoch,train_loss,val_loss,learning_rate\n1,0.5,0.6,0.001\n# {tag}\n",
            "report.md": f"# climann run: tas\n\n{tag}\n",
            "train.log": f"{made_on}T10:00:00.000 climann 0.1.0: climann train {tag}\n",
        }[name])
    return path.read_bytes()


def write_climann_run(run_dir: Path, tag: str = "", *, names: tuple = RUN_FILE_NAMES,
                      figures: tuple = ("map_test.png",), marked: bool = False) -> dict[str, bytes]:
    """A finished-looking climann run in ``run_dir``: the files ``names`` (:func:`write_climann_file`)
    and figures of a run's names, PNG images that differ by ``tag``. By default a run made before
    climann marked its figures (its provenance.json and train.log dated 30 Nov 2026), whose
    figures are unmarked as climann drew them then; ``marked``: a run made since (2 Dec 2026),
    whose figures carry climann's mark. Returns every file's bytes by its name relative to ``run_dir``."""
    files = {name: write_climann_file(run_dir / name, tag, made_on="2026-12-02" if marked else "2026-11-30")
             for name in names}
    for name in figures:
        files[f"figures/{name}"] = write_tagged_png(run_dir / "figures" / name, f"{tag} {name}", marked=marked)
    return files


def write_tagged_png(path: Path, tag: str, *, marked: bool) -> bytes:
    """A tiny PNG image at ``path`` whose bytes differ by ``tag`` (a ``Comment`` text chunk);
    ``marked``: it carries climann's mark (climann.evaluation.figures.style.FIGURE_MARK), else
    none, as climann drew its figures before 1 Dec 2026. Returns its bytes."""
    from PIL import Image, PngImagePlugin

    from climann.evaluation.figures.style import FIGURE_MARK

    path.parent.mkdir(parents=True, exist_ok=True)
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", tag)
    if marked:
        text.add_text(*FIGURE_MARK)
    Image.new("RGB", (2, 2), "white").save(path, format="PNG", pnginfo=text)
    return path.read_bytes()


def without_cdo(period: str, alias: str, files: str, folder: str = "with_bounds", loop: str = "") -> str:
    """The refusal's bounds without cdo (break28a A3), written out here as the user reads it:
    ``files`` the input and copy (``loop``: the files of a shell loop over several)."""
    hours, start = (12, "") if alias == "D" else (24, f".shift(1,'{alias}').shift(-1,'{alias}')")
    script = ("import sys,datetime,numpy as np,xarray as xr;d=xr.open_dataset(sys.argv[1],decode_times=xr.coders."
              "CFDatetimeCoder(use_cftime=True));"
              # the time as climann finds it, on any dimension (break51b A1)
              "c=[k for k in d.variables if d[k].ndim==1 and d[k].size and d[k].dtype.kind=='O' and "
              "hasattr(d[k].values[0],'calendar')];t=min(c,key=lambda k:(d[k].attrs.get('axis')!='T' and "
              "d[k].attrs.get('standard_name')!='time',k not in d.dims));"
              f"i=(xr.CFTimeIndex(d[t].values)+datetime.timedelta(hours={hours}*int(sys.argv[3]))).floor('D')"
              f"{start};d[t+'_bnds']=((d[t].dims[0],'bnds'),np.stack([i,i.shift(1,'{alias}')],1));"
              "d[t].attrs['bounds']=t+'_bnds';"
              "import os,shutil,numpy;p=sys.argv[2]+'.part';os.path.lexists(sys.argv[2]) and sys.exit(sys.argv[2]+"
              "' is there already: left as it is, nothing written; move it away or write another name');"
              "sys.excepthook=lambda *e:(shutil.rmtree(p,True) if "
              "os.path.isdir(p) else os.path.exists(p) and os.remove(p),sys.__excepthook__(*e));"
              # a missing_value xarray cannot write back left to the _FillValue (fix47e)
              "[v.encoding.setdefault('_FillValue', numpy.ravel(v.encoding.pop('missing_value'))[0]) for v in "
              "d.variables.values() if 'missing_value' in v.encoding and not numpy.array_equal("
              "numpy.ravel(v.encoding['missing_value']), numpy.ravel(v.encoding.get('_FillValue', numpy.nan)), "
              "equal_nan=True)];"
              "d.to_netcdf(p);os.replace(p,sys.argv[2])")  # written whole, or not at all (break44c A4)
    command = f"python -c {shlex.quote(script)} {files} 0"  # quoted as python_command quotes a script holding "!"
    command = f"( for f in {loop}; do {command} || exit 1; done )" if loop else command
    return (f" (without cdo, with xarray: `mkdir -p {folder} && {command}`, with -1 in place of the last 0 for the "
            f"{period} ending there)")


def follow_ncatted(command: str, directory) -> None:
    """Do what a printed ``ncatted -a … IN OUT`` does (NCO is not installed here), with netCDF4: a copy of IN as
    OUT with each attribute overwritten (``o``, types ``f``/``d``/``l``/``s``/``b``/``c``) or deleted (``d``)."""
    import netCDF4

    words = shlex.split(command)
    assert words[0] == "ncatted", command
    source, copy = (directory / word for word in words[-2:])
    shutil.copy(source, copy)
    with netCDF4.Dataset(copy, "a") as handle:
        for spec in words[2:-2:2]:
            attribute, variable, mode, kind, value = spec.split(",", 4)
            if mode == "d":
                handle[variable].delncattr(attribute)
                continue
            types = {"f": "f4", "d": "f8", "l": "i4", "s": "i2", "b": "i1"}  # NCO's type letters
            assert mode == "o" and (kind == "c" or kind in types), spec
            handle[variable].setncattr(attribute, value if kind == "c" else
                                       np.array([float(part) for part in value.split(",")], types[kind]))


def run_store_edit(advice: str, cwd) -> None:
    """Run the printed zarr-python line as a user pastes it (the interpreter of this test for ``python``)."""
    words = shlex.split(bare_python(advice))
    assert words[:3] == ["python", "-c", words[2]] and len(words) == 3, advice
    assert "ncatted" not in advice and "_fixed" not in advice
    run_python("-c", words[2], check=True, cwd=cwd)


#: A second process that claims PATH (argv[1]; "folder" in argv[2] for a folder), says so on
#: stdout and holds the claim until a line arrives on stdin: the test decides when it ends.
HOLDER = """
import sys
from climann.atomic import claimed_output
with claimed_output(sys.argv[1], overwrite=False, folder=sys.argv[2] == "folder"):
    print("claimed", flush=True)
    sys.stdin.readline()
"""


@pytest.fixture
def holder():

    started = []

    def start(path, *, folder=False):
        process = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), "folder" if folder else "file"],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                   env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
        started.append(process)
        assert process.stdout.readline() == "claimed\n"  # the barrier: the claim is held from here on
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.communicate("\n", timeout=60)


#: OSI SAF's polar-stereographic grid (OSI-405/455 ice drift), as its files' proj4_string gives it.
OSI_PROJ4 = "+proj=stere +a=6378273 +b=6356889.44891 +lat_0=90 +lat_ts=70 +lon_0=-45"


def ice_drift_dataset(*, n_time: int = 40, end_positions: bool = False, extra: tuple[str, ...] = (),
                      seed: int = 45) -> xr.Dataset:
    """A small OSI-405-like sea-ice drift file (break45c): ``dX``/``dY`` (km, standard names
    sea_ice_x/y_displacement) on a 6 × 5 polar-stereographic grid with fixed 2-D ``lat``/``lon``
    named in their ``coordinates`` (pyproj from :data:`OSI_PROJ4`), ERA5-like ``u10``/``v10``
    (eastward/northward) beside them; ``end_positions`` adds ``lat1``/``lon1(time, yc, xc)``, where
    each displacement ends; ``extra`` adds ``dt0`` (s), ``t0``/``t1`` (seconds since 1978) per vector."""
    import pandas as pd
    import pyproj

    rng = np.random.default_rng(seed)
    xc, yc = -1000.0 + 250.0 * np.arange(5), 1000.0 - 250.0 * np.arange(6)
    x, y = np.meshgrid(xc * 1000.0, yc * 1000.0)
    to_geographic = pyproj.Transformer.from_crs(pyproj.CRS(OSI_PROJ4), "EPSG:4326", always_xy=True)
    lon, lat = to_geographic.transform(x, y)
    shape = (n_time, *x.shape)
    dx, dy = rng.normal(0.0, 8.0, shape), rng.normal(0.0, 8.0, shape)
    times = pd.date_range("2018-01-01 12:00", periods=n_time, freq="D")
    on_grid = {"grid_mapping": "Polar_Stereographic_Grid", "coordinates": "lat lon"}
    variables = {
        "dX": (("time", "yc", "xc"), dx.astype("f4"), {**on_grid, "units": "km", "standard_name": "sea_ice_x_displacement"}),
        "dY": (("time", "yc", "xc"), dy.astype("f4"), {**on_grid, "units": "km", "standard_name": "sea_ice_y_displacement"}),
        "u10": (("time", "yc", "xc"), rng.normal(0, 5, shape).astype("f4"), {"units": "m s**-1", "standard_name": "eastward_wind"}),
        "v10": (("time", "yc", "xc"), rng.normal(0, 5, shape).astype("f4"), {"units": "m s**-1", "standard_name": "northward_wind"}),
        "Polar_Stereographic_Grid": ((), np.int32(0), {
            "grid_mapping_name": "polar_stereographic", "straight_vertical_longitude_from_pole": -45.0,
            "latitude_of_projection_origin": 90.0, "standard_parallel": 70.0, "false_easting": 0.0,
            "false_northing": 0.0, "semi_major_axis": 6378273.0, "semi_minor_axis": 6356889.44891})}
    if end_positions:
        lon1, lat1 = to_geographic.transform(x + 1000.0 * dx, y + 1000.0 * dy)
        variables["lat1"] = (("time", "yc", "xc"), lat1.astype("f4"), {**on_grid, "units": "degrees_north",
                                                                         "long_name": "latitude at end of displacement"})
        variables["lon1"] = (("time", "yc", "xc"), lon1.astype("f4"), {**on_grid, "units": "degrees_east",
                                                                         "long_name": "longitude at end of displacement"})
    since = (times - pd.Timestamp("1978-01-01")).total_seconds().to_numpy()[:, None, None]
    offsets = {"dt0": (rng.normal(0, 1800, shape), {"units": "seconds",
                                                    "long_name": "delta time for dX and dY start position"}),
               "t0": (since - 172800.0 + rng.normal(0, 1800, shape), {"units": "seconds since 1978-01-01 00:00:00",
                                                                      "long_name": "time of the start of the displacement"}),
               "t1": (since + rng.normal(0, 1800, shape), {"units": "seconds since 1978-01-01 00:00:00",
                                                           "long_name": "time of the end of the displacement"})}
    for name in extra:
        values, attrs = offsets[name]
        variables[name] = (("time", "yc", "xc"), values, {**on_grid, **attrs})
    coords = {"time": ("time", times, {"standard_name": "time"}),
              "xc": ("xc", xc, {"units": "km", "standard_name": "projection_x_coordinate", "axis": "X"}),
              "yc": ("yc", yc, {"units": "km", "standard_name": "projection_y_coordinate", "axis": "Y"}),
              "lat": (("yc", "xc"), lat, {"units": "degrees_north", "standard_name": "latitude"}),
              "lon": (("yc", "xc"), lon, {"units": "degrees_east", "standard_name": "longitude"})}
    return xr.Dataset(variables, coords=coords)


def network_on_t_by_hand(run_dir, t: np.ndarray) -> np.ndarray:
    """A run's network, trained on the one predictor ``t``, applied to ``t`` (time, lat, lon) by hand: scaled by
    the run's saved scalers, forward, unscaled (the level tests of fix55g: the predictions equal it)."""
    from climann.workflow.predict import load_run, saved_scalers

    run = load_run(run_dir)
    inputs, targets = saved_scalers(run)
    assert inputs.names == ("t",)
    features = t.reshape(-1, 1).astype(np.float64)
    return targets.inverse_transform(run.network.predict(inputs.transform(features)))[:, 0].reshape(t.shape)
