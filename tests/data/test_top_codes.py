"""Codes at the top of an integer type's range, told from the data by the levels they hold (break43a A3)."""

from __future__ import annotations

import numpy as np
import pytest

from climann.data.top_codes import (APART_VALUES, LEVELS_BELOW, TOP_WINDOW, LevelForm, deepest_level, first_and_change,
                                    level_form, levels_in_block, merged_below, range_packed, top_codes, unchanging,
                                    zero_and_one)


def _levels(raw: np.ndarray, top: int = 255) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`levels_in_block` of stored integers ``raw`` (time first) read as they are."""
    return levels_in_block(raw.astype("f8"), 0, form=LevelForm(top, levels=256 if top == 255 else 65536))


def _amsr_like(seed: int = 2) -> np.ndarray:
    """ubyte SWE/2 of 0-240 (a tenth of it at 240, the clip of 480 mm), 6 steps of 30 x 30 cells; codes 253 and 254
    at the same cells every step, 255 at 1 % of the cells and 247 at 0.3 % of them, moving."""
    rng = np.random.default_rng(seed)
    raw = np.minimum(rng.integers(0, 266, (6, 30, 30)), 240)
    raw[:, :3, :4], raw[:, 10:14, 10:14] = 253, 254
    raw[(rng.random(raw.shape) < 0.01) & (raw < 241)] = 255
    raw[(rng.random(raw.shape) < 0.003) & (raw < 241)] = 247
    return raw


def test_the_levels_of_a_block_are_counted_as_numpy_counts_them():
    """Each of the 64 highest levels by step, the missing values by step, and the highest levels below: as
    numpy.bincount and numpy.unique give them for the stored values of a packed block (scale 2, offset -10)."""
    raw = _amsr_like()
    values = raw * 2.0 - 10.0
    values[1, 5, 5] = values[4, 0, 0] = np.nan
    window, missing, below, counts = levels_in_block(values, 0, form=LevelForm(255, 2.0, -10.0, levels=256))
    for step in range(6):
        np.testing.assert_array_equal(window[:, step], np.bincount(255 - raw[step][np.isfinite(values[step])],
                                                                   minlength=256)[:TOP_WINDOW])
    np.testing.assert_array_equal(missing, [0, 1, 0, 0, 1, 0])
    held, times = np.unique(raw[np.isfinite(values) & (raw <= 255 - TOP_WINDOW)], return_counts=True)
    np.testing.assert_array_equal(below, (255 - held)[::-1][:LEVELS_BELOW])
    np.testing.assert_array_equal(counts, times[::-1][:LEVELS_BELOW])


@pytest.mark.parametrize("dtype", [pytest.param("f4", id="float32"), pytest.param("f8", id="float64"),
                                   pytest.param("u1", id="unpacked-integers")])
@pytest.mark.parametrize("time_axis", [pytest.param(0, id="time-first"), pytest.param(2, id="time-last"),
                                       pytest.param(None, id="static")])
def test_a_byte_type_counted_level_by_level_gives_what_the_comparisons_give(dtype, time_axis):
    """A byte type's levels are counted all at once (each step's values converted); any other type's by comparing
    the decoded values with those halfway between two levels: the same counts, missing values and levels below."""
    raw = np.moveaxis(_amsr_like(), 0, time_axis or 0)
    if dtype == "u1":
        values, packing = raw.astype("u1"), (1.0, 0.0)
    else:
        values, packing = (raw * 0.5 + 3.0).astype(dtype), (0.5, 3.0)
        values[tuple(np.array(index) for index in zip((1, 2, 3), (4, 5, 0)))] = np.nan
    every = levels_in_block(values, time_axis, form=LevelForm(255, *packing, levels=256))
    compared = levels_in_block(values, time_axis, form=LevelForm(255, *packing))
    for one, other in zip(every, compared, strict=True):
        np.testing.assert_array_equal(one, other)


def test_the_levels_of_some_steps_are_those_of_their_files_only():
    """``steps`` (a group of files stored alike): the other steps count nothing, below nor in the window."""
    raw = _amsr_like()
    steps = np.array([False, True, True, False, False, False, True, True])  # the block is steps 1-6 of 8
    window, missing, below, counts = levels_in_block(raw.astype("f8"), 0, form=LevelForm(255, levels=256), steps=steps,
                                                     start=1)
    assert not window[:, [2, 3, 4]].any()
    np.testing.assert_array_equal(window[:, 0], np.bincount((255 - raw[0]).ravel(), minlength=256)[:TOP_WINDOW])
    held, times = np.unique(raw[[0, 1, 5]][raw[[0, 1, 5]] <= 255 - TOP_WINDOW], return_counts=True)
    np.testing.assert_array_equal(counts, times[::-1][:LEVELS_BELOW])


@pytest.mark.parametrize(("low", "high", "top"), [pytest.param(-32768, 30000, 32767, id="short-spread"),
                                                   pytest.param(29000, 32600, 32767, id="short-dense"),
                                                   pytest.param(0, 180, 255, id="ubyte")])
def test_the_levels_below_merged_over_blocks_are_those_numpy_counts_in_the_whole(low, high, top):
    """Every level held within the levels counted (down to ``reach``), with its count over the whole (numpy)."""
    rng = np.random.default_rng(1)
    raw = rng.integers(low, high, (8, 20, 20)).astype("f8")
    raw[:4] = np.minimum(raw[:4], high - (high - low) // 4)  # blocks whose highest levels differ
    levels, counts, reach = merged_below([_levels(raw[k:k + 3], top)[2:] for k in range(0, 8, 3)])
    held, times = np.unique(top - raw.astype(int), return_counts=True)
    known = (held >= TOP_WINDOW) & (held <= reach)
    np.testing.assert_array_equal(levels[levels <= reach], held[known])
    np.testing.assert_array_equal(counts[levels <= reach], times[known])
    assert reach >= min(levels[0] + 1023, levels[-1])


def test_amsr_e_codes_are_found_all_at_once_moving_or_not():
    """break43a A3: 247 (moving, 0.3 % of the cells), 253 and 254 (fixed), 255 (moving) above SWE of 0-240: all
    four, in one pass; the data's highest level 240, the 6 empty levels 241-246, and the values in 235-240 (numpy)."""
    raw = _amsr_like()
    window, missing, below, counts = _levels(raw)
    found = top_codes(window, missing, below, counts)
    assert sorted(255 - np.array(found.codes)) == [247, 253, 254, 255]
    assert sorted(255 - np.array(found.fixed)) == [253, 254]
    assert (255 - found.data_top, found.gap) == (240, 6)
    assert found.below == int(np.count_nonzero((raw >= 235) & (raw <= 240))) and found.below_exact


def test_a_tail_that_thins_out_towards_the_top_is_no_code():
    """A skewed quantity packed into bytes whose values thin out towards the top (an exponential tail, a few values
    in its highest levels, gaps between them): no gap is wide against the values below it."""
    rng = np.random.default_rng(4)
    raw = np.minimum(rng.exponential(30, (12, 40, 40)).round(), 254).astype(int)
    window, missing, below, counts = _levels(raw)
    assert window[:, :].sum() > 0  # it reaches into the window
    assert top_codes(window, missing, below, counts) is None


@pytest.mark.parametrize("top", [pytest.param(255, id="ubyte"), pytest.param(32767, id="short")])
def test_a_maximum_a_packer_put_at_the_highest_level_is_no_code(top):
    """A field packed over the type's whole range (NCO's ncpdq): its maximum at the highest level, at a few cells,
    the values below it spread as the field's are."""
    rng = np.random.default_rng(6)
    raw = np.round((rng.beta(5, 2, (12, 30, 30)) ** 0.5) * top).astype(int)
    raw[3, 0, 0] = raw[7, 4, 4] = top
    assert top_codes(*_levels(raw, top)) is None


@pytest.mark.parametrize("every", [pytest.param(2, id="every-other-level"), pytest.param(4, id="every-fourth-level")])
def test_data_quantised_to_some_levels_are_no_codes_and_codes_beyond_them_are(every):
    """Data quantised to every other or every fourth level (runs of 1 or 3 empty levels) up to 240, into the
    window: no run among them stands the levels above apart; codes at 250, 251 and 255 stand 9 levels above them."""
    rng = np.random.default_rng(7)
    raw = every * rng.integers(0, 240 // every + 1, (6, 20, 20))
    assert top_codes(*_levels(raw)) is None
    raw[:, 0, :3] = [250, 251, 255]
    found = top_codes(*_levels(raw))
    assert sorted(255 - np.array(found.codes)) == [250, 251, 255] and found.gap == 9


def test_classes_at_fixed_cells_above_data_that_reach_them_take_the_codes_above():
    """NSIDC's concentrations of 0-250 (many at 250, no gap), 251 (pole hole), 253 (coast) and 254 (land) at the
    same cells every step, and 255 (missing) moving: all four."""
    rng = np.random.default_rng(8)
    raw = np.minimum(rng.integers(0, 300, (6, 30, 30)), 250)
    raw[:, :2, :2], raw[:, 5, :], raw[:, 20:, 20:] = 251, 253, 254
    raw[(rng.random(raw.shape) < 0.01) & (raw <= 250)] = 255
    found = top_codes(*_levels(raw))
    assert sorted(255 - np.array(found.codes)) == [251, 253, 254, 255]
    assert found.data_top is None and sorted(255 - np.array(found.fixed)) == [251, 253, 254]


def test_a_gap_needs_the_values_of_a_density_that_would_have_filled_it():
    """Nine values in the 5 levels below a gap of 5 (the chance of none of 18 in the gap, were they spread evenly,
    is not small enough): no code; ten: the level above is a code."""
    for held, expected in ((APART_VALUES - 1, None), (APART_VALUES, (0,))):
        window = np.zeros((TOP_WINDOW, 2), np.int64)
        window[0] = [3, 4]  # 255
        below = np.array([6, 7, 8, 9, 10, 40])  # 249 … 245 then a long way down
        counts = np.array([held - 4, 1, 1, 1, 1, 50])
        found = top_codes(window, np.zeros(2, np.int64), below, counts)
        assert (found.codes if found else None) == expected


@pytest.mark.parametrize(("encoding", "dtype", "expected"), [
    pytest.param({"scale_factor": 2.0}, "u1", LevelForm(255, 2.0, 0.0, levels=256), id="packed-ubyte"),
    pytest.param({}, "i2", LevelForm(32767, levels=65536), id="short"),
    pytest.param({}, "i8", None, id="int64"),
    pytest.param({}, "f4", None, id="float"),
    pytest.param({"climann_unit_conversions": ((1.0, 273.15),)}, "u2", LevelForm(65535, conversions=((1.0, 273.15),), levels=65536),
                 id="converted-degC-to-K"),
    pytest.param({"climann_unit_conversions": (np.array([1.0, 2.0]),)}, "u2", None, id="converted-by-step-lengths"),
])
def test_the_level_form_of_a_stored_type(encoding, dtype, expected):
    assert level_form(encoding, np.dtype(dtype)) == expected


def test_converted_values_give_back_their_levels():
    """Values packed (scale 0.5, offset 10), then converted degC -> K: the levels stored."""
    raw = np.array([[0, 1, 200, 255]])
    form = LevelForm(255, 0.5, 10.0, ((1.0, 273.15),))
    np.testing.assert_array_equal(form.distances(raw * 0.5 + 10.0 + 273.15), 255 - raw)


# --- fix44c: a 0/1 field, and a field the same at every step ------------------------------------------
ERA5_MASK = LevelForm(32767, 1.0 / 65532, 0.5, levels=65536)  # 0 at -32766, 1 at 32766


def _two_levels(form: LevelForm, zero: int, one: int, n_steps: int = 4):
    """The window, missing and levels below of a field holding stored ``zero`` at 30 cells and ``one`` at 10 of
    each step (as :func:`levels_in_block` gives them for the decoded values)."""
    raw = np.full((n_steps, 40), zero, np.int64)
    raw[:, :10] = one
    return levels_in_block(raw * form.scale + form.offset, 0, form=form)


def test_a_0_1_field_packed_in_shorts_is_data_and_0_and_255_of_ubyte_are_not():
    """ERA5's packed mask: its 1 (32766) held at the same cells every step, its 0 at the type's bottom: without the
    form it is a class at fixed cells (as before fix44c); with it, two levels decoded 0 and 1, no code. AMSR-E's
    ubyte holding only 0 and 255 (mm/2: 0 and 510 mm) is no 0/1 field: 255 stays a code."""
    window, missing, below, counts = _two_levels(ERA5_MASK, -32766, 32766)
    assert top_codes(window, missing, below, counts).codes == (1,)
    assert top_codes(window, missing, *merged_below([(below, counts)]), form=ERA5_MASK) is None
    assert zero_and_one(np.array([1, 65533]), None, ERA5_MASK)
    amsr = LevelForm(255, 2.0, 0.0, levels=256)
    window, missing, below, counts = _two_levels(amsr, 0, 255)
    assert top_codes(window, missing, *merged_below([(below, counts)]), form=amsr).codes == (0,)


def test_a_field_is_unchanging_when_each_block_is_and_their_first_steps_agree():
    values = np.broadcast_to(np.array([[1.0, np.nan], [0.5, 0.0]]), (6, 2, 2)).copy()
    parts = [first_and_change(values[:3], 0), first_and_change(values[3:], 0)]
    assert unchanging(parts)  # NaN equal to NaN
    values[4, 1, 1] = 1.0
    assert not unchanging([first_and_change(values[:3], 0), first_and_change(values[3:], 0)])
    values[3:] = values[0] + 1.0  # each block unchanging, the second unlike the first
    assert not unchanging([first_and_change(values[:3], 0), first_and_change(values[3:], 0)])
    assert not unchanging([first_and_change(values[0], None)])  # a static field: no steps to compare


def test_classes_at_fixed_cells_of_a_field_the_same_every_step_are_no_evidence():
    """NSIDC-like classes at the same cells above concentrations that reach them: found (test above) while the data
    change; with every step a copy of the first, every level is at fixed cells, and no gap stands apart: none."""
    rng = np.random.default_rng(8)
    raw = np.broadcast_to(np.minimum(rng.integers(0, 300, (30, 30)), 250), (6, 30, 30)).copy()
    raw[:, :2, :2], raw[:, 5, :], raw[:, 20:, 20:] = 251, 253, 254
    window, missing, below, counts = _levels(raw)
    assert top_codes(window, missing, below, counts).fixed  # as before: classes
    assert top_codes(window, missing, below, counts, same_every_step=True) is None


@pytest.mark.parametrize(("whole", "expected"), [pytest.param(100.0, True, id="percent"),
                                                 pytest.param(1.0, False, id="a-fraction"),
                                                 pytest.param(None, False, id="no-units")])
def test_0_and_the_whole_in_the_units_is_a_0_1_field(whole, expected):
    """fix45c: ERA5's packing of a mask in percent (0 at -32766, 100 at 32766: scale 100/65532, offset 50) holds
    two levels, 0 and 100: a 0/1 field when the units' whole is 100 (%), not when it is 1 (then 100 stands apart
    as a code would)."""
    form = LevelForm(32767, 100.0 / 65532, 50.0, levels=65536)
    window, missing, below, counts = _two_levels(form, -32766, 32766)
    assert zero_and_one(np.array([1, 65533]), None, form, whole=whole) is expected
    assert (top_codes(window, missing, *merged_below([(below, counts)]), form=form, whole=whole) is None) is expected


@pytest.mark.parametrize(("form", "deepest", "expected"), [
    pytest.param(LevelForm(32767, 0.002, 285.0, levels=65536), 65533, True, id="era5-minimum-at--32766"),
    pytest.param(LevelForm(32767, 0.002, 285.0, levels=65536), 65534, True, id="ncpdq-minimum-at--32767"),
    pytest.param(LevelForm(32767, 1e-4, 0.0, levels=65536), 32767, False, id="mod17-packed-from-0"),
    pytest.param(LevelForm(65535, 1e-4, 0.0, levels=65536), 65535, False, id="ushort-0-at-the-bottom"),
    pytest.param(LevelForm(32767, levels=65536), 65533, False, id="unpacked-short"),
])
def test_a_packing_over_the_whole_signed_type_is_told_by_its_minimum(form, deepest, expected):
    """break48d A7: the lowest level held, within TOP_CODES of a signed type's bottom, says a packer spread the
    data's range over the type; a 0 at the bottom of an unsigned type, or an unpacked short, says nothing."""
    assert range_packed(deepest, form) is expected


def test_the_deepest_level_is_that_of_the_lowest_value_numpy_finds():
    """deepest_level over the counted steps only, NaN left out: 32767 - min of the stored integers (numpy)."""
    rng = np.random.default_rng(9)
    raw = rng.integers(-32766, 32767, (6, 5, 4)).astype("f8")
    raw[0, 0, 0] = np.nan
    form = LevelForm(32767, levels=65536)
    steps = np.array([False, True, True, False, True, True])
    assert deepest_level(raw, 0, form=form, steps=steps) == 32767 - int(np.nanmin(raw[steps]))
    assert deepest_level(raw[:2], 0, form=form, steps=steps, start=2) == 32767 - int(np.nanmin(raw[[0]]))  # steps 2, 3


def test_a_gap_above_data_packed_over_the_whole_type_holds_no_code():
    """The same levels (one value at the top, a gap of 3000 levels, a dense band below): codes when the data's
    minimum is mid-type, none when it is at the bottom of the type (range_packed)."""
    window = np.zeros((TOP_WINDOW, 2), np.int64)
    window[0] = [1, 0]
    below, counts = np.arange(3000, 3000 + 40), np.full(40, 50)
    form = LevelForm(32767, 0.002, 285.0, levels=65536)
    assert top_codes(window, np.zeros(2), below, counts, form=form, deepest=40000).codes == (0,)
    assert top_codes(window, np.zeros(2), below, counts, form=form, deepest=65533) is None
