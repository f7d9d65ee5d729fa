"""Run a schedule through the network and measure it: ``simulate(params, seed) -> Dataset``."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import brian2 as b2
import numpy as np
import xarray as xr

from consolidation import measure, provenance
from consolidation.network import Model, build_network
from consolidation.parameters import Parameters
from consolidation.schedule import expand, memory_ages

HPC_PATHWAYS = ("hpc_ee", "hpc_ctx", "ctx_hpc")


@dataclass
class Record:
    """What the schedule runner notes while it runs; turned into a Dataset afterwards."""

    phases: list[dict[str, Any]] = field(default_factory=list)  # name, kind, start, end (s)
    weights: list[dict[str, Any]] = field(default_factory=list)  # one snapshot per phase
    tests: list[dict[str, Any]] = field(default_factory=list)  # label, memory, condition, window
    swrs: list[dict[str, Any]] = field(default_factory=list)  # onset, seed memory, disrupted
    up_states: list[tuple[float, float]] = field(default_factory=list)


def configure_brian(params: Parameters) -> None:
    """Cython runtime mode with a persistent cache; the time step from the parameters."""
    b2.prefs.codegen.target = "cython"
    b2.prefs.codegen.runtime.cython.cache_dir = str(provenance.cython_cache_dir())
    b2.prefs.logging.file_log = False
    b2.prefs.logging.std_redirection = False
    b2.defaultclock.dt = params.q("simulation.dt")


class Runner:
    """Sets the network's controls for each phase of the schedule and runs it."""

    def __init__(self, model: Model, params: Parameters, rng: np.random.Generator):
        self.m, self.p, self.rng = model, params, rng
        self.record = Record()
        self.g, self.syn = model.groups, model.plastic
        self.initial_w = {k: np.asarray(self.syn[k].w[:]).copy() for k in HPC_PATHWAYS}

    # --- controls -------------------------------------------------------------------------
    def brain_state(self, ach: float) -> None:
        """Acetylcholine suppresses recurrent and hippocampus->cortex transmission (Hasselmo)."""
        self.syn["ctx_ee"].gain = 1 - ach * self.p["neuromod.ach_recurrent"]
        self.syn["hpc_ctx"].gain = 1 - ach * self.p["neuromod.ach_feedback"]
        self.syn["hpc_ee"].gain = 1 - ach * self.p["neuromod.ach_hpc_recurrent"]

    def learning(self, cortex: float = 0.0, hippocampus: float = 0.0) -> None:
        """Learning gains: cortex multiplies cortex.eta; hippocampus multiplies the fast rates."""
        p = self.p
        scale = p["network.scale"]  # learning rates scale with the weights, as 1/scale
        self.syn["ctx_ee"].eta = cortex * p.q("cortex.eta") / scale
        self.syn["hpc_ee"].eta = hippocampus * p.q("hippocampus.eta") / scale
        for k in ("hpc_ctx", "ctx_hpc"):
            self.syn[k].eta = hippocampus * p.q("projection.eta") / scale

    def drive(self, ctx=None, hpc=None) -> None:
        """Which cells the stimulus drives (boolean masks; None for none)."""
        for name, mask in (("ctx_e", ctx), ("hpc_e", hpc)):
            src = self.m.sources[name]
            src.driven = 0 if mask is None else mask.astype(float)

    def run(self, duration: float) -> None:
        if duration > 0:
            self.m.net.run(duration * b2.second)

    @property
    def now(self) -> float:
        return float(self.m.net.t / b2.second)

    # --- phases -----------------------------------------------------------------------------
    def encode(self, phase: dict[str, Any]) -> None:
        p, mem = self.p, self.m.memories
        self.brain_state(p["neuromod.ach_wake"])
        for _ in range(phase["exposures"]):
            for m in phase["memories"]:
                self.drive(ctx=mem.patterns[m], hpc=mem.indices[m])
                self.learning(
                    cortex=p["encoding.plasticity_gain"], hippocampus=p["neuromod.dopamine"]
                )
                self.run(p["encoding.duration"] / 1e3)
                self.drive()
                self.learning()
                self.run(p["encoding.gap"] / 1e3)

    def sleep(self, phase: dict[str, Any]) -> None:
        p = self.p
        self.brain_state(p["neuromod.ach_sleep"])
        self.learning()
        start = self.now
        for up_start, up_end, onsets in plan_night(p, phase["duration"], self.rng):
            self.set_cortex_offset(-p.q("sleep.down_depth"))
            self.run(start + up_start - self.now)
            self.set_cortex_offset(0 * b2.mV)
            self.record.up_states.append((start + up_start, start + up_end))
            for onset in onsets:
                self.run(start + onset - self.now)
                self.ripple()
            self.run(start + up_end - self.now)
        self.set_cortex_offset(-p.q("sleep.down_depth"))
        self.run(start + phase["duration"] - self.now)
        self.set_cortex_offset(0 * b2.mV)
        if p["sleep.downscale"] > 0:
            self.downscale()

    def ripple(self) -> None:
        """One SWR: seed a few hippocampal cells, open the cortical learning window."""
        p, rng = self.p, self.rng
        onset = self.now
        seed_memory, seeds = self.choose_seed()
        disrupted = bool(rng.random() < p["sleep.disruption"])
        self.g["hpc_e"].t_swr = onset * b2.second
        self.g["hpc_e"].disrupted = float(disrupted)
        src = self.m.sources["hpc_e"]
        src.t_swr = onset * b2.second
        src.seeded = seeds.astype(float)
        self.learning(cortex=p["sleep.plasticity_gain"])
        self.run(p["sleep.plasticity_window"] / 1e3)
        self.learning()
        src.seeded = 0
        self.record.swrs.append(
            {"onset": onset, "seed_memory": seed_memory, "disrupted": disrupted}
        )

    def choose_seed(self) -> tuple[int, np.ndarray]:
        """The cells that start a ripple: part of one memory's index, or random cells."""
        p, mem, rng = self.p, self.m.memories, self.rng
        n_hpc = mem.indices.shape[1]
        k = max(1, round(p["sleep.swr_seed_fraction"] * mem.indices[0].sum()))
        cued = p["sleep.cued_memories"]
        if cued and rng.random() < p["sleep.cue_bias"]:
            memory = int(rng.choice(cued))
        elif p["sleep.swr_seed_source"] == "memory":
            memory = int(rng.integers(p["memory.count"]))
        else:
            memory = -1
        pool = np.flatnonzero(mem.indices[memory]) if memory >= 0 else np.arange(n_hpc)
        seeds = np.zeros(n_hpc, dtype=bool)
        seeds[rng.choice(pool, size=min(k, len(pool)), replace=False)] = True
        return memory, seeds

    def set_cortex_offset(self, value) -> None:
        self.g["ctx_e"].offset = value
        self.g["ctx_i"].offset = value

    def downscale(self) -> None:
        """Synaptic homeostasis: cut cortical E->E weights, sparing the largest."""
        syn = self.syn["ctx_ee"]
        w = np.asarray(syn.w[:])
        spare = np.quantile(w, self.p["sleep.downscale_spare"])
        syn.w[:] = np.where(w < spare, w * (1 - self.p["sleep.downscale"]), w) * b2.volt

    def wake(self, phase: dict[str, Any]) -> None:
        self.brain_state(self.p["neuromod.ach_wake"])
        self.learning(cortex=self.p["wake.plasticity_gain"])
        self.run(phase["duration"])
        self.learning()

    def test(self, phase: dict[str, Any]) -> None:
        p, mem = self.p, self.m.memories
        self.brain_state(p["neuromod.ach_wake"])
        self.learning()
        for condition in measure.HIPPOCAMPUS:
            lesioned = condition == "lesioned"
            self.g["hpc_e"].offset = -p.q("test.lesion_depth") if lesioned else 0 * b2.mV
            for m in range(p["memory.count"]):
                self.drive(ctx=mem.cues[m])
                start = self.now
                self.run(p["test.duration"] / 1e3)
                self.record.tests.append(
                    {
                        "label": phase["label"],
                        "memory": m,
                        "condition": condition,
                        "start": start,
                        "end": self.now,
                    }
                )
                self.drive()
                self.run(p["test.gap"] / 1e3)
        self.g["hpc_e"].offset = 0 * b2.mV

    def day(self, phase: dict[str, Any]) -> None:
        """A day boundary: the hippocampus is a temporary store, its learning fades."""
        keep = 1 - self.p["day.hpc_decay"]
        for k in HPC_PATHWAYS:
            w0 = self.initial_w[k]
            self.syn[k].w[:] = (w0 + (np.asarray(self.syn[k].w[:]) - w0) * keep) * b2.volt

    def run_schedule(self, phases: list[dict[str, Any]]) -> Record:
        for phase in phases:
            start = self.now
            getattr(self, phase["phase"])(phase)
            self.record.phases.append(
                {"name": phase["name"], "kind": phase["phase"], "start": start, "end": self.now}
            )
            self.record.weights.append(measure.weight_summary(self.m))
        return self.record


def plan_night(params: Parameters, duration: float, rng: np.random.Generator):
    """Up states of the slow oscillation and the SWR onsets inside each (times from sleep start).

    SWRs are a Poisson process at `sleep.swr_rate` restricted to up states, with a dead time of
    one plasticity window so that ripple windows never overlap or spill into a down state.
    """
    period = 1 / params["sleep.so_frequency"]
    up_len = params["sleep.up_fraction"] * period
    window = params["sleep.plasticity_window"] / 1e3
    rate = params["sleep.swr_rate"]
    plan = []
    # Each cycle: a down state, then an up state (the night starts in a down state).
    for cycle in range(int(np.ceil(duration / period))):
        up_start = cycle * period + (period - up_len)
        up_end = min(up_start + up_len, duration)
        if up_start >= duration:
            break
        onsets, t = [], up_start
        while rate > 0:
            t += rng.exponential(1 / rate)
            if t + window > up_end:
                break
            onsets.append(t)
            t += window
        plan.append((up_start, up_end, onsets))
    return plan


def simulate(params: Parameters | dict | None = None, seed: int = 0) -> xr.Dataset:
    """Simulate one grid cell: build the network, run the schedule, return its measurements."""
    if not isinstance(params, Parameters):
        params = Parameters.from_overrides(params)
    wall_start = time.perf_counter()
    configure_brian(params)
    # Independent streams: network wiring/noise (brian2), memories, and the night's events.
    structure_seed, events_seed = np.random.SeedSequence(seed).spawn(2)
    b2.seed(seed)
    model = build_network(params, np.random.default_rng(structure_seed))
    phases = expand(params)
    runner = Runner(model, params, np.random.default_rng(events_seed))
    record = runner.run_schedule(phases)
    ds = measure.to_dataset(model, params, record, memory_ages(phases, params["memory.count"]))
    ds.attrs.update(provenance.attributes(params, seed, time.perf_counter() - wall_start))
    return ds
