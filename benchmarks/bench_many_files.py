"""``climann info`` and ``climann train --epochs 1`` on many one-day files against the same data in one file.

Writes ``--files`` one-day files (default 730: two years) of a 13 × 24 grid (10° latitudes,
15° longitudes) holding ``tas`` and ``psl``, as ``/tmp/s39/many/mk.py`` of issue 15 does (each
file's time in ``days since`` its own day, as xarray writes it), and the same values joined into
one file. Then, each in a fresh process: ``climann info`` of the daily files and of the one file,
``climann train --target tas --epochs 1`` of each. Printed for each: wall and user seconds, peak
resident memory (the child's own ``ru_maxrss``, from ``os.wait4``) and the load average before
and after (the cores may be shared: compare runs made back to back).

Checked: both trains write the same ``metrics.json`` (the files are read as the one file is,
bit for bit) but for the model file's SHA-256 (the model file holds the run's config, which names
its paths), and both ``info`` reports are the same apart from the paths they name.

``--layout ghrsst`` (fix40e): GHRSST L4-like daily files instead, a 0.25° box of 40 × 60 cells
holding ``analysed_sst`` packed in int16 (``_FillValue`` on land) and a CF flag ``mask``, times in
seconds since 1981-01-01; trained with ``--target analysed_sst``.

``--layout osi405`` (fix45j): OSI-405-like daily sea-ice drift files written with netCDF4 (as
break45c A6's 1 097 files, whose ``info`` took 6 min 18 s user), a 50 × 50 polar-stereographic
grid (62.5 km, ``xc``/``yc`` in km, 2-D ``lat``/``lon``) holding ``dX``, ``dY`` (fill value -1e10
off the ice) and a CF ``status_flag``, each day stamped at the end of its 48-h ``time_bnds`` cell;
trained with ``--target dX``. More files than xarray's default cache of 128 open handles: before
fix45j each file's handle was closed and reopened at every read (12 760 openings for 200 files).
``--info-only`` leaves out the two trains.

``--layout half-degree`` (fix52d): daily files of a global 0.5° grid (720 × 360 cells, float32
``tas``, 1.04 MB of values each) with a realistic CMIP-like header: ``time`` in days since
1850-01-01 with ``bounds = "time_bnds"`` (each day's 24-h cell), ``lat_bnds`` and ``lon_bnds``,
global attributes; written with netCDF4, zlib level 1 in chunks of one day (as CDO and CMOR
write them). Larger than the 1 MiB a file is read whole under: every file keeps its data lazy.
Measured at N = 50, 200, 500 and 1 096 in ``docs/scaling.md`` ("Many files").

``--layout quarter-degree`` (fix56c): daily files of one float64 ``tas`` on a 0.25° regional grid
(600 × 1 250 cells, 5.7 MiB each, one step per file), as a tester's 365 files of 6 MB whose ``info``
peaked at 678 MB (more than 5 GB for 1 095; 2.8 GB before fix57b, 737 MB after). ``--peak-memory``
runs ``climann info`` alone on the first N of them for each N of ``--counts`` (default 60 and 365),
each in a fresh process, and prints its peak resident memory, user seconds per file and the load:
memory bounded by what one file needs plus small per-file metadata prints nearly the same peak for
every N.

Target (issue 15): many files of one grid within a small factor of the one file.

Run: ``python benchmarks/bench_many_files.py`` (≈ 2 × 2 min under load, less idle);
``--files 365`` halves it; ``--keep`` keeps the folder, ``--directory`` reuses one. Peak memory of
info over many files: ``--layout quarter-degree --peak-memory --files 365`` (2.1 GB of files;
about 2 + 5 min under load).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def write_files(folder: Path, n_files: int) -> tuple[str, Path]:
    """The daily files (their glob) and the one file holding the same values, in ``folder``."""
    import numpy as np
    import pandas as pd
    import xarray as xr

    daily, joined = folder / "daily", folder / "joined.nc"
    if joined.exists():
        return str(daily / "day_*.nc"), joined
    daily.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    lat, lon = np.arange(-60, 61, 10.0), np.arange(0, 360, 15.0)
    days = []
    for index, day in enumerate(pd.date_range("2001-01-01", periods=n_files, freq="D")):
        tas = (280 + 10 * np.cos(np.deg2rad(lat))[:, None] + rng.normal(size=(lat.size, lon.size))
               + 5 * np.sin(2 * np.pi * index / 365))
        psl = 101000 + 100 * rng.normal(size=tas.shape)
        dataset = xr.Dataset(
            {"tas": (("time", "lat", "lon"), tas[None].astype("f4"),
                     {"units": "K", "standard_name": "air_temperature"}),
             "psl": (("time", "lat", "lon"), psl[None].astype("f4"),
                     {"units": "Pa", "standard_name": "air_pressure_at_mean_sea_level"})},
            coords={"time": [day], "lat": ("lat", lat, {"units": "degrees_north"}),
                    "lon": ("lon", lon, {"units": "degrees_east"})})
        dataset.to_netcdf(daily / f"day_{day:%Y%m%d}.nc")
        days.append(dataset)
    one = xr.concat(days, dim="time")
    one["time"].encoding.update(units="days since 2001-01-01", calendar="proleptic_gregorian")
    one.to_netcdf(joined)
    return str(daily / "day_*.nc"), joined


def write_ghrsst_files(folder: Path, n_files: int) -> tuple[str, Path]:
    """GHRSST L4-like daily files (see the module's description) and the one file holding the
    same values, in ``folder``."""
    import numpy as np
    import pandas as pd
    import xarray as xr

    daily, joined = folder / "daily", folder / "joined.nc"
    if joined.exists():
        return str(daily / "*-GHRSST-*.nc"), joined
    daily.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    lat, lon = np.arange(40) * 0.25 + 30.125, np.arange(60) * 0.25 - 40.125
    land = (lat[:, None] > 37) & (lon[None, :] > -30)
    encoding = {"analysed_sst": {"dtype": "i2", "scale_factor": 0.01, "add_offset": 273.15,
                                 "_FillValue": np.int16(-32768)},
                "mask": {"dtype": "i1", "_FillValue": np.int8(-128)},
                "time": {"units": "seconds since 1981-01-01 00:00:00", "dtype": "i4", "calendar": "gregorian"}}
    days = []
    for index, day in enumerate(pd.date_range("2010-01-01T12", periods=n_files, freq="D")):
        sst = (290 + 5 * np.cos(np.deg2rad(lat))[:, None] + 0.1 * rng.normal(size=land.shape)
               + 3 * np.sin(2 * np.pi * index / 365))
        dataset = xr.Dataset(
            {"analysed_sst": (("time", "lat", "lon"), np.where(land, np.nan, sst)[None].astype("f4"),
                              {"units": "kelvin", "standard_name": "sea_surface_foundation_temperature",
                               "long_name": "analysed sea surface temperature"}),
             "mask": (("time", "lat", "lon"), np.where(land, 2, 1)[None].astype("i1"),
                      {"long_name": "sea/land field composite mask", "flag_masks": np.array([1, 2, 4, 8, 16], "i1"),
                       "flag_meanings": "water land optional_lake_surface sea_ice optional_river_surface"})},
            coords={"time": [day], "lat": ("lat", lat.astype("f4"), {"units": "degrees_north"}),
                    "lon": ("lon", lon.astype("f4"), {"units": "degrees_east"})})
        dataset.to_netcdf(daily / f"{day:%Y%m%d%H%M%S}-GHRSST-L4-LIKE.nc", encoding=encoding)
        days.append(dataset)
    xr.concat(days, dim="time").to_netcdf(joined, encoding=encoding)
    return str(daily / "*-GHRSST-*.nc"), joined


def write_osi405_files(folder: Path, n_files: int) -> tuple[str, Path]:
    """OSI-405-like daily drift files (see the module's description), written with netCDF4, and
    the one file holding the same values, in ``folder``."""
    import netCDF4
    import numpy as np
    import pyproj

    daily, joined = folder / "daily", folder / "joined.nc"
    if joined.exists():
        return str(daily / "ice_drift_*.nc"), joined
    daily.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    n = 50
    xc, yc = -1093.75 + 62.5 * np.arange(n), 1093.75 - 62.5 * np.arange(n)  # km, yc descending as OSI's
    proj4 = "+proj=stere +a=6378273 +b=6356889.44891 +lat_0=90 +lat_ts=70 +lon_0=-45"
    to_degrees = pyproj.Transformer.from_crs(pyproj.CRS(proj4), "EPSG:4326", always_xy=True)
    lon, lat = to_degrees.transform(*np.meshgrid(xc * 1000, yc * 1000))
    off_ice = lat < 70
    # seconds since 1978-01-01 of each 48-h cell's end, 2018-01-01 12:00 onwards
    ends = (np.datetime64("2018-01-01T12:00") - np.datetime64("1978-01-01T00:00")).astype("timedelta64[s]").astype(
        float) + 86400.0 * np.arange(n_files)
    days = np.arange(n_files)[:, None, None]
    drift = (3 * np.sin(2 * np.pi * days / 9 + xc[None, None, :] / 1500) + rng.normal(size=(n_files, n, n)),
             3 * np.cos(2 * np.pi * days / 7 + yc[None, :, None] / 1500) + rng.normal(size=(n_files, n, n)))
    fill = np.float32(-1e10)

    def write(path: Path, steps: slice) -> None:
        with netCDF4.Dataset(path, "w") as out:
            out.createDimension("time", None), out.createDimension("nv", 2)
            out.createDimension("xc", n), out.createDimension("yc", n)
            grid = out.createVariable("Polar_Stereographic_Grid", "i4")
            grid.setncatts({"grid_mapping_name": "polar_stereographic", "straight_vertical_longitude_from_pole": -45.0,
                            "latitude_of_projection_origin": 90.0, "standard_parallel": 70.0, "false_easting": 0.0,
                            "false_northing": 0.0, "semi_major_axis": 6378273.0, "semi_minor_axis": 6356889.44891})
            time = out.createVariable("time", "f8", ("time",))
            time.setncatts({"standard_name": "time", "axis": "T", "units": "seconds since 1978-01-01 00:00:00",
                            "calendar": "standard", "bounds": "time_bnds"})
            time[:] = ends[steps]
            out.createVariable("time_bnds", "f8", ("time", "nv"))[:] = np.stack(
                [ends[steps] - 172800.0, ends[steps]], axis=1)
            for name, values, axis in (("xc", xc, "X"), ("yc", yc, "Y")):
                variable = out.createVariable(name, "f8", (name,))
                variable.setncatts({"axis": axis, "units": "km",
                                    "standard_name": f"projection_{axis.lower()}_coordinate"})
                variable[:] = values
            for name, values, units in (("lat", lat, "degrees_north"), ("lon", lon, "degrees_east")):
                variable = out.createVariable(name, "f4", ("yc", "xc"))
                variable.setncatts({"standard_name": {"lat": "latitude", "lon": "longitude"}[name], "units": units})
                variable[:] = values
            for name, values in (("dX", drift[0]), ("dY", drift[1])):
                variable = out.createVariable(name, "f4", ("time", "yc", "xc"), fill_value=fill)
                variable.setncatts({"standard_name": f"sea_ice_{name[1].lower()}_displacement", "units": "km",
                                    "grid_mapping": "Polar_Stereographic_Grid", "coordinates": "lat lon"})
                variable[:] = np.where(off_ice, fill, values[steps]).astype("f4")
            flag = out.createVariable("status_flag", "i1", ("time", "yc", "xc"))
            flag.setncatts({"standard_name": "status_flag", "flag_values": np.array([2, 30], "i1"),
                            "flag_meanings": "no_ice nominal_quality", "grid_mapping": "Polar_Stereographic_Grid",
                            "coordinates": "lat lon"})
            flag[:] = np.broadcast_to(np.where(off_ice, 2, 30), (len(ends[steps]), n, n))
            out.Conventions = "CF-1.6"

    for index in range(n_files):
        write(daily / f"ice_drift_nh_polstere-625_multi-oi_{index:04d}.nc", slice(index, index + 1))
    write(joined, slice(None))
    return str(daily / "ice_drift_*.nc"), joined


def write_half_degree_files(folder: Path, n_files: int) -> tuple[str, Path]:
    """Daily files of a 0.5° global grid (see the module's description), written with netCDF4,
    and the one file holding the same values, in ``folder``."""
    import netCDF4
    import numpy as np

    daily, joined = folder / "daily", folder / "joined.nc"
    if joined.exists():
        return str(daily / "tas_day_*.nc"), joined
    daily.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    lat, lon = -89.75 + 0.5 * np.arange(360), 0.25 + 0.5 * np.arange(720)
    start = 55152.0  # 2001-01-01 in days since 1850-01-01 (proleptic Gregorian)
    days = start + np.arange(n_files)
    base = (250 + 40 * np.cos(np.deg2rad(lat))[:, None] + 0 * lon[None, :]).astype("f4")

    def field(index: int) -> np.ndarray:
        season = 10 * np.sin(2 * np.pi * index / 365.25) * np.sin(np.deg2rad(lat))[:, None]
        return (base + season + rng.normal(size=base.shape)).astype("f4")

    def create(path: Path) -> netCDF4.Dataset:
        out = netCDF4.Dataset(path, "w", format="NETCDF4")
        out.createDimension("time", None), out.createDimension("bnds", 2)
        out.createDimension("lat", lat.size), out.createDimension("lon", lon.size)
        out.setncatts({"Conventions": "CF-1.7", "title": "bench_many_files 0.5 degree daily tas",
                       "institution": "climann benchmarks", "source": "synthetic", "frequency": "day",
                       "history": "written by benchmarks/bench_many_files.py"})
        time = out.createVariable("time", "f8", ("time",))
        time.setncatts({"standard_name": "time", "long_name": "time", "axis": "T", "bounds": "time_bnds",
                        "units": "days since 1850-01-01 00:00:00", "calendar": "proleptic_gregorian"})
        out.createVariable("time_bnds", "f8", ("time", "bnds"))
        for name, values, units, axis in (("lat", lat, "degrees_north", "Y"), ("lon", lon, "degrees_east", "X")):
            variable = out.createVariable(name, "f8", (name,))
            variable.setncatts({"standard_name": {"lat": "latitude", "lon": "longitude"}[name],
                                "long_name": name, "units": units, "axis": axis, "bounds": f"{name}_bnds"})
            variable[:] = values
            out.createVariable(f"{name}_bnds", "f8", (name, "bnds"))[:] = np.stack(
                [values - 0.25, values + 0.25], axis=1)
        tas = out.createVariable("tas", "f4", ("time", "lat", "lon"), zlib=True, complevel=1,
                                 chunksizes=(1, lat.size, lon.size), fill_value=np.float32(1e20))
        tas.setncatts({"standard_name": "air_temperature", "long_name": "Near-Surface Air Temperature",
                       "units": "K", "cell_methods": "area: time: mean", "missing_value": np.float32(1e20)})
        return out

    with create(joined) as one:
        for index, day in enumerate(days):
            values = field(index)
            with create(daily / f"tas_day_{index:05d}.nc") as out:
                out["time"][:] = [day + 0.5]
                out["time_bnds"][:] = [[day, day + 1]]
                out["tas"][:] = values[None]
            one["time"][index] = day + 0.5
            one["time_bnds"][index] = [day, day + 1]
            one["tas"][index] = values
    return str(daily / "tas_day_*.nc"), joined


def write_quarter_degree_files(folder: Path, n_files: int) -> tuple[str, Path]:
    """Daily files of one float64 ``tas`` on a 0.25° regional grid (see the module's description),
    and the one file holding the same values, in ``folder``."""
    import numpy as np
    import pandas as pd
    import xarray as xr

    daily, joined = folder / "daily", folder / "joined.nc"
    if joined.exists():
        return str(daily / "tas_*.nc"), joined
    daily.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    lat, lon = -59.875 + 0.25 * np.arange(600), -179.875 + 0.25 * np.arange(1250)
    base = 280 + 10 * np.cos(np.deg2rad(lat))[:, None] + 0 * lon[None, :]
    days = pd.date_range("2001-01-01T12", periods=n_files, freq="D")
    for index, day in enumerate(days):
        values = base + 5 * np.sin(2 * np.pi * index / 365) + rng.normal(size=base.shape)
        dataset = xr.Dataset(
            {"tas": (("time", "lat", "lon"), values[None], {"units": "K", "standard_name": "air_temperature"})},
            coords={"time": [day], "lat": ("lat", lat, {"units": "degrees_north", "standard_name": "latitude"}),
                    "lon": ("lon", lon, {"units": "degrees_east", "standard_name": "longitude"})})
        dataset["time"].encoding.update(units="days since 2001-01-01", calendar="standard", dtype="f8")
        dataset.to_netcdf(daily / f"tas_{day:%Y%m%d}.nc")
    joined.touch()  # --peak-memory reads the daily files only: no joined copy of several GB
    return str(daily / "tas_*.nc"), joined


def peak_memory(pattern: str, counts: list[int], folder: Path) -> None:
    """``climann info`` of the first N daily files of ``pattern`` for each N of ``counts``, each in
    a fresh process (:func:`timed`): peak resident memory, user seconds (and per file), load."""
    import glob

    files = sorted(glob.glob(pattern))
    for count in counts:
        if count > len(files):
            raise SystemExit(f"--counts {count}: only {len(files)} files written (give --files {count})")
        chosen = folder / f"first_{count}"
        if not chosen.exists():
            chosen.mkdir()
            for path in files[:count]:
                os.link(path, chosen / Path(path).name)  # the same files, no copy
        run = timed(["info", str(chosen / "*.nc")], folder)
        print(f"info of {count:5} files: {run['rss_mb']:6.0f} MB peak, {run['user']:7.1f} s user "
              f"({1000 * run['user'] / count:5.0f} ms per file), {run['wall']:7.1f} s wall, "
              f"load {run['load'][0]:.1f} -> {run['load'][1]:.1f}")


def timed(command: list[str], cwd: Path) -> dict:
    """Run ``python -m climann`` with ``command`` in a fresh process: its wall and user seconds,
    peak resident memory (MB, the child's own: ``os.wait4``), the load average before and after,
    and what it printed."""
    load = os.getloadavg()[0]
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen([sys.executable, "-m", "climann", *command], cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0), err.seek(0)
        printed, said = out.read().decode(), err.read().decode()
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"climann {' '.join(command)} failed:\n{said[-2000:]}")
    return {"wall": wall, "user": usage.ru_utime, "rss_mb": usage.ru_maxrss / 1024,
            "load": (load, os.getloadavg()[0]), "out": printed}


def report(label: str, many: dict, one: dict) -> None:
    """One line per case, and the ratio many / one."""
    for name, run in (("many files", many), ("one file", one)):
        print(f"{label:5} {name:10}: {run['wall']:7.1f} s wall, {run['user']:7.1f} s user, "
              f"{run['rss_mb']:6.0f} MB peak, load {run['load'][0]:.1f} -> {run['load'][1]:.1f}")
    print(f"{label:5} many / one: {many['wall'] / one['wall']:.1f}x wall, {many['user'] / one['user']:.1f}x user, "
          f"{many['rss_mb'] - one['rss_mb']:+.0f} MB peak (an open handle per file was 1.1 MB of it: fix50e)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=730, help="one-day files (default 730)")
    parser.add_argument("--directory", type=Path, help="a folder to write into (or reuse); default a temporary one")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--layout", choices=("cmip", "ghrsst", "osi405", "half-degree", "quarter-degree"),
                        default="cmip",
                        help="tas and psl on 13 x 24 cells (default), GHRSST L4-like files (fix40e), "
                             "OSI-405-like drift files of 50 x 50 cells (fix45j), or 0.5 degree "
                             "global daily tas files of 720 x 360 cells (fix52d), or 0.25 degree regional "
                             "daily float64 tas files of 1250 x 600 cells (fix56c)")
    parser.add_argument("--info-only", action="store_true", help="time climann info alone, not train")
    parser.add_argument("--peak-memory", action="store_true",
                        help="climann info alone on the first N files for each N of --counts: peak memory (fix56c)")
    parser.add_argument("--counts", type=int, nargs="+", default=[60, 365], help="N of --peak-memory (default 60 365)")
    arguments = parser.parse_args()
    folder = arguments.directory or Path(tempfile.mkdtemp(prefix="bench_many_files_"))
    try:
        writer, target, holding = {
            "cmip": (write_files, "tas", "13 x 24 cells (tas, psl)"),
            "ghrsst": (write_ghrsst_files, "analysed_sst", "40 x 60 cells (analysed_sst, mask)"),
            "osi405": (write_osi405_files, "dX", "50 x 50 polar-stereographic cells (dX, dY, status_flag)"),
            "half-degree": (write_half_degree_files, "tas", "720 x 360 cells at 0.5 degrees (tas, time_bnds)"),
            "quarter-degree": (write_quarter_degree_files, "tas", "1250 x 600 cells at 0.25 degrees (tas, float64)"),
        }[arguments.layout]
        if arguments.peak_memory and arguments.layout != "quarter-degree":
            raise SystemExit("--peak-memory is of --layout quarter-degree")
        if arguments.layout == "quarter-degree" and not arguments.peak_memory:
            raise SystemExit("--layout quarter-degree is measured with --peak-memory (no joined file is written)")
        pattern, joined = writer(folder, arguments.files)
        print(f"{arguments.files} one-day files of {holding} in {folder}")
        if arguments.peak_memory:
            peak_memory(pattern, arguments.counts, folder)
            return
        info = {name: timed(["info", data], folder) for name, data in (("many", pattern), ("one", str(joined)))}
        report("info", info["many"], info["one"])
        body = {name: run["out"].split("[data]")[-1].split("\n", 2)[-1] for name, run in info.items()}
        print("info: the same config below the paths" if body["many"] == body["one"] else
              "info: THE CONFIGS DIFFER")
        if arguments.info_only:
            return
        train = {}
        for name, data in (("many", pattern), ("one", str(joined))):
            out = folder / f"run_{name}"
            shutil.rmtree(out, ignore_errors=True)
            train[name] = timed(["train", "--data", data, "--target", target, "--epochs", "1", "--out", str(out)],
                                folder)
        report("train", train["many"], train["one"])
        # but the model file's SHA-256: the file holds the run's config, whose paths differ (fix43c)
        from climann.run_files import MODEL_SHA256_KEY

        written = [json.loads((folder / f"run_{name}" / "metrics.json").read_text()) for name in ("many", "one")]
        metrics = [{key: value for key, value in each.items() if key != MODEL_SHA256_KEY} for each in written]
        print("train: metrics.json identical (but the model file's hash)" if metrics[0] == metrics[1] else
              "train: METRICS DIFFER")
    finally:
        if arguments.directory is None and not arguments.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
