"""What the spikes say about the network's state and its events, read as an experimenter would.

Nothing here reads the schedule's plan of events: population events are threshold crossings of
the smoothed hippocampal E rate, and an event's content is the index whose cells fire most above
the background. Only the external input is known to the measure, so that cells driven from
outside are not counted as replay. The state statistics are the usual ones for a cortical state:
the irregularity of single cells (CV of inter-spike intervals; Poisson firing gives 1) and the
synchrony of the population (Golomb's chi: 0 for independent cells, 1 for identical ones;
Golomb 2007, Scholarpedia 2:1347).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

RATE_STEP = 1e-3  # s: the grid of the smoothed population rate
SYNCHRONY_BIN = 5e-3  # s: spike counts per cell in bins of this width for chi
MIN_SPIKES_CV = 3  # a cell's ISI CV needs at least two intervals
CLIP_ROUNDS = 20  # at most this many rounds of sigma clipping for an event threshold


def counts(cells: np.ndarray, times: np.ndarray, n: int, start: float, end: float) -> np.ndarray:
    """Spikes per cell in [start, end)."""
    sel = (times >= start) & (times < end)
    return np.bincount(cells[sel], minlength=n)


def isi_cv(cells: np.ndarray, times: np.ndarray, start: float, end: float) -> float:
    """Mean over cells (with >= 3 spikes in [start, end)) of the CV of their inter-spike
    intervals; NaN when no cell fired often enough."""
    sel = (times >= start) & (times < end)
    cells, times = cells[sel], times[sel]
    order = np.lexsort((times, cells))
    cells, times = cells[order], times[order]
    cvs = []
    for t in np.split(times, np.flatnonzero(np.diff(cells)) + 1):  # one train per cell
        if t.size >= MIN_SPIKES_CV:
            isi = np.diff(t)
            cvs.append(isi.std() / isi.mean() if isi.mean() > 0 else np.nan)
    return float(np.nanmean(cvs)) if cvs else np.nan


def synchrony(cells: np.ndarray, times: np.ndarray, n: int, start: float, end: float) -> float:
    """Golomb's chi over the cells' binned spike counts: sqrt(variance of the population mean /
    mean variance of a cell). About 1/sqrt(n) for independent cells; NaN when nothing fired."""
    bins = max(1, int(round((end - start) / SYNCHRONY_BIN)))
    sel = (times >= start) & (times < end)
    k = np.minimum(((times[sel] - start) / SYNCHRONY_BIN).astype(int), bins - 1)
    counts = np.zeros((n, bins))
    np.add.at(counts, (cells[sel], k), 1)
    single = counts.var(axis=1).mean()
    if single == 0:
        return np.nan
    return float(np.sqrt(counts.mean(axis=0).var() / single))


def smoothed_rate(
    times: np.ndarray, n: int, start: float, end: float, sigma: float
) -> tuple[np.ndarray, np.ndarray]:
    """(time, rate in Hz per cell): the population's spikes on a 1 ms grid, smoothed with a
    Gaussian of width `sigma` (s)."""
    steps = max(1, int(round((end - start) / RATE_STEP)))
    sel = (times >= start) & (times < end)
    k = np.minimum(((times[sel] - start) / RATE_STEP).astype(int), steps - 1)
    counts = np.bincount(k, minlength=steps) / (n * RATE_STEP)
    half = int(np.ceil(4 * sigma / RATE_STEP))
    x = np.arange(-half, half + 1) * RATE_STEP
    kernel = np.exp(-0.5 * (x / sigma) ** 2)
    rate = np.convolve(counts, kernel / kernel.sum(), mode="same")
    return start + (np.arange(steps) + 0.5) * RATE_STEP, rate


def detect_events(
    t: np.ndarray, rate: np.ndarray, threshold_sd: float, edge_sd: float
) -> list[tuple[float, float]]:
    """Population events as (onset, end) in s: stretches where the smoothed rate exceeds its
    baseline by `edge_sd` SDs and somewhere by `threshold_sd` (ripple detection on an envelope,
    with the rate in place of the ripple band).

    The baseline mean and SD are those of the rate outside events: the samples above mean +
    `threshold_sd` SDs are set aside and both computed again until none is (sigma clipping).
    Events fill a good part of a night, and a mean and SD that include them hide the smaller
    ones; a median and MAD would not do, as the sparse rate's noise is skewed.
    """
    if rate.size == 0:
        return []
    quiet = np.ones(rate.size, dtype=bool)
    for _ in range(CLIP_ROUNDS):
        baseline, sd = rate[quiet].mean(), rate[quiet].std()
        keep = rate <= baseline + threshold_sd * sd
        if sd == 0 or (keep == quiet).all():
            break
        quiet = keep
    if sd == 0:
        return []
    above = np.concatenate(([False], rate > baseline + edge_sd * sd, [False]))
    edges = np.flatnonzero(np.diff(above.astype(int)))
    events = []
    for on, off in zip(edges[::2], edges[1::2], strict=True):
        if rate[on:off].max() > baseline + threshold_sd * sd:
            events.append((float(t[on] - RATE_STEP / 2), float(t[off - 1] + RATE_STEP / 2)))
    return events


@dataclass
class Content:
    """What one event replayed: the winning index, its margin and purity."""

    memory: int  # -1: no index above background
    margin: float  # winner's corrected rate / runner-up's (inf: runner-up at background or below)
    purity: float  # fraction of the counted spikes from the winner's index
    completion: float  # fraction of the winner's counted cells that fired


def event_content(
    counts: np.ndarray, duration: float, indices: np.ndarray, counted: np.ndarray
) -> Content:
    """The content of one event from its per-cell spike counts.

    counts: spikes per hippocampal E cell in the event; indices: (memory, cell) membership;
    counted: cells that may count (not driven from outside during the event). An index's rate is
    its counted cells' mean rate minus the mean rate of counted cells in no index.
    """
    rate = counts / duration
    background_cells = counted & ~indices.any(axis=0)
    background = rate[background_cells].mean() if background_cells.any() else 0.0
    corrected = np.array(
        [rate[idx & counted].mean() - background if (idx & counted).any() else -np.inf
         for idx in indices]
    )  # fmt: skip
    order = np.argsort(corrected)[::-1]
    winner = int(order[0])
    if not np.isfinite(corrected[winner]) or corrected[winner] <= 0:
        return Content(-1, np.nan, 0.0, 0.0)
    runner_up = corrected[order[1]] if len(order) > 1 else -np.inf
    margin = corrected[winner] / runner_up if runner_up > 0 else np.inf
    total = counts[counted].sum()
    mine = indices[winner] & counted
    purity = counts[mine].sum() / total if total else 0.0
    return Content(winner, float(margin), float(purity), float((counts[mine] > 0).mean()))


SINGLE_WINNER = 2.0  # an event has a single winner when its margin exceeds this
EVENT_PHASES = ("sleep", "wake")  # phases searched for events: the offline ones
LEAD_BEFORE = 0.1  # s: who leads an event is read from this long before its onset to its end
LEAD_SIGMA = 5e-3  # s: smoothing of the rates whose half-rise times are compared


def driven(stimulus: np.ndarray, step: float, start: float, end: float) -> np.ndarray:
    """Cells with external input at any time in [start, end) (stimulus: (steps, cells) Hz)."""
    first = int(np.floor(start / step))
    last = max(first + 1, int(np.ceil(end / step)))
    return (stimulus[first:last] > 0).any(axis=0)


def in_windows(t: np.ndarray, windows: list[tuple[float, float]]) -> np.ndarray:
    """Which of the times `t` fall inside any of the (start, end) windows."""
    inside = np.zeros(np.shape(t), dtype=bool)
    for start, end in windows:
        inside |= (t >= start) & (t < end)
    return inside


def phase_states(
    spikes: dict[str, tuple[np.ndarray, np.ndarray, int]],
    populations: tuple[str, ...],
    phases: list[dict],
) -> dict[str, np.ndarray]:
    """ISI CV and synchrony per (phase, population); NaN where no spikes are recorded."""
    shape = (len(phases), len(populations))
    cv, chi = np.full(shape, np.nan), np.full(shape, np.nan)
    for k, phase in enumerate(phases):
        for j, pop in enumerate(populations):
            if pop in spikes:
                cells, times, n = spikes[pop]
                cv[k, j] = isi_cv(cells, times, phase["start"], phase["end"])
                chi[k, j] = synchrony(cells, times, n, phase["start"], phase["end"])
    return {"phase_isi_cv": cv, "phase_synchrony": chi}


def down_state_rate(
    spikes: tuple[np.ndarray, np.ndarray, int],
    phases: list[dict],
    up_states: list[tuple[float, float]],
) -> float:
    """Mean rate (Hz) of a population outside up states during sleep; NaN without sleep."""
    cells, times, n = spikes
    sleep = [(p["start"], p["end"]) for p in phases if p["kind"] == "sleep"]
    down = sum(end - start for start, end in sleep) - sum(end - start for start, end in up_states)
    if not sleep or down <= 0:
        return np.nan
    count = np.count_nonzero(in_windows(times, sleep) & ~in_windows(times, up_states))
    return float(count / (n * down))


def half_rise(times: np.ndarray, n: int, start: float, end: float) -> float:
    """When (s) a population's smoothed rate in [start, end) last climbs, before its peak,
    through the level halfway from its lowest to its highest value; NaN if it never fires or
    is above that level from the start (it rose earlier than the window shows)."""
    t, rate = smoothed_rate(times, n, start, end, LEAD_SIGMA)
    if not rate.size or rate.max() <= 0:
        return np.nan
    half = rate.min() + 0.5 * (rate.max() - rate.min())
    below = np.flatnonzero(rate[: np.argmax(rate)] < half)
    return float(t[below[-1] + 1]) if below.size else np.nan


def cortex_lead(
    hpc: tuple[np.ndarray, np.ndarray, int],
    ctx: tuple[np.ndarray, np.ndarray, int],
    pattern: np.ndarray,
    window: tuple[float, float],
) -> float:
    """How long (s) the cortical `pattern` rises before the hippocampal E cells in `window`:
    the difference of their half-rise times (positive: the cortex first)."""
    start, end = window
    in_pattern = pattern[ctx[0]]
    ctx_rise = half_rise(ctx[1][in_pattern], int(pattern.sum()), start, end)
    return half_rise(hpc[1], hpc[2], start, end) - ctx_rise


def cortex_side(
    hpc: tuple[np.ndarray, np.ndarray, int],
    ctx: tuple[np.ndarray, np.ndarray, int],
    patterns: np.ndarray,
    event: tuple[float, float],
    phase_start: float,
) -> tuple[int, float]:
    """The pattern with the highest cortical rate in the `event` (-1: cortex silent) and its
    lead over the hippocampus (:func:`cortex_lead`, NaN when silent)."""
    on, off = event
    cortex = counts(ctx[0], ctx[1], ctx[2], on, off)
    if not cortex.sum():
        return -1, np.nan
    memory = int(np.argmax((patterns.astype(int) @ cortex) / patterns.sum(axis=1)))
    window = (max(phase_start, on - LEAD_BEFORE), off)
    return memory, cortex_lead(hpc, ctx, patterns[memory], window)


def events(
    hpc: tuple[np.ndarray, np.ndarray, int],
    ctx: tuple[np.ndarray, np.ndarray, int],
    memories: tuple[np.ndarray, np.ndarray],
    phases: list[dict],
    inputs: tuple[np.ndarray, float],
    up_states: list[tuple[float, float]],
    detect: tuple[float, float, float],
) -> dict[str, Any]:
    """Sharp-wave ripples: population events of the hippocampal E cells in the offline phases,
    with their content (the ``swr_*`` variables and ``replay_count``).

    hpc, ctx: (cell, time, n) of the spikes; memories: (indices, patterns) as boolean
    (memory, cell); inputs: (stimulus (steps, cells) in Hz, its step in s); detect: (smoothing
    sigma in s, threshold SDs, edge SDs).
    """
    cells, times, n = hpc
    indices, patterns = memories
    stimulus, step = inputs
    sigma, threshold_sd, edge_sd = detect
    rows = []
    for k, phase in enumerate(phases):
        if phase["kind"] not in EVENT_PHASES:
            continue
        t, rate = smoothed_rate(times, n, phase["start"], phase["end"], sigma)
        for on, off in detect_events(t, rate, threshold_sd, edge_sd):
            spikes = counts(cells, times, n, on, off)
            c = event_content(spikes, off - on, indices, ~driven(stimulus, step, on, off))
            cortex_memory, lead = cortex_side(hpc, ctx, patterns, (on, off), phase["start"])
            rows.append(
                (on, off - on, k, c.memory, c.margin, c.purity, c.completion, cortex_memory, lead)
            )
    columns = [np.asarray(c) for c in zip(*rows, strict=True)] or [np.zeros(0)] * 9
    onset, duration, phase, memory, margin, purity, completion, cortex_memory, lead = columns
    memory = memory.astype(int)
    single = np.nan_to_num(margin.astype(float), nan=0.0) > SINGLE_WINNER
    in_up = in_windows(onset, up_states)
    up_time = sum(end - start for start, end in up_states)
    return {
        "swr_time": onset.astype(float),
        "swr_duration": duration.astype(float),
        "swr_phase": phase.astype(int),
        "swr_memory": memory,
        "swr_margin": margin.astype(float),
        "swr_purity": purity.astype(float),
        "swr_completion": completion.astype(float),
        "swr_cortex_memory": cortex_memory.astype(int),
        "swr_cortex_lead": lead.astype(float),
        "swr_in_up_state": in_up,
        "replay_count": np.array(
            [np.count_nonzero(single & (memory == m)) for m in range(len(indices))]
        ),
        "swr_single_fraction": single.mean() if rows else np.nan,
        "swr_up_fraction": in_up.mean() if rows else np.nan,
        "swr_rate_up": in_up.sum() / up_time if up_time > 0 else np.nan,
    }
