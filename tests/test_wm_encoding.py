"""The working-memory stage of a network cell (encoding.hippocampal_input: working_memory):
only the memories the working-memory network holds at the end of its delay drive their
hippocampal index at encoding. A small working-memory network (400 + 100 cells, four items of 40
cells, a 1 s delay) and a small, short network cell, on the runtime device."""

from __future__ import annotations

import numpy as np
import pytest

from consolidation import ParameterError, Parameters, simulate
from consolidation.backends.base import plan
from consolidation.backends.working_memory import held_memories

WM = {
    "working_memory.n_e": 400,
    "working_memory.n_i": 100,
    "working_memory.item_size": 40,
    "working_memory.items": 4,
    "working_memory.delay": 1.0,
    "memory.count": 4,
    "encoding.hippocampal_input": "working_memory",
}
CELL = {
    **WM,
    "network.scale": 0.2,
    "test.gap": 100.0,
    "simulation.device": "runtime",
    "schedule.phases": [
        {"phase": "encode"},
        {"phase": "offline", "duration": 1.0},
        {"phase": "test", "label": "post"},
    ],
}


def encoding_drive(params: Parameters, held: np.ndarray | None) -> np.ndarray:
    """Per memory, the total planned stimulus to its hippocampal index and cortical pattern in
    the encode phase, (memory, [hippocampus, cortex])."""
    cell = plan(params, 0, held)
    stim, mem = cell.controls.stimulus, cell.memories
    end = round(cell.controls.record.phases[0]["end"] / cell.controls.step)
    return np.array(
        [
            [stim["hpc_e"][:end, mem.indices[m]].sum(), stim["ctx_e"][:end, mem.patterns[m]].sum()]
            for m in range(params["memory.count"])
        ]
    )


def test_more_memories_than_items_is_refused_naming_the_key():
    with pytest.raises(ParameterError, match="'memory.count'.*working_memory.items = 4"):
        Parameters.from_overrides({**WM, "memory.count": 5})
    Parameters.from_overrides({**WM, "memory.count": 5, "encoding.hippocampal_input": "stimulus"})


def test_only_held_memories_drive_the_hippocampus_and_every_pattern_the_cortex():
    params = Parameters.from_overrides(CELL)
    drive = encoding_drive(params, np.array([1, 0, 1, 0], dtype=np.int8))
    assert (drive[[0, 2], 0] > 0).all() and (drive[[1, 3], 0] == 0).all()
    assert (drive[:, 1] > 0).all() and np.ptp(drive[:, 1]) == 0
    everything = encoding_drive(params, None)  # no working-memory stage
    assert (everything[:, 0] == everything[0, 0]).all() and everything[0, 0] == drive[0, 0]


@pytest.mark.slow
def test_what_is_held_comes_from_the_working_memory_network():
    params = Parameters.from_overrides(CELL)
    held = {seed: held_memories(params, seed) for seed in (3, 4)}
    assert all(set(np.unique(h)) <= {0, 1} for h in held.values())
    assert sum(h.sum() for h in held.values()) > 0  # the small network holds something
    assert (held_memories(params, 3) == held[3]).all()  # the same seed, the same items
    # Without facilitation nothing survives the delay, so no index is driven.
    brief = Parameters.from_overrides({**CELL, "working_memory.tau_f": 10.0})
    assert held_memories(brief, 3).sum() == 0


@pytest.mark.slow
def test_a_cell_records_what_working_memory_held():
    gated = simulate(CELL, 3)
    assert (gated["wm_held"].values == held_memories(Parameters.from_overrides(CELL), 3)).all()
    assert "working memory" in gated["wm_held"].attrs["long_name"]
