"""The measures of state and events from spikes, on spike trains whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from consolidation.model import activity

N, T = 100, 10.0  # cells, seconds


def poisson(rng, n: int, rate: float, duration: float, start: float = 0.0):
    """Independent Poisson trains: (cell, time) sorted by time."""
    counts = rng.poisson(rate * duration, size=n)
    cells = np.repeat(np.arange(n), counts)
    times = start + rng.uniform(0, duration, size=cells.size)
    order = np.argsort(times)
    return cells[order], times[order]


def test_isi_cv_is_one_for_poisson_and_zero_for_clocks():
    rng = np.random.default_rng(1)
    cells, times = poisson(rng, N, 20.0, T)
    assert activity.isi_cv(cells, times, 0, T) == pytest.approx(1.0, abs=0.05)
    clock_times = np.tile(np.arange(0, T, 0.05), N) + np.repeat(rng.uniform(0, 0.05, N), 200)
    clock_cells = np.repeat(np.arange(N), 200)
    assert activity.isi_cv(clock_cells, clock_times, 0, T) < 0.01
    assert np.isnan(activity.isi_cv(cells, times, T, T + 1))  # no spikes there


def test_synchrony_tells_independent_from_locked_cells():
    rng = np.random.default_rng(2)
    cells, times = poisson(rng, N, 10.0, T)
    assert activity.synchrony(cells, times, N, 0, T) < 0.2  # about 1/sqrt(N)
    shared = np.sort(rng.uniform(0, T, size=100))  # every cell fires at the same times
    locked_cells, locked_times = np.repeat(np.arange(N), shared.size), np.tile(shared, N)
    assert activity.synchrony(locked_cells, locked_times, N, 0, T) == pytest.approx(1.0)


def test_events_are_found_where_bursts_were_put_and_nowhere_else():
    rng = np.random.default_rng(3)
    cells, times = poisson(rng, N, 2.0, T)
    onsets = [1.0, 3.5, 6.2, 8.8]
    for onset in onsets:  # 40 cells fire 3 spikes each within 30 ms
        burst_cells = np.repeat(np.arange(40), 3)
        cells = np.concatenate([cells, burst_cells])
        times = np.concatenate([times, onset + rng.uniform(0, 0.03, burst_cells.size)])
    sigma = 0.015
    t, rate = activity.smoothed_rate(times, N, 0, T, sigma)
    # 5 SDs: at 3, a 15 ms-smoothed rate of pure noise crosses about once in 10 s (Rice's
    # formula), which a night's events outnumber but this test would not
    found = activity.detect_events(t, rate, threshold_sd=5, edge_sd=1)
    assert len(found) == len(onsets)
    for (on, off), onset in zip(found, onsets, strict=True):
        # the smoothing spreads a strong burst by up to the kernel's reach (4 sigma) each side
        assert onset - 4 * sigma < on < onset + 0.01
        assert onset + 0.02 < off < onset + 0.03 + 4 * sigma


def test_the_content_is_the_index_above_background_and_driven_cells_do_not_count():
    indices = np.zeros((3, 60), dtype=bool)
    for m in range(3):
        indices[m, m * 10 : (m + 1) * 10] = True  # cells 30-59 are in no index
    counts = np.zeros(60)
    counts[0:10] = 1  # index 0: 1 spike per cell (driven from outside)
    counts[10:20] = 4  # index 1 wins among the counted cells
    counts[20:30] = 2
    counts[30:60] = 1  # background
    counted = np.ones(60, dtype=bool)
    counted[0:10] = False
    counts[0:10] = 9  # the driven cells fire most, but do not count
    content = activity.event_content(counts, 0.05, indices, counted)
    assert content.memory == 1
    assert content.margin == pytest.approx((4 - 1) / (2 - 1))
    assert content.purity == pytest.approx(40 / (40 + 20 + 30))
    silent = activity.event_content(np.ones(60), 0.05, indices, np.ones(60, dtype=bool))
    assert silent.memory == -1  # nothing above background


def test_the_events_summary_counts_wins_up_states_and_driven_cells():
    rng = np.random.default_rng(4)
    indices = np.zeros((2, N), dtype=bool)
    indices[0, :20], indices[1, 20:40] = True, True
    cells, times = poisson(rng, N, 1.0, T)
    for onset, index in ((2.0, 0), (5.0, 1), (7.0, 1)):
        burst = np.repeat(np.flatnonzero(indices[index]), 4)
        cells = np.concatenate([cells, burst])
        times = np.concatenate([times, onset + rng.uniform(0, 0.03, burst.size)])
    stimulus = np.zeros((int(T / 0.01), N))
    stimulus[700:710, :40] = 100.0  # the third burst coincides with input to both indices
    phases = [{"kind": "encode", "start": 0, "end": 1}, {"kind": "sleep", "start": 1, "end": T}]
    patterns = np.zeros((2, 50), dtype=bool)  # a silent cortex
    patterns[0, :10], patterns[1, 10:20] = True, True
    silent = (np.zeros(0, int), np.zeros(0), 50)
    out = activity.events(
        (cells, times, N),
        silent,
        (indices, patterns),
        phases,
        (stimulus, 0.01),
        [(4.9, 5.5)],
        (0.015, 5, 1),
    )
    assert list(out["swr_memory"]) == [0, 1, -1]
    assert list(out["replay_count"]) == [1, 1]
    assert list(out["swr_in_up_state"]) == [False, True, False]
    assert out["swr_rate_up"] == pytest.approx(1 / 0.6)
    assert list(out["swr_phase"]) == [1, 1, 1]
    assert list(out["swr_cortex_memory"]) == [-1, -1, -1]
    assert out["swr_completion"][0] > 0.9  # every cell of index 0 fired 4 spikes


def test_recall_is_specific_only_against_the_most_active_other_pattern():
    """Spike trains with a known answer: during memory 0's cue its uncued cells fire at 30 Hz,
    memory 1's cells at 20 Hz, memory 2's at 5 Hz, every other cell at 2 Hz. Recall (against
    all cells outside pattern 0) is high; intrusion is memory 1's excess; recall_specific is
    30 - 20 Hz. With memory 1 at background too, intrusion is small and the specific recall
    close to the recall."""
    from types import SimpleNamespace

    import brian2 as b2

    from consolidation.model.measure import recall_scores
    from consolidation.model.memories import Memories

    n, k = 100, 10
    patterns = np.zeros((3, n), dtype=bool)
    for m in range(3):
        patterns[m, m * k : (m + 1) * k] = True
    cues = np.zeros_like(patterns)
    cues[0, :3] = True
    memories = Memories(patterns, np.zeros((3, 4), dtype=bool), cues)
    test = {"label": "post", "memory": 0, "condition": "intact", "start": 0.0, "end": 10.0}

    def score(rates: np.ndarray) -> np.ndarray:
        cells, times = poisson_rates(np.random.default_rng(2), rates, 10.0)
        monitor = SimpleNamespace(i=cells, t=times * b2.second)
        model = SimpleNamespace(memories=memories, spikes={"ctx_e": monitor})
        record = SimpleNamespace(tests=[test])
        return recall_scores(model, record)["post", 0, "intact"]

    rates = np.full(n, 2.0)
    rates[3:k], rates[k : 2 * k], rates[2 * k : 3 * k] = 30.0, 20.0, 5.0
    recall, intrusion = score(rates)
    outside = rates[k:].mean()
    assert recall == pytest.approx(30.0 - outside, abs=1.0)
    assert intrusion == pytest.approx(20.0 - outside, abs=1.0)
    assert recall - intrusion == pytest.approx(10.0, abs=1.5)
    rates[k : 2 * k] = 2.0
    clean_recall, clean_intrusion = score(rates)
    assert clean_intrusion < 5.0 and clean_recall - clean_intrusion > 20.0


def poisson_rates(rng, rates: np.ndarray, duration: float):
    """Independent Poisson trains, one rate per cell: (cell, time) sorted by time."""
    counts = rng.poisson(rates * duration)
    cells = np.repeat(np.arange(rates.size), counts)
    times = rng.uniform(0, duration, size=cells.size)
    order = np.argsort(times)
    return cells[order], times[order]


@pytest.mark.parametrize("cortex_first", [True, False])
def test_the_lead_says_whether_the_cortical_pattern_or_the_hippocampus_rose_first(cortex_first):
    """A 30 ms burst of the pattern's cells and one of the hippocampal cells, 20 ms apart, on a
    2 Hz background: the lead is +-20 ms, within the smoothing's few ms."""
    rng = np.random.default_rng(5)
    pattern = np.zeros(50, dtype=bool)
    pattern[:10] = True
    first, second = 2.0, 2.02
    ctx_at, hpc_at = (first, second) if cortex_first else (second, first)
    ctx_cells, ctx_times = poisson(rng, 50, 2.0, T)
    hpc_cells, hpc_times = poisson(rng, N, 2.0, T)
    burst = np.repeat(np.arange(10), 3)
    ctx = (
        np.concatenate([ctx_cells, burst]),
        np.concatenate([ctx_times, ctx_at + rng.uniform(0, 0.03, burst.size)]),
        50,
    )
    burst = np.repeat(np.arange(N), 3)
    hpc = (
        np.concatenate([hpc_cells, burst]),
        np.concatenate([hpc_times, hpc_at + rng.uniform(0, 0.03, burst.size)]),
        N,
    )
    lead = activity.cortex_lead(hpc, ctx, pattern, (1.9, 2.1))
    assert lead == pytest.approx(0.02 if cortex_first else -0.02, abs=0.006)
