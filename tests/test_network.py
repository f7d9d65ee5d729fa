"""Single network parts against their equations, with real brian2 runs."""

import brian2 as b2
import numpy as np
import pytest

from consolidation.model.network import Constants, detector, population
from consolidation.model.parameters import Parameters


@pytest.fixture
def numpy_target():
    """brian2's numpy target for a few cells (no compile), restored afterwards."""
    saved = b2.prefs.codegen.target
    b2.prefs.codegen.target = "numpy"
    yield
    b2.prefs.codegen.target = saved


@pytest.mark.parametrize("ach", [0.0, 1.0])
@pytest.mark.parametrize(
    "name, kind, area, blocked",
    [("hpc_e", "hpc_e", "hippocampus", 0.6), ("ctx_e", "cortex", "cortex", 0.0)],
)
def test_acetylcholine_blocks_part_of_the_hippocampal_adaptation(
    ach, name, kind, area, blocked, numpy_target
):
    """Each spike of a hippocampal E cell adds a_jump * (1 - ach_hpc_adaptation * ACh) to its
    adaptation, a cortical E cell the whole a_jump; after a burst `a` is that jump times the
    decay-weighted spike count."""
    b2.start_scope()
    params = Parameters.from_overrides(
        {"neuromod.ach_hpc_adaptation": 0.6, f"{area}.adaptation": 2.0}
    )
    dt = 0.1 * b2.ms
    b2.defaultclock.dt = dt
    drive = b2.TimedArray([30.0] * b2.mV, dt=1 * b2.second)
    signals = {
        "acetylcholine": b2.TimedArray([ach], dt=1 * b2.second),
        "hippocampus_offset": drive,
        "cortex_offset": drive,
        "phase": b2.TimedArray([0.0], dt=1 * b2.second),
    }
    cells = population(name, 3, kind, params, signals, Constants())
    cells.v = params.q("cell.v_reset")
    spikes = b2.SpikeMonitor(cells)
    net = b2.Network(cells, spikes)
    if kind == "hpc_e":  # hippocampal E cells read their closed-loop detector's window
        unarmed = {"disruption": b2.TimedArray([0.0], dt=1 * b2.second)}
        net.add(detector(cells, params, unarmed, Constants()))
    duration = 100 * b2.ms
    net.run(duration)
    tau = params.q(f"{area}.tau_adaptation")
    jump = params.q(f"{area}.adaptation") * (1 - blocked * ach)
    for i in range(3):
        t = spikes.t[spikes.i == i]
        assert len(t) > 3, "the drive should make the cell fire repeatedly"
        # a reset applies its jump after the decay step of that time step
        expected = jump * np.sum(np.exp(-(duration - t - dt) / tau))
        assert float(cells.a[i] / b2.mV) == pytest.approx(float(expected / b2.mV), rel=0.01)


def test_every_constant_of_the_network_is_a_run_time_value(numpy_target):
    """A compiled program holds zeros for the network's constants and reads them at run time
    (backends/standalone.py): a constant the network sets without recording it in its
    Constants would stay zero there. Every shared constant of every object must be recorded,
    and with placeholders be 0."""
    from brian2.core.variables import ArrayVariable

    from consolidation.backends.base import plan
    from consolidation.model.network import build_network

    b2.start_scope()
    params = Parameters.from_overrides({"network.scale": 0.1})
    cell = plan(params, 0)
    signals = cell.controls.timed_arrays()
    model = build_network(params, cell.memories, signals, len(cell.phases), placeholders=True)
    recorded = {(obj.name, name) for obj, name in model.constants.values}
    shared = {
        (obj.name, name)
        for obj in model.net.objects
        for name, var in getattr(obj, "variables", {}).items()
        if isinstance(var, ArrayVariable)
        and var.owner.name == obj.name  # not a pre/post view
        and var.scalar
        and var.constant
        and not var.read_only
    }
    assert shared, "the network has shared constants"
    assert shared <= recorded, sorted(shared - recorded)
    for obj, name in model.constants.values:
        assert np.all(np.asarray(getattr(obj, name)) == 0), (obj.name, name)
