"""The runtime backend: brian2's runtime device with Cython, one ``run()`` per phase."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Any

import brian2 as b2
import numpy as np
import xarray as xr

from consolidation.backends import provenance
from consolidation.backends.base import configure_brian, forget_objects, plan
from consolidation.model import measure
from consolidation.model.controls import Record
from consolidation.model.network import HPC_PATHWAYS, Model, build_network
from consolidation.model.parameters import Parameters


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


def simulate(params: Parameters, seed: int = 0) -> xr.Dataset:
    """Simulate one grid cell: build the network, run the schedule, return its measurements."""
    wall_start = time.perf_counter()
    configure_brian(params)
    b2.seed(seed)
    cell = plan(params, seed)
    model = build_network(params, cell.memories, cell.controls.timed_arrays())
    record = Runner(model, params, cell.controls.record).run_schedule(cell.phases)
    ds = measure.to_dataset(model, params, record, cell.ages(params))
    ds.attrs.update(provenance.attributes(params, seed, time.perf_counter() - wall_start))
    return ds


def simulate_seeds(params: Parameters, seeds: Iterable[int]) -> Iterator[xr.Dataset]:
    """Each seed a full :func:`simulate` in this process (a batch saves the process start,
    the imports and the loading of the compiled Cython code)."""
    for seed in seeds:
        # brian2 names unnamed objects after the live ones and the names enter the Cython
        # code: without this a second cell would compile its code objects again.
        forget_objects()
        yield simulate(params, seed)
