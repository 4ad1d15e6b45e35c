"""One handle per NetCDF file: HDF5 crashes on a NetCDF-4 string variable read through a second
handle of a file that is open twice at once (Unidata/netcdf-c#2510)."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from climann.data.handles import open_netcdf, shared_manager
from climann.data.open import open_dataset
from tests.conftest import grid_dataset


def _with_member_id(path, seed=0):
    """A CMIP6 member saved by xarray after ``ds.sel(member_id="r1i1p1f1")``: a scalar NetCDF-4
    string coordinate."""
    dataset = grid_dataset(seed=seed).assign_coords(member_id="r1i1p1f1")
    dataset.to_netcdf(path, engine="netcdf4")
    return dataset


def _run(code):
    """Python in a subprocess: a segmentation fault must not take the test runner with it."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)


def test_a_file_opened_while_open_read_and_closed_opens_again(tmp_path):
    """The sequence HDF5 crashes on: one dataset kept open, a second opened, its string read
    and closed, a third opened (exit 139 when each opens a handle of its own)."""
    path = tmp_path / "member.nc"
    _with_member_id(path)
    result = _run(f"""
        from climann.data.handles import open_netcdf
        kept = open_netcdf({str(path)!r}, chunks={{}})
        with open_netcdf({str(path)!r}, chunks={{}}) as second:
            second["member_id"].values
        third = open_netcdf({str(path)!r}, chunks={{}})
        print(third["member_id"].item(), float(kept["tas"].sum()))
    """)
    assert result.returncode == 0, result.stderr[-2000:]
    expected = float(xr.open_dataset(path)["tas"].astype(np.float64).sum())
    member, total = result.stdout.split()
    assert member == "r1i1p1f1"
    np.testing.assert_allclose(float(total), expected, rtol=1e-6)


def test_the_datasets_of_one_file_share_one_handle(tmp_path):
    path = tmp_path / "member.nc"
    _with_member_id(path)
    assert shared_manager(path) is shared_manager(tmp_path / "." / "member.nc")
    first, second = open_netcdf(path), open_netcdf(path, chunks={})
    assert first["member_id"].item() == second["member_id"].item() == "r1i1p1f1"
    assert second.encoding["source"] == str(path.resolve())


def test_a_file_rewritten_at_the_same_path_is_read_anew(tmp_path):
    """The shared handle never serves a changed file's old contents."""
    path = tmp_path / "member.nc"
    _with_member_id(path, seed=0)
    before = open_netcdf(path)["tas"].values
    written = _with_member_id(tmp_path / "other.nc", seed=1)
    (tmp_path / "other.nc").replace(path)
    after = open_netcdf(path)["tas"].values
    np.testing.assert_array_equal(after, written["tas"].values)
    assert not np.array_equal(before, after)


def _one_step(path, day: int, seed: int) -> np.ndarray:
    """A one-day file of ``tas`` (2 × 3 cells, seeded values) with ``time_bnds`` that have no
    units of their own (CF §7.1: a boundary variable takes its coordinate's); its values."""
    values = np.random.default_rng(seed).normal(280.0, 5.0, (1, 2, 3)).astype("f4")
    xr.Dataset({"tas": (("time", "lat", "lon"), values, {"units": "K"}),
                "time_bnds": (("time", "nv"), [[day, day + 1.0]])},
               coords={"time": ("time", [day + 0.5], {"units": "days since 2001-01-01", "bounds": "time_bnds"}),
                       "lat": ("lat", [10.0, 20.0], {"units": "degrees_north"}),
                       "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})}).to_netcdf(path)
    return values


def test_a_file_is_read_once_by_its_header_and_its_data(tmp_path, monkeypatch):
    """fix43c: the header (undecoded) and the data (decoded, in dask's chunks) of a file were two
    readings of its variables and attributes; now one, each opening decoding its own copies: the
    header keeps the file's attributes after the data's decoding gave its time bounds their
    coordinate's units, and a file rewritten at its path is read again."""
    from xarray.backends import NetCDF4DataStore

    from climann.data.notes import forget_notes

    forget_notes()  # a new run: nothing kept of an earlier one
    reads = []
    read = NetCDF4DataStore.get_variables
    monkeypatch.setattr(NetCDF4DataStore, "get_variables", lambda store: reads.append(store._filename) or read(store))
    path = tmp_path / "tas_20010101.nc"
    written = _one_step(path, day=0, seed=0)

    data = open_netcdf(path, chunks="auto")
    header = open_netcdf(path, decode_cf=False, chunks={})
    assert len(reads) == 1
    assert data["time_bnds"].encoding["units"] == "days since 2001-01-01"  # xarray's decoding, of its own copy
    assert "units" not in header["time_bnds"].attrs and header["time"].attrs["units"] == "days since 2001-01-01"
    np.testing.assert_array_equal(data["tas"].values, written)
    np.testing.assert_array_equal(header["time_bnds"].values, [[0.0, 1.0]])

    rewritten = _one_step(tmp_path / "other.nc", day=0, seed=1)
    (tmp_path / "other.nc").replace(path)
    np.testing.assert_array_equal(open_netcdf(path, chunks="auto")["tas"].values, rewritten)
    assert len(reads) == 2


def test_a_plain_header_is_read_once_per_file_and_run(tmp_path, monkeypatch):
    """fix55c: the bounds advice read each file's undecoded header eight times (960 of climann info's 1 200
    openings of 120 daily files). plain_header reads it once per unchanged file and run, gives each caller its
    own attributes and the file's values as stored (time as numbers, no mask), and reads a file rewritten at its
    path, or asked for in a new run, again."""
    from climann.data import shared_handles
    from climann.data.notes import forget_notes

    forget_notes()
    opened = []
    real = shared_handles.open_plain
    monkeypatch.setattr(shared_handles, "open_plain", lambda path, **options: opened.append(options) or real(path, **options))
    path = tmp_path / "tas_20010101.nc"
    written = _one_step(path, day=3, seed=0)

    first = shared_handles.plain_header(path)
    first["time"].attrs["units"] = "changed by its caller"
    second = shared_handles.plain_header(tmp_path / "." / path.name)
    assert opened == [{"decode_cf": False}]
    assert second["time"].attrs["units"] == "days since 2001-01-01"
    np.testing.assert_array_equal(second["time"].values, [3.5])  # undecoded: the stored number of days
    np.testing.assert_array_equal(second["tas"].values, written)

    rewritten = _one_step(tmp_path / "other.nc", day=3, seed=1)
    (tmp_path / "other.nc").replace(path)
    np.testing.assert_array_equal(shared_handles.plain_header(path)["tas"].values, rewritten)
    assert len(opened) == 2
    forget_notes()
    shared_handles.plain_header(path)
    assert len(opened) == 3


def test_files_read_once_keep_arrays_of_their_own(tmp_path):
    """Each file's arrays keep dask keys of their own (dask's token of the file's store, which
    must name the file): the files combined read each its own values, compared with xarray's
    reading of each file alone."""
    files = [tmp_path / f"tas_2001010{day + 1}.nc" for day in range(4)]
    written = np.concatenate([_one_step(path, day=day, seed=day) for day, path in enumerate(files)])
    for path in files:  # the headers first, as a run reads them
        open_netcdf(path, decode_cf=False, chunks={})
    datasets = [open_netcdf(path, chunks="auto") for path in files]
    assert len({dataset["tas"].data.name for dataset in datasets}) == len(files)
    np.testing.assert_array_equal(open_dataset(files)["tas"].values, written)
    for path, values in zip(files, written, strict=True):
        with xr.open_dataset(path) as alone:
            np.testing.assert_array_equal(alone["tas"].values[0], values)


#: Predictors named so that no listing but the sorted one is likely to put them in name order.
_STORE_PREDICTORS = ("rsdt", "clt", "zg500", "hurs", "psl", "evspsbl", "uas", "pr")


def _store_with_and_without_consolidated_metadata(tmp_path, zarr_format):
    """One store written twice by xarray: consolidated, and with its consolidated metadata removed
    (a Pangeo CMIP6 store copied without ``.zmetadata``), predictors defined out of name order."""
    rng = np.random.default_rng(3)
    dataset = grid_dataset(n_years=2)[["tas"]]
    for name in _STORE_PREDICTORS:
        dataset[name] = dataset["tas"] + rng.normal(0.0, 1.0, dataset["tas"].shape).astype(np.float32)
        dataset[name].attrs = {"units": "1"}
    consolidated, bare = tmp_path / "consolidated.zarr", tmp_path / "bare.zarr"
    dataset.to_zarr(consolidated, consolidated=True, zarr_format=zarr_format)
    dataset.to_zarr(bare, consolidated=True, zarr_format=zarr_format)
    if zarr_format == 2:
        (bare / ".zmetadata").unlink()
    else:
        import zarr

        root = bare / "zarr.json"
        metadata = json.loads(root.read_text())
        metadata.pop("consolidated_metadata")
        root.write_text(json.dumps(metadata))
        assert zarr.open_group(bare, mode="r").metadata.consolidated_metadata is None
    return consolidated, bare


@pytest.mark.filterwarnings("ignore:Consolidated metadata is currently not part:UserWarning")
@pytest.mark.parametrize("zarr_format", [pytest.param(2, id="zarr-v2"), pytest.param(3, id="zarr-v3")])
def test_a_store_gives_the_same_default_predictors_with_and_without_consolidated_metadata(tmp_path, zarr_format):
    """break29b A8: without ``.zmetadata`` zarr lists a store's arrays in the file system's order,
    and the default predictors (hence the network's inputs and its scores) followed it. A store
    has no definition order: its variables are read in the order of their names."""
    pytest.importorskip("zarr")
    from climann.workflow.config import build_config
    from climann.workflow.preparation import resolve_default_inputs, resolve_inputs

    def predictors(store):
        config = build_config({"data": {"paths": [str(store)], "target": "tas", "features": []}})
        return list(resolve_default_inputs(resolve_inputs(config)).data.predictors)

    consolidated, bare = _store_with_and_without_consolidated_metadata(tmp_path, zarr_format)
    assert predictors(bare) == predictors(consolidated) == sorted(_STORE_PREDICTORS)
    assert list(open_dataset([bare]).data_vars) == list(open_dataset([consolidated]).data_vars) == sorted(
        ("tas", *_STORE_PREDICTORS))


def _open_dataset_calls():
    """Each ``xr.open_dataset``/``xarray.open_dataset``/``open_mfdataset`` call in climann's code (not in the text
    of a printed line): (module, line, its engine keyword's value or None)."""
    import ast
    from pathlib import Path

    import climann

    root = Path(climann.__file__).parent
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("open_dataset", "open_mfdataset")
                    and isinstance(node.func.value, ast.Name) and node.func.value.id in ("xr", "xarray")):
                engine = next((keyword.value.value for keyword in node.keywords if keyword.arg == "engine"
                               and isinstance(keyword.value, ast.Constant)), None)
                yield str(path.relative_to(root.parent)), node.lineno, engine


def test_no_module_opens_a_netcdf_file_with_a_handle_of_its_own():
    """break43d A5: the averaging advice of new data opened the input with xr.open_dataset, a second handle beside
    the run's shared one, and predict died with a segmentation fault on a COSMOS-UK file's scalar string. Every
    NetCDF file is opened through its one handle (open_netcdf, or open_input for any input); xarray's own opening
    is left only to the stores of other engines (the shared store itself, Zarr, cfgrib's GRIB)."""
    calls = list(_open_dataset_calls())
    assert any(engine == "store" for _, _, engine in calls)  # the walk finds calls: handles.open_netcdf's own
    assert [(module, line) for module, line, engine in calls if engine not in ("store", "zarr", "cfgrib")] == []


def _read_nothing_whole(monkeypatch):
    """Files read lazily, as files too large to be read at their first opening are (fix50e)."""
    from climann.data import handles

    monkeypatch.setattr(handles, "_READ_WHOLE_BYTES", -1)
    monkeypatch.setattr(handles, "_READ_AT_ONCE_BYTES", -1)


def _open_netcdf_files(under) -> list[str]:
    """The files under ``under`` this process holds open (psutil: the descriptors of /proc/PID/fd)."""
    import psutil

    return sorted(Path(file.path).name for file in psutil.Process().open_files() if str(under) in file.path)


def test_small_files_hold_no_handle_once_read(tmp_path):
    """Issue 15 (fix50e): each file's header, read by the first check of undated files, kept its
    handle open for the whole command, 1.1 MB of HDF5's state each: 1 096 daily OISST files of
    14 kB of values each, 4.9 GB resident for ``climann info``. Thirty one-step files: their
    headers and their data combined, no file is left open, and the values are each file's own
    (xarray's reading of each file alone)."""
    from climann.data.open import check_files_of_one_simulation, check_undated_files

    paths = [tmp_path / f"tas_200101{day + 1:02d}.nc" for day in range(30)]
    for day, path in enumerate(paths):
        _one_step(path, day=day, seed=day)
    check_undated_files(paths)
    check_files_of_one_simulation(paths)
    assert _open_netcdf_files(tmp_path) == []
    combined = open_dataset(paths)
    values = combined["tas"].values
    assert _open_netcdf_files(tmp_path) == []
    for path, step in zip(paths, values, strict=True):
        with xr.open_dataset(path) as alone:
            np.testing.assert_array_equal(step, alone["tas"].values[0])


def test_a_file_too_large_to_read_whole_keeps_its_handle_and_its_values(tmp_path):
    """A file whose values exceed what is read at the first opening (here 2 MB of ``tas``) is read
    lazily through its shared handle as before: its coordinates read at once, its values each time."""
    from climann.data.handles import _READ_WHOLE_BYTES

    path = tmp_path / "tas.nc"
    values = np.random.default_rng(5).normal(280.0, 5.0, (1, 512, 1024)).astype("f4")
    assert values.nbytes > _READ_WHOLE_BYTES
    xr.Dataset({"tas": (("time", "lat", "lon"), values)},
               coords={"time": [0.0], "lat": np.linspace(-89.0, 89.0, 512), "lon": np.arange(1024.0)}).to_netcdf(path)
    dataset = open_netcdf(path, chunks={})
    assert _open_netcdf_files(tmp_path) == ["tas.nc"]
    np.testing.assert_array_equal(dataset["tas"].values, values)


def test_an_opening_that_changes_its_values_leaves_the_next_openings_alone(tmp_path):
    """A small file's values are read once: each opening gets its own copy, as each read of the
    file gave arrays of their own."""
    path = tmp_path / "tas_20010101.nc"
    written = _one_step(path, day=0, seed=0)
    first = open_netcdf(path, decode_cf=False)
    first["tas"].values[...] = 0.0
    np.testing.assert_array_equal(open_netcdf(path, decode_cf=False)["tas"].values, written)
    np.testing.assert_array_equal(open_netcdf(path)["tas"].values, written)


def test_files_beyond_xarrays_cache_of_handles_stay_open(tmp_path, monkeypatch):
    """fix45j (break45c A6): with more files than xarray's cache of open handles
    (``file_cache_maxsize``) held, the least recently used was closed at each opening of another,
    and each file was opened again at each read: 12 760 openings for 200 files in one
    ``climann info``. Twelve files read in turn, the cache holding four: every file's handle is
    still open after the last read (before: the last four only), so the next read opens none.
    The files stand for files too large to be read whole at their first opening (fix50e)."""
    from xarray.backends.file_manager import FILE_CACHE

    _read_nothing_whole(monkeypatch)

    paths = [tmp_path / f"tas_{day:02d}.nc" for day in range(12)]
    written = [_one_step(path, day=day, seed=day) for day, path in enumerate(paths)]
    with xr.set_options(file_cache_maxsize=4):
        for path, values in zip(paths, written, strict=True):
            np.testing.assert_array_equal(open_netcdf(path, chunks={})["tas"].values, values)
        assert [path.name for path in paths if shared_manager(path)._key in FILE_CACHE] == [path.name for path in paths]
        assert xr.get_options()["file_cache_maxsize"] >= 12 + 32


def test_the_cache_of_handles_leaves_file_descriptors_for_the_rest(tmp_path, monkeypatch):
    """Under a soft limit of open files that cannot be raised, the cache keeps 256 descriptors
    free: files beyond are closed and reopened as before, never "too many open files"."""
    import resource

    from climann.data import shared_handles

    monkeypatch.setattr(resource, "getrlimit", lambda kind: (300, 300))
    monkeypatch.setattr(resource, "setrlimit", lambda kind, limits: pytest.fail("raised beyond the hard limit"))
    with xr.set_options(file_cache_maxsize=4):
        shared_handles._room_in_the_file_cache(200)
        assert xr.get_options()["file_cache_maxsize"] == 300 - 256


def test_the_cache_of_handles_holds_no_more_than_its_share_of_memory(tmp_path, monkeypatch):
    """fix46e: each open handle holds about 1.1–1.3 MB of HDF5's state of its file, and fix45j's
    cache held every file of the run (10 000 files ~ 11 GB). With memory for ten handles in
    the cache's eighth of the available memory (8 × 10 × 1.5 MiB, plus less than one more), the
    cache grows to ten handles, not to the files' number: the twelve files are still read bit
    for bit, the last ten read are the ones held open, and the others are reopened when read."""
    import psutil

    from climann.data import shared_handles

    _read_nothing_whole(monkeypatch)
    available = 8 * 10 * 1.5 * 2**20 + 2**20
    monkeypatch.setattr(psutil, "virtual_memory", lambda: type("Memory", (), {"available": available})())
    monkeypatch.setattr(shared_handles, "_memory_room", None)
    _twelve_read_in_turn(tmp_path, kept=10)


def _twelve_read_in_turn(tmp_path, *, kept: int) -> None:
    """Twelve one-step files read in turn with xarray's cache asked for 4: each read equals what was
    written, the cache is sized ``kept``, the last ``kept`` files stay open and the first is reopened
    when read again, bit for bit."""
    from xarray.backends.file_manager import FILE_CACHE

    paths = [tmp_path / f"tas_{day:02d}.nc" for day in range(12)]
    written = [_one_step(path, day=day, seed=day) for day, path in enumerate(paths)]
    with xr.set_options(file_cache_maxsize=4):
        for path, values in zip(paths, written, strict=True):
            np.testing.assert_array_equal(open_netcdf(path, chunks={})["tas"].values, values)
        assert xr.get_options()["file_cache_maxsize"] == kept
        assert [path.name for path in paths if shared_manager(path)._key in FILE_CACHE] == [path.name for path in paths[12 - kept:]]
        np.testing.assert_array_equal(open_netcdf(paths[0], chunks={})["tas"].values, written[0])


def test_the_cache_of_handles_holds_a_bounded_number_whatever_the_memory(tmp_path, monkeypatch):
    """fix56c: in plenty of memory the cache grew to every file of the run, 0.75–0.85 MB of HDF5's state each
    for the whole command (365 daily 0.25° files: +0.3 GB at ``climann info``'s peak, 1 095: +0.9 GB). With
    room in memory for a thousand handles and at most six kept (``_MOST_HANDLES``), twelve files read in turn
    leave the last six open, not twelve; the first is reopened when read again, bit for bit."""
    import psutil

    from climann.data import shared_handles

    _read_nothing_whole(monkeypatch)
    monkeypatch.setattr(psutil, "virtual_memory", lambda: type("Memory", (), {"available": 8 * 1000 * 1.5 * 2**20})())
    monkeypatch.setattr(shared_handles, "_memory_room", None)
    monkeypatch.setattr(shared_handles, "_MOST_HANDLES", 6)
    _twelve_read_in_turn(tmp_path, kept=6)


def _chunked_file(path, *, values, first_day):
    """``values`` (steps × 6 × 8) as daily ``tas`` from ``first_day`` (days since 2001-01-01),
    zlib-compressed in chunks of one step (CMOR's and CDO's layout), ``lat`` and ``lon`` stored
    contiguous, written with netCDF4."""
    import netCDF4

    with netCDF4.Dataset(path, "w", format="NETCDF4") as out:
        out.createDimension("time", None), out.createDimension("lat", 6), out.createDimension("lon", 8)
        time = out.createVariable("time", "f8", ("time",))
        time.setncatts({"units": "days since 2001-01-01", "calendar": "standard", "standard_name": "time"})
        time[:] = first_day + np.arange(len(values))
        for name, axis, units in (("lat", np.linspace(-50.0, 50.0, 6), "degrees_north"),
                                  ("lon", np.arange(8) * 45.0, "degrees_east")):
            out.createVariable(name, "f8", (name,))[:] = axis
            out[name].units = units
        tas = out.createVariable("tas", "f4", ("time", "lat", "lon"), zlib=True, chunksizes=(1, 6, 8))
        tas.units = "K"
        tas[:] = values


@pytest.mark.parametrize(("steps", "cached"), [
    pytest.param(1, 0, id="one-step-file-one-chunk-none-kept"),
    pytest.param(5, 6 * 8 * 4, id="five-steps-one-chunk-of-four-bytes-a-value-kept"),
])
def test_a_shared_handle_keeps_at_most_one_decompressed_chunk_of_a_variable(tmp_path, steps, cached):
    """Issue 15 (fix52d): netCDF-C gives each chunked variable a 64 MB cache of decompressed
    chunks, kept full until the handle closes; the shared handles stay open for the run, so a
    folder of 0.5° one-step files held each file's 1.04 MB of ``tas`` twice (0.5 GB more for
    500 files). A variable stored in one chunk now keeps none, one of several chunks keeps one
    (6 × 8 float32 values); the values read are the file's."""
    path = tmp_path / "tas.nc"
    values = np.random.default_rng(steps).normal(280.0, 5.0, (steps, 6, 8)).astype("f4")
    _chunked_file(path, values=values, first_day=0)
    handle = shared_manager(path).acquire()
    assert handle["tas"].get_var_chunk_cache()[0] == cached
    for step in range(steps):  # read across a chunk in parts, twice: the file's values
        for _ in range(2):
            np.testing.assert_array_equal(np.concatenate([handle["tas"][step, :3], handle["tas"][step, 3:]]),
                                          values[step])


def test_many_lazily_read_files_give_the_values_of_one_joined_file(tmp_path, monkeypatch):
    """Files too large to be read whole at their first opening (here every file: the thresholds set
    below their ``tas``), read lazily through handles whose chunk caches keep nothing of one-step variables:
    ``open_dataset`` of twelve one-step files and of the same steps in one file written with
    netCDF4 hold the same values bit for bit, read whole, in parts and again."""
    from climann.data import handles

    monkeypatch.setattr(handles, "_READ_WHOLE_BYTES", 0)
    monkeypatch.setattr(handles, "_READ_AT_ONCE_BYTES", 100)  # coordinates at once, a step's 192 B of tas not
    written = np.random.default_rng(12).normal(280.0, 5.0, (12, 6, 8)).astype("f4")
    daily = [tmp_path / f"tas_{day:02d}.nc" for day in range(12)]
    for day, path in enumerate(daily):
        _chunked_file(path, values=written[day:day + 1], first_day=day)
    (tmp_path / "one").mkdir()
    _chunked_file(tmp_path / "one" / "joined.nc", values=written, first_day=0)
    many, one = open_dataset(daily), open_dataset([tmp_path / "one" / "joined.nc"])
    assert _open_netcdf_files(tmp_path) != []  # read lazily: the handles are open
    for _ in range(2):
        np.testing.assert_array_equal(many["tas"].values, written)
        np.testing.assert_array_equal(many["tas"].isel(lat=slice(2, 5)).values, written[:, 2:5])
        np.testing.assert_array_equal(many["tas"].values, one["tas"].values)
