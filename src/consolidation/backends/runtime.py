"""The runtime backend: brian2's runtime device with Cython, one ``run()`` per phase."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import brian2 as b2
import numpy as np

from consolidation.backends.base import (
    Backend,
    Finished,
    Plan,
    configure_brian,
    forget_objects,
    run_schedule,
)
from consolidation.model.network import Model, build_network
from consolidation.model.parameters import Parameters


def downscale(params: Parameters, model: Model) -> None:
    """Cut cortical E->E weights, sparing the largest (a quantile of the live weights, which
    only the runtime device can read between phases)."""
    syn = model.plastic["ctx_ee"]
    w = np.asarray(syn.w[:])
    spare = np.quantile(w, params["sleep.downscale_spare"])
    syn.w[:] = np.where(w < spare, w * (1 - params["sleep.downscale"]), w) * b2.volt


class Runtime(Backend):
    """Each cell builds its network and runs it phase by phase in this process."""

    @contextlib.contextmanager
    def run(self, seed: int, cell: Plan) -> Iterator[Finished]:
        # brian2 names unnamed objects after the live ones and the names enter the Cython
        # code: without this a second cell would compile its code objects again.
        forget_objects()
        configure_brian(self.params)
        b2.seed(seed)
        signals = cell.controls.timed_arrays()
        model = build_network(self.params, cell.memories, signals, len(cell.phases))
        run_schedule(model, self.params, cell, lambda m: downscale(self.params, m))
        yield Finished(model)
