"""The runtime backend: brian2's runtime device with Cython, one ``run()`` per phase."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import brian2 as b2
import numpy as np

from consolidation.backends.base import (
    Backend,
    Finished,
    Phases,
    Plan,
    configure_brian,
    forget_objects,
    run_schedule,
)
from consolidation.model import measure
from consolidation.model.network import HPC_PATHWAYS, Model, build_network
from consolidation.model.parameters import Parameters


class Between(Phases):
    """The weight changes between phases as Python operations on the live weights."""

    def __init__(self, model: Model, params: Parameters, record):
        self.m, self.p, self.record = model, params, record
        self.syn = model.plastic
        self.initial_w = {k: np.asarray(self.syn[k].w[:]).copy() for k in HPC_PATHWAYS}

    def downscale(self) -> None:
        """Cut cortical E->E weights, sparing the largest (a quantile: runtime only)."""
        syn = self.syn["ctx_ee"]
        w = np.asarray(syn.w[:])
        spare = np.quantile(w, self.p["sleep.downscale_spare"])
        syn.w[:] = np.where(w < spare, w * (1 - self.p["sleep.downscale"]), w) * b2.volt

    def day(self) -> None:
        keep = 1 - self.p["day.hpc_decay"]
        for k in HPC_PATHWAYS:
            w0 = self.initial_w[k]
            self.syn[k].w[:] = (w0 + (np.asarray(self.syn[k].w[:]) - w0) * keep) * b2.volt

    def snapshot(self, k: int) -> None:
        self.record.weights.append(measure.weight_summary(self.m))


class Runtime(Backend):
    """Each cell builds its network and runs it phase by phase in this process."""

    @contextlib.contextmanager
    def run(self, seed: int, cell: Plan) -> Iterator[Finished]:
        # brian2 names unnamed objects after the live ones and the names enter the Cython
        # code: without this a second cell would compile its code objects again.
        forget_objects()
        configure_brian(self.params)
        b2.seed(seed)
        model = build_network(self.params, cell.memories, cell.controls.timed_arrays())
        record = cell.controls.record
        run_schedule(model, self.params, cell, Between(model, self.params, record))
        yield Finished(model, record)
