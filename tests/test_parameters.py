"""The parameter tree: defaults, overrides, and errors that name the offending key."""

import pytest

from consolidation.model.parameters import SPECS, ParameterError, Parameters


def test_defaults_are_complete_and_flat():
    params = Parameters.from_overrides()
    flat = params.flat()
    assert set(flat) == set(SPECS)
    assert all(isinstance(v, int | float | str) for v in flat.values())


def test_overrides_accept_nested_dotted_and_quantity_strings():
    params = Parameters.from_overrides(
        {"sleep": {"duration": 5}, "network.scale": 0.5, "encoding.duration": "0.3 s"}
    )
    assert params["sleep.duration"] == 5.0
    assert params["encoding.duration"] == pytest.approx(300.0)
    assert params.n("network.ctx_e") == 250
    assert str(params.q("sleep.duration")) == "5. s"


@pytest.mark.parametrize(
    ("overrides", "key", "hint"),
    [
        ({"sleep.durration": 5}, "sleep.durration", "sleep.duration"),
        ({"nonsense.value": 1}, "nonsense.value", "known sections"),
        ({"network.ctx_e": -10}, "network.ctx_e", ">= 10"),
        ({"network.scale": 0}, "network.scale", "> 0.05"),
        ({"sleep.disruption": 1.5}, "sleep.disruption", "<= 1"),
        ({"sleep.duration": "200 mV"}, "sleep.duration", "wrong unit"),
        ({"sleep.duration": "ten"}, "sleep.duration", "quantity"),
        ({"network.ctx_e": 10.5}, "network.ctx_e", "integer"),
        ({"sleep.duration": float("nan")}, "sleep.duration", "finite"),
        ({"memory.layout": "grid"}, "memory.layout", "disjoint"),
        ({"cue.memories": [7]}, "cue.memories", "0..4"),
        ({"neuromod.rewarded_memories": [0, 5]}, "neuromod.rewarded_memories", "0..4"),
        ({"schedule.phases": [{"phase": "nap"}]}, "schedule.phases[0]", "unknown phase"),
        ({"schedule.phases": [{"phase": "encode"}]}, "schedule.phases", "no test phase"),
        ({"schedule.phases": [{"phase": "encode", "memories": []}]}, "schedule.phases[0]", "empty"),
        (
            {"schedule.phases": [{"phase": "day"}, {"phase": "test"}]},
            "schedule.phases[0]",
            "between",
        ),
        (
            {
                "schedule.phases": [
                    {"phase": "sleep"},
                    {"phase": "day"},
                    {"phase": "day"},
                    {"phase": "test"},
                ]
            },
            "schedule.phases[2]",
            "between",
        ),
        (
            {"schedule.phases": [{"phase": "test"}, {"phase": "day"}]},
            "schedule.phases[1]",
            "between",
        ),
        ({"memory.count": 20}, "memory.pattern_fraction", "do not fit"),
    ],
)
def test_bad_parameters_name_the_key(overrides, key, hint):
    with pytest.raises(ParameterError) as err:
        Parameters.from_overrides(overrides)
    assert f"'{key}'" in str(err.value)
    assert hint in str(err.value)


@pytest.mark.parametrize(
    "overrides, key",
    [
        ({"working_memory.load": 9}, "working_memory.load"),
        ({"working_memory.item_size": 300}, "working_memory.item_size"),
        ({"working_memory.cue_gap": 400.0}, "working_memory.cue_gap"),
        ({"working_memory.tau_f": 0.0}, "working_memory.tau_f"),
    ],
)
def test_working_memory_parameters_that_do_not_fit_are_rejected(overrides, key):
    with pytest.raises(ParameterError, match=key.replace(".", r"\.")):
        Parameters.from_overrides(overrides)
