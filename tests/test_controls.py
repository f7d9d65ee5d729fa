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


RACE = {
    "sleep.duration": 4.0,
    "sleep.swr_seed_source": "none",
    "sleep.swr_shape": "ramp",
    "sleep.swr_excitability": 30.0,
    "sleep.swr_duration": 80.0,
    "sleep.plasticity_delay": 20.0,
}


def test_a_race_to_threshold_names_no_memory():
    """With no seed kick the plan drives no hippocampal cell in sleep and names no memory: every
    ripple is the same linear ramp to all hippocampal E cells, the learning window after it."""
    phases, controls = plan(RACE)
    (night,) = [p for p in controls.record.phases if p["kind"] == "sleep"]
    k0, k1 = (round(night[t] / controls.step) for t in ("start", "end"))
    assert not controls.stimulus["hpc_e"][k0:k1].any()
    swrs = controls.record.swrs
    assert swrs and all(s["seed_memory"] == -1 for s in swrs)
    ramp = 0.030 * np.arange(1, 9) / 8  # 8 control steps of 10 ms, up to 30 mV
    onsets = [round(s["onset"] / controls.step) for s in swrs]
    for k in onsets:
        np.testing.assert_allclose(controls.hippocampus_offset[k : k + 8], ramp)
    k = onsets[0]  # the first ripple's window is not the tail of an earlier one
    learning = np.flatnonzero(controls.plasticity[k : k + 12, 0] > 1)
    np.testing.assert_array_equal(learning, np.arange(2, 10))  # 20 ms after the onset, 80 ms


def test_the_step_excitability_is_unchanged_by_the_ramp_option():
    _, step = plan({**RACE, "sleep.swr_shape": "step"})
    for s in step.record.swrs:
        k = round(s["onset"] / step.step)
        np.testing.assert_allclose(step.hippocampus_offset[k : k + 8], 0.030)
