"""The planned control signals: what each phase writes, before any simulation."""

import numpy as np

from consolidation.controls import plan_schedule
from consolidation.network import draw_memories
from consolidation.parameters import Parameters
from consolidation.schedule import expand


def plan(overrides: dict):
    params = Parameters.from_overrides({"network.scale": 0.2, **overrides})
    phases = expand(params)
    memories = draw_memories(params, np.random.default_rng(0))
    return phases, plan_schedule(params, phases, memories, np.random.default_rng(1))


def test_acetylcholine_follows_each_phase_kind():
    levels = {"neuromod.ach_wake": 0.9, "neuromod.ach_sleep": 0.1, "neuromod.ach_test": 0.4}
    phases, controls = plan({**levels, "sleep.duration": 2.0})
    expect = {"encode": 0.9, "sleep": 0.1, "test": 0.4}
    seen = set()
    for planned in controls.record.phases:
        k0, k1 = (round(planned[t] / controls.step) for t in ("start", "end"))
        ach = controls.acetylcholine[k0:k1]
        if planned["kind"] in expect and ach.size:
            np.testing.assert_array_equal(ach, expect[planned["kind"]], err_msg=planned["name"])
            seen.add(planned["kind"])
    assert seen == set(expect), [p["kind"] for p in phases]
