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


def _mar_year(path, year: int) -> None:
    """A MAR yearly file (break41d B4): ``LAT``/``LON`` 2-D in ``degrees`` (neither north nor east), ``X``/``Y``
    in km, no grid mapping, ``SMB(TIME, Y, X)``."""
    import numpy as np
    import xarray as xr

    y, x = np.meshgrid(np.arange(3.0), np.arange(4.0), indexing="ij")
    xr.Dataset(
        {"SMB": (("TIME", "Y", "X"), np.full((2, 3, 4), float(year)), {"units": "mm day-1"}),
         "LAT": (("Y", "X"), 67.0 + 0.2 * y, {"units": "degrees", "long_name": "Latitude"}),
         "LON": (("Y", "X"), -50.0 + 0.3 * x + 0.1 * y, {"units": "degrees", "long_name": "Longitude"})},
        coords={"TIME": ("TIME", [15.0, 45.0], {"units": f"days since {year}-01-01", "calendar": "standard"}),
                "Y": ("Y", 20.0 * np.arange(3), {"units": "km"}), "X": ("X", 20.0 * np.arange(4), {"units": "km"})},
    ).to_netcdf(path)


def test_a_warning_of_each_of_16_files_alike_is_said_once_naming_the_other_files(tmp_path, caplog):
    """break41d B4: 16 MAR yearly files with LAT/LON in "degrees" gave 16 warnings of ~420 characters, alike
    but for the file; now one, the first file's, saying "the same in" the 15 others (as files_text names them)."""
    from climann.data.open import open_dataset

    paths = [tmp_path / f"MARv3.12-20km-monthly-ERA5-{year}.nc" for year in range(2000, 2016)]
    for year, path in zip(range(2000, 2016), paths):
        _mar_year(path, year)
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset([str(path) for path in paths])
    said = [record.getMessage() for record in caplog.records if "'LAT'/'LON'" in record.getMessage()]
    assert len(said) == 1, said
    assert said[0].startswith("MARv3.12-20km-monthly-ERA5-2000.nc: 'LAT'/'LON' (units 'degrees'")
    assert said[0].endswith("; the same in MARv3.12-20km-monthly-ERA5-2001.nc, MARv3.12-20km-monthly-ERA5-2002.nc "
                            "and 13 more files")


def test_warnings_alike_but_for_their_file_are_grouped_others_kept_in_order(caplog):
    from climann.data.notes import notes_grouped_by_file
    from climann.data.sources import files_text

    logger = logging.getLogger("climann.data.test_notes")
    files = ["d/tas_2000.nc", "d/tas_2001.nc", "d/tas_2002.nc"]
    forget_notes()
    with caplog.at_level(logging.INFO, logger="climann"):
        with notes_grouped_by_file(files, named=files_text):
            for year in (2000, 2001, 2002):
                note_once(logger, logging.WARNING, f"tas_{year}.nc: lat sorted; ncks d/tas_{year}.nc d/tas_{year}_fixed.nc")
                note_once(logger, logging.INFO, f"tas_{year}.nc: read")  # information is not held
            note_once(logger, logging.WARNING, "tas_2001.nc: lon has a gap")  # of one file: as it is
            note_once(logger, logging.WARNING, "no file named here")
    said = [(record.levelno, record.getMessage()) for record in caplog.records if record.name == logger.name]
    assert said == [(logging.INFO, "tas_2000.nc: read"), (logging.INFO, "tas_2001.nc: read"),
                    (logging.INFO, "tas_2002.nc: read"),
                    (logging.WARNING, "tas_2000.nc: lat sorted; ncks d/tas_2000.nc d/tas_2000_fixed.nc; the same in "
                                      "tas_2001.nc, tas_2002.nc"),
                    (logging.WARNING, "tas_2001.nc: lon has a gap"), (logging.WARNING, "no file named here")]


def test_a_warning_of_20_files_named_a_to_t_is_said_once(tmp_path, caplog):
    """20 files a.nc … t.nc with latitude and longitude in radians: the file's stem was replaced
    wherever it stood, so the "a" of "latitude" went too and a.nc's warning differed from the
    others'; 14 lines of each warning were said. Now one each, naming the 19 other files."""
    import string

    import numpy as np
    import xarray as xr

    from climann.data.open import open_dataset

    paths = [tmp_path / f"{letter}.nc" for letter in string.ascii_lowercase[:20]]
    for day, path in enumerate(paths):
        xr.Dataset(
            {"tas": (("time", "lat", "lon"), np.full((1, 3, 4), 280.0 + day), {"units": "K"})},
            coords={"time": ("time", [float(day)], {"units": "days since 2000-01-01", "calendar": "standard"}),
                    "lat": ("lat", np.radians([40.0, 42.0, 44.0]), {"units": "radians", "standard_name": "latitude"}),
                    "lon": ("lon", np.radians([0.0, 2.0, 4.0, 6.0]), {"units": "radians",
                                                                        "standard_name": "longitude"})},
        ).to_netcdf(path)
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        opened = open_dataset([str(path) for path in paths])
    said = [record.getMessage() for record in caplog.records if "radians" in record.getMessage()]
    assert said == ["a.nc: latitude 'lat' is in radians, converted to degrees (degrees_north); the same in b.nc, "
                    "c.nc and 17 more files",
                    "a.nc: longitude 'lon' is in radians, converted to degrees (degrees_east); the same in b.nc, "
                    "c.nc and 17 more files"]
    np.testing.assert_allclose(opened["lat"].values, [40.0, 42.0, 44.0])


def test_a_note_said_of_each_file_is_grouped_as_warnings_are(caplog):
    """break55d A2: an information note said of each file (``by_file``) is held and grouped as warnings are;
    other information notes are said at once, as before."""
    from climann.data.notes import notes_grouped_by_file
    from climann.data.sources import files_text

    logger = logging.getLogger("climann.data.test_notes")
    files = [f"d/swe_{month:02d}.nc" for month in range(1, 5)]
    forget_notes()
    with caplog.at_level(logging.INFO, logger="climann"):
        with notes_grouped_by_file(files, named=files_text):
            for month in range(1, 5):
                note_once(logger, logging.INFO, f"'swe' in swe_{month:02d}.nc: its codes read as missing", by_file=True)
                note_once(logger, logging.INFO, f"swe_{month:02d}.nc: read")
    said = [record.getMessage() for record in caplog.records if record.name == logger.name]
    assert said == [f"swe_{month:02d}.nc: read" for month in range(1, 5)] + [
        "'swe' in swe_01.nc: its codes read as missing; the same in swe_02.nc, swe_03.nc and 1 more file"]
