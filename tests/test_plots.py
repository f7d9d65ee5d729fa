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


def test_the_claims_figure_shows_every_seed_with_the_interval_and_the_reference():
    from consolidation.present.claims_plot import claims_figure
    from consolidation.present.sections import claims_plot

    seeds = {str(s): 1.0 + 0.1 * s for s in range(8)}
    contrast = {"study": "s", "name": "a beats b", "kind": "contrast", "units": "Hz",
                "per_seed": seeds, "effect": 1.35, "ci_low": 1.15, "ci_high": 1.55,
                "verdict": "reproduced"}  # fmt: skip
    match = {**contrast, "name": "τ", "kind": "match", "units": "ms", "interval": [0.5, 2.5],
             "per_seed": dict(list(seeds.items())[:5]), "verdict": "inconclusive"}  # fmt: skip
    untested = {**contrast, "name": "no dataset", "per_seed": {}, "effect": None}
    fig = claims_figure([contrast, untested, match])
    assert len(fig.axes) == 2  # a claim without per-seed values has no row
    for ax, n in zip(fig.axes, (8, 5), strict=True):
        (points,) = ax.collections
        assert len(points.get_offsets()) == n
        mean, interval = ax.lines[1], ax.lines[0]
        assert mean.get_xdata()[0] == 1.35 and list(interval.get_xdata()) == [1.15, 1.55]
    # a contrast is judged against 0, a match against its accepted interval
    assert list(fig.axes[0].lines[-1].get_xdata()) == [0, 0]
    (span,) = fig.axes[1].patches
    assert (span.get_x(), span.get_x() + span.get_width()) == (0.5, 2.5)
    assert not fig.axes[0].patches
    assert 'data-kind="claims"' in claims_plot([contrast])
    assert claims_plot([untested]) == ""
