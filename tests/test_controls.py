"""The planned control signals: what each phase writes, before any simulation."""

import numpy as np
import pytest

from consolidation.model.controls import MIN_STEPS, padded, plan_schedule, up_windows
from consolidation.model.memories import draw_memories
from consolidation.model.parameters import Parameters
from consolidation.model.schedule import expand


def small(overrides: dict) -> Parameters:
    return Parameters.from_overrides({"network.scale": 0.2, **overrides})


def plan(overrides: dict):
    params = small(overrides)
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
    common = {
        "memory.count": 3,
        "sleep.duration": 6.0,
        "schedule.phases": schedule,
        "sleep.swr_seed_source": "memory",
    }
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


def test_the_default_plan_names_no_memory_and_opens_no_window():
    """The default night drives no hippocampal cell and names no memory: every ripple drive is
    the same linear ramp to all hippocampal E cells (a race to threshold). Cortical learning
    is not opened around the drives: its gain is the same through the night."""
    phases, controls = plan({"sleep.duration": 4.0})
    (night,) = [p for p in controls.record.phases if p["kind"] == "sleep"]
    k0, k1 = (round(night[t] / controls.step) for t in ("start", "end"))
    assert not controls.stimulus["hpc_e"][k0:k1].any()
    swrs = controls.record.swrs
    assert swrs and all(s["seed_memory"] == -1 for s in swrs)
    ramp = 0.033 * np.arange(1, 9) / 8  # 8 control steps of 10 ms, up to 33 mV
    onsets = [round(s["onset"] / controls.step) for s in swrs]
    for k in onsets:
        np.testing.assert_allclose(controls.hippocampus_offset[k : k + 8], ramp)
    np.testing.assert_array_equal(controls.plasticity[k0:k1, 0], 40.0)  # ACh 0: the full gain
    assert not controls.disruption.any()  # no closed-loop disruption by default


@pytest.mark.parametrize("ach", [0.0, 0.5, 1.0])
def test_cortical_learning_gain_follows_acetylcholine_outside_tests(ach):
    """One rule awake and asleep: the cortical gain is 1 + (gain - 1)(1 - ACh) in every phase
    but the recall tests, where nothing learns; the closed loop is armed in sleep only."""
    phases, controls = plan(
        {"sleep.duration": 2.0, "neuromod.ach_sleep": ach, "sleep.disruption": 0.7}
    )
    expect = {"encode": 1.0, "sleep": 1 + 39 * (1 - ach), "test": 0.0}
    for planned in controls.record.phases:
        k0, k1 = (round(planned[t] / controls.step) for t in ("start", "end"))
        gain = controls.plasticity[k0:k1, 0]
        np.testing.assert_allclose(gain, expect[planned["kind"]], err_msg=planned["name"])
        armed = 0.7 if planned["kind"] == "sleep" else 0.0
        np.testing.assert_array_equal(controls.disruption[k0:k1], armed)


@pytest.mark.parametrize("offline", ["sleep", "wake"])
def test_the_cue_plays_to_stored_cued_memories_in_up_state_windows(offline):
    """Targeted reactivation is input to the cortex, never a choice of the planner: the cued
    memories' cue cells get cue.rate in the up states (awake: windows of the same timing), in
    turn, once the memory is stored; the hippocampus gets nothing."""
    schedule = [
        {"phase": "encode", "memories": [0, 1]},
        {"phase": offline},
        {"phase": "encode", "memories": [2]},
        {"phase": "test"},
    ]
    params = {
        "memory.count": 3,
        "cue.memories": [0, 2],  # 2 is stored only after the offline phase
        "sleep.duration": 6.0,
        "wake.duration": 6.0,
        "schedule.phases": schedule,
    }
    phases, controls = plan(params)
    memories = draw_memories(small(params), np.random.default_rng(0))
    (phase,) = [p for p in controls.record.phases if p["kind"] == offline]
    k0, k1 = (round(phase[t] / controls.step) for t in ("start", "end"))
    ctx = controls.stimulus["ctx_e"][k0:k1]
    assert not controls.stimulus["hpc_e"][k0:k1].any()
    windows = up_windows(small(params), 6.0)
    cued = np.zeros(k1 - k0, dtype=bool)
    for a, b in windows:
        cued[round(a / controls.step) : round(b / controls.step)] = True
    assert not ctx[~cued].any()
    np.testing.assert_array_equal(
        ctx[cued], np.broadcast_to(100.0 * memories.cues[0], ctx[cued].shape)
    )
    if offline == "sleep":
        up = [(a - phase["start"], b - phase["start"]) for a, b in controls.record.up_states]
        np.testing.assert_allclose(up, windows)


def test_the_step_excitability_is_unchanged_by_the_ramp_option():
    _, step = plan({"sleep.duration": 4.0, "sleep.swr_shape": "step"})
    for s in step.record.swrs:
        k = round(s["onset"] / step.step)
        np.testing.assert_allclose(step.hippocampus_offset[k : k + 8], 0.033)


def test_rewarded_memories_are_encoded_at_the_reward_dopamine():
    """Hippocampal learning runs at neuromod.reward_dopamine while a rewarded memory is
    presented and at neuromod.dopamine for the others; nothing else in the plan differs."""
    reward = {"neuromod.rewarded_memories": [1], "neuromod.reward_dopamine": 2.5}
    phases, plain = plan({"sleep.duration": 2.0})
    _, rewarded = plan({"sleep.duration": 2.0, **reward})
    params = small({})
    per = (params["encoding.duration"] + params["encoding.gap"]) / 1e3
    for m in range(params["memory.count"]):
        on = slice(round(m * per / plain.step), round((m * per + 0.4) / plain.step))
        np.testing.assert_array_equal(plain.plasticity[on, 1], 1.0)
        np.testing.assert_array_equal(rewarded.plasticity[on, 1], 2.5 if m == 1 else 1.0)
    plain.plasticity[:, 1] = rewarded.plasticity[:, 1] = 0
    np.testing.assert_array_equal(plain.plasticity, rewarded.plasticity)
    np.testing.assert_array_equal(plain.hippocampus_offset, rewarded.hippocampus_offset)


@pytest.mark.parametrize("layout", ["disjoint", "random"])
def test_a_memory_shares_the_overlap_with_the_one_lag_before_it(layout):
    overrides = {"memory.count": 4, "memory.overlap_lag": 2, "memory.layout": layout}
    rng = np.random.default_rng(3)
    plain = draw_memories(small(overrides), rng)
    shared = draw_memories(small({**overrides, "memory.overlap": 0.5}), np.random.default_rng(3))
    k = plain.patterns[0].sum()
    np.testing.assert_array_equal(shared.patterns.sum(axis=1), k)
    np.testing.assert_array_equal(shared.indices, plain.indices)
    for new, old in ((2, 0), (3, 1)):
        assert (shared.patterns[new] & shared.patterns[old]).sum() >= round(0.5 * k)
        assert (shared.cues[new] <= shared.patterns[new]).all()
    if layout == "disjoint":
        assert not (shared.patterns[0] & shared.patterns[1]).any()
        assert (shared.patterns[2] & shared.patterns[0]).sum() == round(0.5 * k)
        assert not (shared.patterns[2] & shared.patterns[1]).any()


def test_overlap_leaves_the_older_memories_and_their_cues_as_they_were():
    overrides = {"memory.count": 4, "memory.overlap_lag": 2}
    plain = draw_memories(small(overrides), np.random.default_rng(5))
    shared = draw_memories(small({**overrides, "memory.overlap": 0.3}), np.random.default_rng(5))
    np.testing.assert_array_equal(shared.patterns[:2], plain.patterns[:2])
    np.testing.assert_array_equal(shared.cues[:2], plain.cues[:2])


def test_signals_are_padded_to_one_length_with_their_last_value():
    """Schedules of different lengths get TimedArrays of one length (so the same generated
    code); every planned step keeps its value, and the padding repeats the last one."""
    import brian2 as b2

    lengths = set()
    for night in (1.0, 1.5):
        _, controls = plan({"sleep.duration": night})
        steps = len(controls.acetylcholine)
        signals = controls.timed_arrays()
        length = len(signals["acetylcholine"].values)
        assert length == MIN_STEPS > steps
        lengths.add((steps, length))
        for name, planned in (
            ("acetylcholine", controls.acetylcholine),
            ("plasticity", controls.plasticity),
            ("stimulus_ctx_e", controls.stimulus["ctx_e"]),
        ):
            values = np.asarray(signals[name].values)
            assert values.shape == (length, *planned.shape[1:]), name
            np.testing.assert_array_equal(values[:steps], planned)
            padding = values[steps:]
            np.testing.assert_array_equal(padding, np.broadcast_to(planned[-1], padding.shape))
        assert signals["cortex_offset"].dim == b2.volt.dim
    (short, a), (long, b) = sorted(lengths)
    assert short < long and a == b
    # above it, powers of two: a schedule twice as long costs at most twice the memory
    for steps in (MIN_STEPS + 1, 3 * MIN_STEPS):
        assert len(padded(np.zeros(steps))) == 1 << (steps - 1).bit_length()


def test_the_phase_signal_counts_phases_and_skips_a_day():
    """Each planned step holds the position of its phase; a day boundary takes no step, so the
    phase after it is two on; after the schedule the signal holds the number of phases (the
    network's snapshot and day events fire where it changes)."""
    schedule = [
        {"phase": "encode"},
        {"phase": "day"},
        {"phase": "sleep", "duration": 1.0},
        {"phase": "test"},
    ]
    phases, controls = plan({"schedule.phases": schedule})
    ends = [round(p["end"] / controls.step) for p in controls.record.phases]
    assert ends[0] == ends[1] < ends[2] < ends[3] == len(controls.phase) - 1
    expected = np.repeat([0, 2, 3, 4], np.diff([0, ends[0], ends[2], ends[3], ends[3] + 1]))
    np.testing.assert_array_equal(controls.phase, expected)
