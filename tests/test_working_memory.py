"""The working-memory network's behaviour over eight seeds (consolidation.model.working_memory).

One session-wide batch (loads 2 and 8 with facilitation, load 2 without; eight seeds each, on
all cores) feeds the tests; each states its statistic over seeds (a 95% t-interval).
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest
import xarray as xr

from consolidation.backends.working_memory import simulate_working_memory
from consolidation.studies.stats import t_interval

SEEDS = list(range(8))
CONDITIONS = {
    "two": {"working_memory.load": 2},
    "eight": {"working_memory.load": 8},
    # u returns to U within 10 ms of a spike: no facilitation survives between population spikes
    "no_facilitation": {"working_memory.load": 2, "working_memory.tau_f": 10.0},
}

pytestmark = pytest.mark.slow


def _run(job: tuple[str, int]) -> tuple[str, int, xr.Dataset]:
    condition, seed = job
    ds = simulate_working_memory(CONDITIONS[condition], seed)
    return condition, seed, ds.drop_vars(["spike_time", "spike_cell"])


@pytest.fixture(scope="module")
def runs() -> dict[tuple[str, int], xr.Dataset]:
    jobs = [(c, s) for s in SEEDS for c in CONDITIONS]
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=ctx) as pool:
        return {(c, s): ds for c, s, ds in pool.map(_run, jobs)}


def held(runs, condition: str) -> np.ndarray:
    return np.array([int(runs[condition, s].held_count) for s in SEEDS])


def test_capacity_plateaus_between_three_and_five_items(runs):
    """Eight items cued, three to five held at the delay's end (95% CI of the mean)."""
    _, low, high = t_interval(held(runs, "eight"))
    assert 3 <= low and high <= 5, (low, high, held(runs, "eight"))


def test_a_load_within_capacity_is_held_whole(runs):
    """Two items cued, both held in most seeds: the plateau is a limit, not a loss of all."""
    mean, low, _ = t_interval(held(runs, "two"))
    assert low > 1.5, (mean, held(runs, "two"))


def test_without_facilitation_nothing_is_held_after_a_second(runs):
    counts = held(runs, "no_facilitation")
    assert (counts == 0).all(), counts
    hold = np.array([float(runs["no_facilitation", s].hold_time.max()) for s in SEEDS])
    assert (hold < 1.0).all(), hold


def test_the_readout_reinstates_held_items_above_dropped_ones(runs):
    """At load 8, per seed: the share of held items a readout pulse reinstates minus the share
    of dropped ones."""
    diffs = []
    for s in SEEDS:
        ds = runs["eight", s]
        diffs.append(
            float(
                ds.reinstated.where(ds.held == 1).mean() - ds.reinstated.where(ds.held == 0).mean()
            )
        )
    _, low, _ = t_interval(diffs)
    assert low > 0, diffs


def test_uncued_items_do_not_intrude(runs):
    intrusions = np.array([int(runs["two", s].intrusions) for s in SEEDS])
    assert intrusions.mean() <= 0.25, intrusions


def test_same_seed_gives_identical_dataset(runs):
    again = simulate_working_memory(CONDITIONS["two"], SEEDS[0]).drop_vars(
        ["spike_time", "spike_cell"]
    )
    xr.testing.assert_identical(again.drop_attrs(), runs["two", SEEDS[0]].drop_attrs())
