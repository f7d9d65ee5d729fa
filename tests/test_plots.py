"""The report's figures and numbers: the per-memory figure sets memories apart by what differs
between them within a cell; a mean over one seed is shown without an interval."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from consolidation.present.html import ci_text
from consolidation.present.plots import per_memory
from consolidation.studies.stats import t_interval


def per_memory_dataset(age: np.ndarray, cued: np.ndarray) -> xr.Dataset:
    """Two grid cells (sleep, wake) x 3 seeds x 4 memories; `age` and `cued` are (cell, memory)."""
    dims = ("schedule.offline", "seed", "memory")
    shape = (2, 3, 4)
    recall = np.random.default_rng(0).normal(5, 1, (*shape[:2], 1, 4, 2))
    return xr.Dataset(
        {
            "recall": ((*dims[:2], "probe", "memory", "hippocampus"), recall, {"units": "Hz"}),
            "memory_age": (dims, np.broadcast_to(age[:, None, :], shape).copy()),
            "cued": (dims, np.broadcast_to(cued[:, None, :], shape).copy()),
        },
        coords={
            "schedule.offline": ["sleep", "wake"],
            "seed": [0, 1, 2],
            "probe": ["post"],
            "memory": np.arange(4),
            "hippocampus": ["intact", "lesioned"],
        },
        attrs={"study": "synthetic"},
    )


@pytest.mark.parametrize(
    "age, cued, xlabel",
    [
        # ages differ only between cells (a night against none): the cue sets memories apart
        ([[1] * 4, [0] * 4], [[1, 1, 0, 0]] * 2, "cued"),
        # a Ribot schedule: ages differ between memories
        ([[3, 2, 1, 0]] * 2, [[0] * 4] * 2, "memory age (nights since encoding)"),
        ([[1] * 4, [0] * 4], [[0] * 4] * 2, "memory"),
    ],
)
def test_per_memory_figure_splits_by_what_differs_within_a_cell(age, cued, xlabel):
    fig = per_memory(per_memory_dataset(np.array(age), np.array(cued)))
    assert {ax.get_xlabel() for ax in fig.axes if ax.get_xlabel()} == {xlabel}


def test_a_key_number_over_one_seed_has_no_interval():
    assert ci_text(*t_interval([4.0, 5.0, 6.0])) == "5.00 [2.52, 7.48]"
    assert ci_text(*t_interval([4.0])) == "4.00 (one seed: no interval)"
    assert ci_text(*t_interval([])) == "n/a"
