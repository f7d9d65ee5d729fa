"""Measurements from a finished run: recall, replay content, weights, rates, a raster sample.

Everything here is computed from recorded spikes and weights. The sharp-wave ripples (``swr_*``,
``replay_count``) are events detected from spikes alone (:mod:`.activity`); the ``drive_*``
variables record what the schedule gave (its sharp-wave drives), which no measure reads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import brian2 as b2
import numpy as np
import xarray as xr

from consolidation.model import activity, variables
from consolidation.model.controls import CONDITIONS

if TYPE_CHECKING:
    from consolidation.model.controls import Controls, Record
    from consolidation.model.network import Model
    from consolidation.model.parameters import Parameters

POPULATIONS = ("ctx_e", "ctx_i", "hpc_e", "hpc_i")


def _pair_masks(model: Model, pathway: str, pre: np.ndarray, post: np.ndarray) -> np.ndarray:
    """Boolean over synapses: presynaptic cell in `pre` and postsynaptic cell in `post`."""
    syn = model.plastic[pathway]
    return pre[np.asarray(syn.i[:])] & post[np.asarray(syn.j[:])]


def weight_summary(model: Model, variable: str = "w") -> dict[str, Any]:
    """Mean weights (mV) after a phase: within each pattern, between patterns, bindings.

    `variable`: the synaptic variable holding the weights (``w_after_<k>``: the snapshot the
    network took at the end of phase k, :meth:`..network.Model.snapshot`).
    """
    mem = model.memories
    w = {k: np.asarray(getattr(s, variable)[:]) / 1e-3 for k, s in model.plastic.items()}
    ctx_pre = model.plastic["ctx_ee"]
    i, j = np.asarray(ctx_pre.i[:]), np.asarray(ctx_pre.j[:])
    same = np.zeros(len(i), dtype=bool)
    for pattern in mem.patterns:
        same |= pattern[i] & pattern[j]
    in_any = mem.patterns.any(axis=0)
    between = in_any[i] & in_any[j] & ~same

    def mean(values, mask):
        return float(values[mask].mean()) if mask.any() else np.nan

    return {
        "within": [mean(w["ctx_ee"], pat[i] & pat[j]) for pat in mem.patterns],
        "between": mean(w["ctx_ee"], between),
        "hpc_within": [
            mean(w["hpc_ee"], _pair_masks(model, "hpc_ee", idx, idx)) for idx in mem.indices
        ],
        "binding": [
            mean(w["hpc_ctx"], _pair_masks(model, "hpc_ctx", idx, pat))
            for idx, pat in zip(mem.indices, mem.patterns, strict=True)
        ],
    }


def _spikes(model: Model, group: str) -> tuple[np.ndarray, np.ndarray]:
    mon = model.spikes[group]
    return np.asarray(mon.i[:]), np.asarray(mon.t[:] / b2.second)


def recall_scores(model: Model, record: Record) -> dict[tuple[str, int, str], tuple]:
    """Per test: recall, the rate of the uncued rest of the pattern minus the rate of the cells
    outside it, and intrusion, the most active other pattern's rate (its cells outside the
    target) minus that same baseline (Hz). Recall minus intrusion is specific: a cue that
    wakes another memory as much as its own scores 0."""
    mem = model.memories
    cells, times = _spikes(model, "ctx_e")
    n = mem.patterns.shape[1]
    out = {}
    for trial in record.tests:
        m = trial["memory"]
        counts = activity.counts(cells, times, n, trial["start"], trial["end"])
        rate = counts / (trial["end"] - trial["start"])
        outside = ~mem.patterns[m]
        baseline = rate[outside].mean()
        rest = mem.patterns[m] & ~mem.cues[m]
        others = [rate[other].mean() for other in mem.patterns & outside if other.any()]
        intrusion = max(others) - baseline if others else np.nan
        out[trial["label"], m, trial["condition"]] = (rate[rest].mean() - baseline, intrusion)
    return out


def binned_rates(model: Model, params: Parameters) -> tuple[np.ndarray, np.ndarray]:
    """Population rates averaged into bins of `simulation.rate_bin` (time, population)."""
    step = max(1, round(params["simulation.rate_bin"] / params["simulation.dt"]))
    columns = []
    for pop in POPULATIONS:
        r = np.asarray(model.rates[pop].rate[:] / b2.Hz)
        n = len(r) // step
        columns.append(r[: n * step].reshape(n, step).mean(axis=1))
    t = (np.arange(len(columns[0])) + 0.5) * step * params["simulation.dt"] / 1e3
    return t, np.stack(columns, axis=1)


def raster_sample(model: Model, params: Parameters, record: Record) -> dict[str, np.ndarray]:
    """Spikes of cortical and hippocampal E cells around the first few sharp-wave drives."""
    k = params["simulation.raster_swrs"]
    if not record.swrs or k == 0:
        return {
            "time": np.zeros(0),
            "cell": np.zeros(0, int),
            "population": np.zeros(0, int),
            "window": (0.0, 0.0),
        }
    start = record.swrs[0]["onset"] - 0.5
    end = record.swrs[min(k, len(record.swrs)) - 1]["onset"] + 0.5
    times, cells, pops = [], [], []
    for code, group in enumerate(("ctx_e", "hpc_e")):
        c, t = _spikes(model, group)
        sel = (t >= start) & (t < end)
        times.append(t[sel])
        cells.append(c[sel])
        pops.append(np.full(sel.sum(), code))
    return {
        "time": np.concatenate(times),
        "cell": np.concatenate(cells),
        "population": np.concatenate(pops),
        "window": (start, end),
    }


def to_dataset(
    model: Model,
    params: Parameters,
    controls: Controls,
    ages: list[int],
    held: np.ndarray | None = None,
) -> xr.Dataset:
    """Assemble every measurement into one self-describing Dataset (:mod:`.variables`); `held`
    is what a working-memory stage held at encoding (None: there was none)."""
    record = controls.record
    n_mem = params["memory.count"]
    labels = list(dict.fromkeys(t["label"] for t in record.tests))
    scores = recall_scores(model, record)
    scores = np.array(
        [[[scores[lab, m, c] for c in CONDITIONS] for m in range(n_mem)] for lab in labels]
    )
    recall, intrusion = scores[..., 0], scores[..., 1]
    t_bins, rates = binned_rates(model, params)
    raster = raster_sample(model, params, record)
    max_rate = float(rates.max()) if rates.size else 0.0
    values = {
        "recall": recall,
        "intrusion": intrusion,
        "recall_specific": recall - intrusion,
        "lesion_deficit": recall[..., CONDITIONS.index("intact")]
        - recall[..., CONDITIONS.index("lesioned")],
        "memory_age": np.array(ages),
        "wm_held": np.full(n_mem, -1, np.int8) if held is None else held,
        "cued": np.isin(np.arange(n_mem), params["cue.memories"]).astype(np.int8),
        "rewarded": np.isin(np.arange(n_mem), params["neuromod.rewarded_memories"]).astype(np.int8),
        **_weights(model, len(record.phases)),
        **_phases(record, t_bins, rates),
        **_drives(record),
        **_detections(model),
        "population_rate": rates,
        **_up_states(record),
        **_activity(model, params, controls),
        "raster_time": raster["time"],
        "raster_cell": raster["cell"],
        "raster_population": raster["population"],
        "pattern": model.memories.patterns,
        "index": model.memories.indices,
        "max_population_rate": max_rate,
        "runaway": max_rate > params["simulation.max_rate"],
        "non_finite": _non_finite(model, rates, recall),
    }
    coords = {
        "probe": np.array(labels, dtype=object),
        "memory": np.arange(n_mem),
        "hippocampus": np.array(CONDITIONS, dtype=object),
        "phase": np.array([p["name"] for p in record.phases], dtype=object),
        "population": np.array(POPULATIONS, dtype=object),
        "time_bin": t_bins,
    }
    ds = variables.dataset(values, coords)
    ds.attrs["raster_window"] = list(raster["window"])
    return ds


def _weights(model: Model, phases: int) -> dict[str, np.ndarray]:
    """The weight summaries at the end of each phase, from the network's snapshots (the last
    phase ends with the run)."""
    w = [weight_summary(model, f"w_after_{k}") for k in range(phases - 1)]
    w.append(weight_summary(model))
    return {
        "weight_within": np.array([x["within"] for x in w]),
        "weight_between": np.array([x["between"] for x in w]),
        "hpc_weight_within": np.array([x["hpc_within"] for x in w]),
        "binding_weight": np.array([x["binding"] for x in w]),
    }


def _phases(record: Record, t_bins: np.ndarray, rates: np.ndarray) -> dict[str, np.ndarray]:
    in_phase = [(t_bins >= p["start"]) & (t_bins < p["end"]) for p in record.phases]
    phase_rate = np.array(
        [rates[m].mean(axis=0) if m.any() else np.full(len(POPULATIONS), np.nan) for m in in_phase]
    ).reshape(len(in_phase), len(POPULATIONS))
    return {
        "phase_start": np.array([p["start"] for p in record.phases]),
        "phase_end": np.array([p["end"] for p in record.phases]),
        "phase_rate": phase_rate,
    }


def _drives(record: Record) -> dict[str, np.ndarray]:
    """The schedule's sharp-wave drives: when, and which index a kick names."""
    return {
        "drive_time": np.array([e["onset"] for e in record.swrs]),
        "drive_seed_memory": np.array([e["seed_memory"] for e in record.swrs], int),
    }


def _detections(model: Model) -> dict[str, np.ndarray]:
    """The closed-loop detector's detections: when, and whether each was disrupted."""
    mon = model.detections
    # A spike monitor reads a variable before the reset draws it: each detection's `disrupt`
    # is the next detection's reading, and the last one's is the detector's state at the end.
    drawn = np.append(np.asarray(mon.disrupt[:], dtype=float)[1:], mon.source.disrupt[0])
    return {
        "detection_time": np.asarray(mon.t / b2.second, dtype=float),
        "detection_disrupted": drawn[: len(mon.t)] > 0.5,
    }


def _activity(model: Model, params: Parameters, controls: Controls) -> dict[str, Any]:
    """State statistics and spike-detected events (:mod:`.activity`)."""
    record = controls.record
    spikes = {g: (*_spikes(model, g), len(model.groups[g])) for g in model.spikes}
    detect = (
        params["detect.rate_sigma"] / 1e3,
        params["detect.threshold_sd"],
        params["detect.edge_sd"],
    )
    inputs = (controls.stimulus["hpc_e"], controls.step)
    return {
        **activity.phase_states(spikes, POPULATIONS, record.phases),
        "down_state_rate": activity.down_state_rate(
            spikes["ctx_e"], record.phases, record.up_states
        ),
        **activity.events(
            spikes["hpc_e"],
            spikes["ctx_e"],
            (model.memories.indices, model.memories.patterns),
            record.phases,
            inputs,
            record.up_states,
            detect,
        ),
    }


def _up_states(record: Record) -> dict[str, np.ndarray]:
    up = np.array(record.up_states).reshape(-1, 2)
    return {"up_start": up[:, 0], "up_end": up[:, 1]}


def _non_finite(model: Model, rates: np.ndarray, recall: np.ndarray) -> bool:
    return not all(
        np.isfinite(np.asarray(x)).all()
        for x in (
            rates,
            recall,
            *(np.asarray(g.v[:]) for g in model.groups.values()),
            *(np.asarray(syn.w[:]) for syn in model.plastic.values()),
        )
    )
