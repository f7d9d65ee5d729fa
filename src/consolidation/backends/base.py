"""What every backend shares: brian2's set-up and the plan of a cell.

A cell is planned once, the same way for every backend: one seed split into independent streams
for the network's wiring and noise (brian2's own seed), the memories, and the schedule's events.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from typing import Any

import brian2 as b2
import numpy as np

from consolidation.backends import provenance
from consolidation.model.controls import Controls, plan_schedule
from consolidation.model.memories import Memories, draw_memories
from consolidation.model.parameters import Parameters
from consolidation.model.schedule import expand, memory_ages


@dataclass
class Plan:
    """A cell before it runs: its phases, its memories and the schedule's control signals."""

    phases: list[dict[str, Any]]
    memories: Memories
    controls: Controls

    def ages(self, params: Parameters) -> list[int]:
        return memory_ages(self.phases, params["memory.count"])


def plan(params: Parameters, seed: int) -> Plan:
    """Memories and the schedule's control signals of one seed (no brian2 object is made)."""
    structure_seed, events_seed = np.random.SeedSequence(seed).spawn(2)
    memories = draw_memories(params, np.random.default_rng(structure_seed))
    phases = expand(params)
    controls = plan_schedule(params, phases, memories, np.random.default_rng(events_seed))
    return Plan(phases, memories, controls)


def configure_brian(params: Parameters) -> None:
    """Cython runtime mode with a persistent cache; the time step from the parameters."""
    b2.prefs.codegen.target = "cython"
    b2.prefs.codegen.runtime.cython.cache_dir = str(provenance.cython_cache_dir())
    b2.prefs.logging.file_log = False
    b2.prefs.logging.std_redirection = False
    b2.defaultclock.dt = params.q("simulation.dt")


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
