"""Phase ends inside the schedule's one run: weight snapshots and the day decay as events.

The presynaptic cells of the plastic pathways emit ``phase_end`` (:data:`.equations.PHASE_END`)
where the schedule's phase signal changes; each plastic synapse then runs the code built here.
"""

from __future__ import annotations

import brian2 as b2
from brian2.devices.device import RuntimeDevice

from consolidation.model.equations import DAY, DAY_DECAY, DAY_SLOT, PHASE_SLOT, TAKE_SNAPSHOT
from consolidation.model.parameters import Parameters


def snapshot_slots(phases: int) -> int:
    """Weight snapshot slots for a schedule of `phases`: 16 (every shipped schedule fits), or a
    power of two above, so that schedules of different lengths share their program."""
    return max(16, 1 << max(phases - 1, 0).bit_length())


def phase_end_code(snapshots: int, decays: bool) -> str:
    """What a plastic synapse runs at a phase end: its weight into the ended phase's slot, and
    at a day boundary the decay (if its pathway `decays`), then its weight into the day's."""
    return (
        DAY
        + _into_slots(PHASE_SLOT, snapshots)
        + (DAY_DECAY if decays else "")
        + _into_slots(DAY_SLOT, snapshots)
    )


def _into_slots(chosen: str, snapshots: int) -> str:
    """The weight into whichever slot `chosen` (formatted with the slot's k) selects."""
    return "".join(TAKE_SNAPSHOT.format(k=k, chosen=chosen.format(k=k)) for k in range(snapshots))


def schedule_phase_events(params: Parameters, plastic) -> None:
    """The phase-end events and what they run go first in a time step (the step that begins
    the next phase). In runtime mode, where every object costs a Python call per time step,
    they run on a clock of the control grid, so they cost nothing between phases; a compiled
    program keeps its one clock (brian2 writes the set-up of several clocks in a random order,
    so each process would generate another program)."""
    runtime = isinstance(b2.get_device(), RuntimeDevice)
    clock = b2.Clock(params.q("simulation.control_step"), name="control_grid") if runtime else None
    sources = {syn.source.name: syn.source for syn in plastic.values()}.values()
    events = [group.thresholder["phase_end"] for group in sources]
    pathways = [syn.phase_end for syn in plastic.values()]
    for order, objects in enumerate((events, pathways)):
        for obj in objects:
            if clock is not None:
                obj._clock = clock  # no public setter; none of them is in a network yet
            obj.when, obj.order = "start", order
