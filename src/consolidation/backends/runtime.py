"""The runtime backend: brian2's runtime device with Cython, the schedule in one ``run()``."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import brian2 as b2

from consolidation.backends.base import (
    Backend,
    Finished,
    Plan,
    configure_brian,
    forget_objects,
    run_schedule,
)
from consolidation.model.network import build_network


class Runtime(Backend):
    """Each cell builds its network and runs its schedule in this process."""

    @contextlib.contextmanager
    def run(self, seed: int, cell: Plan) -> Iterator[Finished]:
        # brian2 names unnamed objects after the live ones and the names enter the Cython
        # code: without this a second cell would compile its code objects again.
        forget_objects()
        configure_brian(self.params)
        b2.seed(seed)
        signals = cell.controls.timed_arrays()
        model = build_network(self.params, cell.memories, signals, len(cell.phases))
        run_schedule(model, cell)
        yield Finished(model)
