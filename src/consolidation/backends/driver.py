"""The one driver: ``simulate(params, seed) -> Dataset``, whatever the device.

A cell is planned once (:func:`.base.plan`), run by the backend that ``simulation.device`` names
(:data:`BACKENDS`), then measured and stamped with its provenance here, the same way for all.
The other study kinds simulate one cell and seed at a time by their own function
(:data:`KIND_RUNNERS`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator

import xarray as xr

from consolidation.backends import provenance
from consolidation.backends.base import Backend, plan
from consolidation.backends.runtime import Runtime
from consolidation.backends.standalone import Standalone
from consolidation.backends.stdp_window import simulate_window
from consolidation.backends.working_memory import held_memories, simulate_working_memory
from consolidation.model import measure, stdp, working_memory
from consolidation.model.parameters import Parameters

BACKENDS: dict[str, type[Backend]] = {"runtime": Runtime, "cpp_standalone": Standalone}
# The one-cell simulation of each study kind but network (whose cells go through simulate).
KIND_RUNNERS = {stdp.KIND: simulate_window, working_memory.KIND: simulate_working_memory}


def simulate(params: Parameters | dict | None = None, seed: int = 0) -> xr.Dataset:
    """Simulate one grid cell: build the network, run the schedule, return its measurements."""
    (ds,) = simulate_seeds(params, [seed])
    return ds


def simulate_seeds(params: Parameters | dict | None, seeds: Iterable[int]) -> Iterator[xr.Dataset]:
    """Several seeds of one grid cell in this process, in order, each dataset as it is done.

    Each is identical to ``simulate(params, seed)`` in a fresh process. With cpp_standalone the
    network is built and compiled once and the program re-run per seed; in runtime mode a batch
    saves the process start, the imports and the loading of the compiled Cython code.
    """
    if not isinstance(params, Parameters):
        params = Parameters.from_overrides(params)
    seeds = [int(s) for s in seeds]
    if not seeds:
        return
    # The working-memory stage runs first, on brian2's runtime device, before a compiled
    # backend takes the device over.
    wm_start = time.perf_counter()
    gated = params["encoding.hippocampal_input"] == "working_memory"
    held = {s: held_memories(params, s) if gated else None for s in seeds}
    wm_s = (time.perf_counter() - wm_start) / len(seeds)
    with BACKENDS[params["simulation.device"]](params) as backend:
        for seed in seeds:
            start = time.perf_counter() - wm_s
            cell = plan(params, seed, held[seed])
            with backend.run(seed, cell) as done:
                ds = measure.to_dataset(
                    done.model, params, cell.controls, cell.ages(params), cell.held
                )
                ds = ds.copy(deep=True)  # nothing may point into a compiled run's files
            ds.attrs.update(provenance.attributes(params, seed, time.perf_counter() - start))
            ds.attrs.update(done.attrs)
            yield ds
