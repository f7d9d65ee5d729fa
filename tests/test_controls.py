"""The planned control signals: what each phase writes, before any simulation."""

import numpy as np

from consolidation.model.controls import plan_schedule
from consolidation.model.memories import draw_memories
from consolidation.model.parameters import Parameters
from consolidation.model.schedule import expand


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


def test_ripple_seeds_cycle_over_the_stored_memories():
    """Each night, every stored memory seeds one ripple before any memory seeds a second."""
    schedule = [
        {"phase": "encode", "memories": [0, 1]},
        {"phase": "sleep"},
        {"phase": "encode", "memories": [2]},
        {"phase": "sleep"},
        {"phase": "test"},
    ]
    common = {"memory.count": 3, "sleep.duration": 6.0, "schedule.phases": schedule}
    _, controls = plan(common)
    nights = [p for p in controls.record.phases if p["kind"] == "sleep"]
    for night, stored in zip(nights, ([0, 1], [0, 1, 2]), strict=True):
        seeds = [
            s["seed_memory"]
            for s in controls.record.swrs
            if night["start"] <= s["onset"] < night["end"]
        ]
        assert len(seeds) >= 2 * len(stored), seeds
        for start in range(0, len(seeds) - len(stored) + 1, len(stored)):
            assert sorted(seeds[start : start + len(stored)]) == stored, seeds
    _, independent = plan({**common, "sleep.swr_seed_order": "independent"})
    drawn = [s["seed_memory"] for s in independent.record.swrs]
    assert set(drawn) <= {0, 1, 2} and drawn != [s["seed_memory"] for s in controls.record.swrs]
