import numpy as np
import pytest

from climann.data.splits import split_time_blocks
from climann.errors import ClimannError


def test_twenty_years_split_into_contiguous_blocks_of_whole_years():
    years = np.repeat(np.arange(1980, 2000), 12)
    split = split_time_blocks(years, (0.7, 0.15, 0.15))
    assert split.descriptions == {"train": "1980–1993", "val": "1994–1996", "test": "1997–1999"}
    for name, (first, last) in {"train": (1980, 1993), "val": (1994, 1996), "test": (1997, 1999)}.items():
        chosen = np.flatnonzero(split.time_masks[name])
        assert np.all(np.diff(chosen) == 1)  # contiguous
        assert set(years[chosen]) == set(range(first, last + 1))
    labels = split.labels()
    assert list(labels[:168]) == ["train"] * 168 and labels[-1] == "test"


def test_blocks_never_overlap_and_cover_everything():
    years = np.repeat(np.arange(2000, 2007), 12)
    masks = split_time_blocks(years, (0.5, 0.25, 0.25)).time_masks
    total = masks["train"].astype(int) + masks["val"] + masks["test"]
    assert np.all(total == 1)


def test_fewer_than_three_years_split_by_time_steps():
    years = np.repeat([2000, 2001], 12)
    split = split_time_blocks(years, (0.5, 0.25, 0.25))
    assert [int(split.time_masks[n].sum()) for n in ("train", "val", "test")] == [12, 6, 6]
    assert np.flatnonzero(split.time_masks["test"]).min() > np.flatnonzero(split.time_masks["val"]).max()


def test_too_few_time_steps_is_a_clear_error():
    with pytest.raises(ClimannError, match="too few to split"):
        split_time_blocks(np.array([2000, 2000]), (0.7, 0.15, 0.15))
