"""Run a schedule through the network and measure it: ``simulate(params, seed) -> Dataset``."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterable, Iterator
from typing import Any

import brian2 as b2
import numpy as np
import xarray as xr

from consolidation import measure, provenance
from consolidation.controls import HIPPOCAMPUS, Record, plan_schedule
from consolidation.network import PATHWAYS, Model, build_network, draw_memories
from consolidation.parameters import Parameters
from consolidation.schedule import expand, memory_ages

# What fades at a day boundary: the pathways that learn with the hippocampus.
HPC_PATHWAYS = tuple(k for k, path in PATHWAYS.items() if path.channel == HIPPOCAMPUS)


def configure_brian(params: Parameters) -> None:
    """Cython runtime mode with a persistent cache; the time step from the parameters."""
    b2.prefs.codegen.target = "cython"
    b2.prefs.codegen.runtime.cython.cache_dir = str(provenance.cython_cache_dir())
    b2.prefs.logging.file_log = False
    b2.prefs.logging.std_redirection = False
    b2.defaultclock.dt = params.q("simulation.dt")


class Runner:
    """Runs the planned schedule one phase at a time; between phases it applies the weight
    changes that are instants (day boundaries, downscaling) and notes the weights."""

    def __init__(self, model: Model, params: Parameters, record: Record):
        self.m, self.p, self.record = model, params, record
        self.syn = model.plastic
        self.initial_w = {k: np.asarray(self.syn[k].w[:]).copy() for k in HPC_PATHWAYS}

    def run_schedule(self, phases: list[dict[str, Any]]) -> Record:
        for phase, planned in zip(phases, self.record.phases, strict=True):
            duration = planned["end"] - float(self.m.net.t / b2.second)
            if duration > 0:
                self.m.net.run(duration * b2.second)
            if phase["phase"] == "sleep" and self.p["sleep.downscale"] > 0:
                self.downscale()
            elif phase["phase"] == "day":
                self.day()
            self.record.weights.append(measure.weight_summary(self.m))
        return self.record

    def downscale(self) -> None:
        """Synaptic homeostasis: cut cortical E->E weights, sparing the largest."""
        syn = self.syn["ctx_ee"]
        w = np.asarray(syn.w[:])
        spare = np.quantile(w, self.p["sleep.downscale_spare"])
        syn.w[:] = np.where(w < spare, w * (1 - self.p["sleep.downscale"]), w) * b2.volt

    def day(self) -> None:
        """A day boundary: the hippocampus is a temporary store, its learning fades."""
        keep = 1 - self.p["day.hpc_decay"]
        for k in HPC_PATHWAYS:
            w0 = self.initial_w[k]
            self.syn[k].w[:] = (w0 + (np.asarray(self.syn[k].w[:]) - w0) * keep) * b2.volt


def simulate(params: Parameters | dict | None = None, seed: int = 0) -> xr.Dataset:
    """Simulate one grid cell: build the network, run the schedule, return its measurements."""
    if not isinstance(params, Parameters):
        params = Parameters.from_overrides(params)
    if params["simulation.device"] == "cpp_standalone":
        from consolidation import standalone

        return standalone.simulate(params, seed)
    wall_start = time.perf_counter()
    configure_brian(params)
    # Independent streams: network wiring/noise (brian2), memories, and the night's events.
    structure_seed, events_seed = np.random.SeedSequence(seed).spawn(2)
    b2.seed(seed)
    memories = draw_memories(params, np.random.default_rng(structure_seed))
    phases = expand(params)
    controls = plan_schedule(params, phases, memories, np.random.default_rng(events_seed))
    model = build_network(params, memories, controls.timed_arrays())
    record = Runner(model, params, controls.record).run_schedule(phases)
    ds = measure.to_dataset(model, params, record, memory_ages(phases, params["memory.count"]))
    ds.attrs.update(provenance.attributes(params, seed, time.perf_counter() - wall_start))
    return ds


def forget_objects() -> None:
    """Let an earlier cell's brian2 objects die, so a new cell's generated names restart.

    brian2 names objects without an explicit name (``poissoninput_binomial``, ``network``,
    ``..._codeobject``) after the objects of that kind still alive, and the names enter the
    generated code. brian2 keeps the statements it translated in a cache that holds on to the
    functions they call (a PoissonInput's binomial sampler), so a second cell in one process
    would otherwise get ``poissoninput_binomial_4``: other code, another key, a recompile.
    """
    from brian2.codegen.translation import make_statements

    make_statements._cache.clear()
    gc.collect()


def simulate_seeds(params: Parameters | dict | None, seeds: Iterable[int]) -> Iterator[xr.Dataset]:
    """Several seeds of one grid cell in this process, in order, each dataset as it is done.

    Each is identical to ``simulate(params, seed)`` in a fresh process. With cpp_standalone the
    network is built once and the compiled program re-run per seed; in runtime mode each seed
    is a full ``simulate`` (the process start, imports and loading of the compiled Cython code
    are what a batch saves).
    """
    if not isinstance(params, Parameters):
        params = Parameters.from_overrides(params)
    if params["simulation.device"] == "cpp_standalone":
        from consolidation import standalone

        yield from standalone.simulate_seeds(params, seeds)
        return
    for seed in seeds:
        # brian2 names unnamed objects after the live ones and the names enter the Cython
        # code: without this a second cell would compile its code objects again.
        forget_objects()
        yield simulate(params, seed)
