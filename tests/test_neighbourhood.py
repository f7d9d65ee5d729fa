"""The neighbourhood: copies of network studies at points of a Latin hypercube around the tuned
model (config key ``neighbourhood``), validated with the config like any study."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import yaml
from conftest import REPO

from consolidation.model.specs import SPECS
from consolidation.studies.grid import ConfigError, load_studies
from consolidation.studies.neighbourhood import PARAMETERS, scaled_points


def test_each_parameter_has_one_point_per_stratum():
    factors = scaled_points(points=16, dims=10, spread=0.2, seed=3)
    assert factors.shape == (16, 10)
    assert factors.min() >= 0.8 and factors.max() <= 1.2
    strata = np.floor((factors - 0.8) / 0.4 * 16).astype(int)
    for column in strata.T:  # a Latin hypercube: every stratum once per parameter
        assert sorted(column) == list(range(16))
    assert np.array_equal(factors, scaled_points(16, 10, 0.2, 3))
    assert not np.array_equal(factors, scaled_points(16, 10, 0.2, 4))


def test_copies_vary_around_each_studys_own_value(tiny_config):
    config = copy.deepcopy(tiny_config)
    config["studies"]["sleep_vs_wake"]["fixed"] = {"cortex.eta": 0.004}
    config["neighbourhood"] = {"points": 4, "spread": 0.1, "studies": ["sleep_vs_wake"]}
    studies = load_studies(config)
    copies = [f"sleep_vs_wake-n{k:02d}" for k in range(1, 5)]
    assert [s for s in studies if s.startswith("sleep_vs_wake-")] == copies
    original = studies["sleep_vs_wake"]
    etas = []
    for name in copies:
        study = studies[name]
        assert study.axes == original.axes and study.seeds == original.seeds
        assert [c.name for c in study.claims] == [c.name for c in original.claims]
        assert study.figures == []
        etas.append(study.fixed["cortex.eta"])
        for parameter in PARAMETERS:
            centre = original.fixed.get(parameter, SPECS[parameter].default)
            assert abs(study.fixed[parameter] / centre - 1) <= 0.1 + 1e-3, parameter
    assert 0.0036 <= min(etas) < max(etas) <= 0.0044


def test_grid_axes_keep_their_values(tiny_config):
    config = copy.deepcopy(tiny_config)
    study = config["studies"]["sleep_vs_wake"]
    study["grid"] = {"cortex.w_ie": [2.0, 4.0]}
    study["claims"] = []
    config["neighbourhood"] = {"points": 2, "studies": ["sleep_vs_wake"]}
    studies = load_studies(config)
    for name in ("sleep_vs_wake-n01", "sleep_vs_wake-n02"):
        assert "cortex.w_ie" not in studies[name].fixed
        assert [c.values["cortex.w_ie"] for c in studies[name].cells] == [2.0, 4.0]


@pytest.mark.parametrize(
    ("neighbourhood", "message"),
    [
        ({"points": 2, "parameters": ["cortex.nope"]}, "'neighbourhood' 'parameters'"),
        ({"points": 2, "parameters": ["cortex.rule"]}, "not a numeric model parameter"),
        ({"points": 2, "studies": ["nope"]}, "no study named 'nope'"),
        ({"points": 2, "parameters": ["projection.w_hc"]}, "nonzero number by a factor, not 0"),
        ({"points": 1}, "neighbourhood"),
        ({"points": 2, "spread": 1.5}, "neighbourhood"),
    ],
)
def test_bad_neighbourhoods_are_refused_naming_the_key(tiny_config, neighbourhood, message):
    config = {**copy.deepcopy(tiny_config), "neighbourhood": neighbourhood}
    with pytest.raises(ConfigError, match=message):
        load_studies(config)


def test_a_study_may_not_be_named_like_a_copy(tiny_config):
    config = copy.deepcopy(tiny_config)
    config["studies"]["run-n01"] = config["studies"].pop("sleep_vs_wake")
    with pytest.raises(ConfigError, match="'run-n01': names ending in -n and a number"):
        load_studies(config)


def test_the_shipped_robustness_config_copies_every_network_study():
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    config.update(yaml.safe_load((REPO / "config" / "robustness.yaml").read_text()))
    studies = load_studies(config)
    network = [n for n, s in studies.items() if s.kind == "network" and "-n" not in n]
    points = config["neighbourhood"]["points"]
    for name in network:
        assert f"{name}-n{points:02d}" in studies
