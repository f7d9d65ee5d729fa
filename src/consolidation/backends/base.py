"""What every backend shares: the plan of a cell, the schedule's run, brian2's set-up.

A cell is planned once, the same way for every backend: one seed split into independent streams
for the network's wiring and noise (brian2's own seed), the memories, and the schedule's events.
A backend (:class:`Backend`) turns a plan into a finished network. The schedule's run
(:func:`run_schedule`) is the same for all: one run, in which the day decay and the weight
snapshots are the network's own events.
"""

from __future__ import annotations

import contextlib
import gc
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

import brian2 as b2
import numpy as np

from consolidation.backends import provenance
from consolidation.model.controls import Controls, plan_schedule
from consolidation.model.memories import Memories, draw_memories
from consolidation.model.network import Model
from consolidation.model.parameters import Parameters
from consolidation.model.schedule import expand, memory_ages


@dataclass
class Plan:
    """A cell before it runs: its phases, its memories and the schedule's control signals."""

    phases: list[dict[str, Any]]
    memories: Memories
    controls: Controls
    held: np.ndarray | None = None  # per memory, 1 if working memory held it at encoding

    def ages(self, params: Parameters) -> list[int]:
        return memory_ages(self.phases, params["memory.count"])


def plan(params: Parameters, seed: int, held: np.ndarray | None = None) -> Plan:
    """Memories and the schedule's control signals of one seed (no brian2 object is made).

    `held`: which memories the working-memory stage held (:func:`.working_memory.held_memories`),
    the only ones whose index the encoding stimulus then drives; None drives every index.
    """
    structure_seed, events_seed = np.random.SeedSequence(seed).spawn(2)
    memories = draw_memories(params, np.random.default_rng(structure_seed))
    phases = expand(params)
    rng = np.random.default_rng(events_seed)
    controls = plan_schedule(params, phases, memories, rng, held)
    return Plan(phases, memories, controls, held)


def configure_brian(params: Parameters) -> None:
    """Cython runtime mode with a persistent cache; the time step and the compiled program's
    threads from the parameters."""
    b2.prefs.codegen.target = "cython"
    b2.prefs.codegen.runtime.cython.cache_dir = str(provenance.cython_cache_dir())
    b2.prefs.logging.file_log = False
    b2.prefs.logging.std_redirection = False
    b2.defaultclock.dt = params.q("simulation.dt")
    # 0, not 1, for one thread: brian2 then writes no OpenMP code, so serial programs (and their
    # cache keys) stay what they were before threads existed.
    threads = params["simulation.threads"]
    b2.prefs.devices.cpp_standalone.openmp_threads = threads if threads > 1 else 0


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


@dataclass
class Finished:
    """A simulated cell, ready to be measured: the network after the whole schedule, and the
    backend's own dataset attributes (e.g. compile and run times)."""

    model: Model
    attrs: dict[str, Any] = field(default_factory=dict)


class Backend(ABC):
    """Runs planned cells of one parameter set on one brian2 device (a context manager: the
    device is set up on entry and given back on exit)."""

    def __init__(self, params: Parameters):
        self.params = params

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    @abstractmethod
    def run(self, seed: int, cell: Plan) -> contextlib.AbstractContextManager[Finished]:
        """Simulate one planned cell; the result is valid inside the ``with`` block."""


def run_schedule(model: Model, cell: Plan) -> None:
    """Run (or, on a compiled device, queue) the whole plan as one run.

    Between phases the network runs its own events (the weight snapshots, the day decay).
    """
    model.net.run(cell.controls.record.phases[-1]["end"] * b2.second)
