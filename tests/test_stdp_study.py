"""The STDP-window study (kind: stdp_window): real brian2 cells, real files, collect, claims.

A small study (two rules, three seeds, six offsets, ten pairs each) is simulated once per module
(about a second per cell once brian2's Cython cache is warm), written and read back as the
workflow does, collected into a study dataset and its claims computed.
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from conftest import run_study

from consolidation.backends.stdp_window import simulate_window
from consolidation.present import plots
from consolidation.present.report import build_report
from consolidation.results.cells import CellFileError, read_cell
from consolidation.results.io import read_netcdf, write_netcdf
from consolidation.studies.claims import coordinate_labels, study_variables
from consolidation.studies.grid import ConfigError, load_studies
from consolidation.studies.verdicts import dumps, evaluate_study

OFFSETS = [-60, -30, -10, -5, 5, 10, 30, 60]
CLAIMS = [
    {
        "name": "pre before post potentiates",
        "variable": "dw",
        "select": {"cortex.rule": "bipoo", "offset": [5, 10, 30, 60]},
        "level": {"than": 0},
        "expect": "greater",
    },
    {
        "name": "post before pre depresses",
        "variable": "dw",
        "select": {"cortex.rule": "bipoo", "offset": [-60, -30, -10, -5]},
        "level": {"than": 0},
        "expect": "less",
    },
    {
        "name": "tau plus",
        "variable": "tau_plus",
        "select": {"cortex.rule": "bipoo"},
        "match": {"value": 16.8, "tolerance": 0.2},
        "expect": "within",
    },
    {
        "name": "tau minus",
        "variable": "tau_minus",
        "select": {"cortex.rule": "bipoo"},
        "match": {"value": 33.7, "tolerance": 0.2},
        "expect": "within",
    },
]
CONFIG = {
    "fixed": {"network.scale": 0.5},  # shared network overrides: recorded, no effect here
    "studies": {
        "window": {
            "kind": "stdp_window",
            "description": "Is the synapse's window Bi & Poo's?",
            "fixed": {"stdp.offsets": OFFSETS, "stdp.pairs": 10},
            "grid": {"cortex.rule": ["bipoo", "symmetric"]},
            "seeds": 3,
            "claims": CLAIMS,
        }
    },
}


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    return run_study(tmp_path_factory.mktemp("window"), CONFIG, simulate_window)


def _explains_itself(ds: xr.Dataset) -> None:
    for name, var in ds.variables.items():
        assert var.attrs.get("units") and var.attrs.get("long_name"), name


def test_a_cell_file_holds_the_window_along_offset_with_provenance(study):
    _, _, files = study
    cell = read_netcdf(files[0])
    assert list(cell["dw"].dims) == ["offset"]
    assert cell["offset"].values.tolist() == sorted(OFFSETS)
    assert cell["offset"].attrs["units"] == "ms"
    _explains_itself(cell)
    for key in ("seed", "code_revision", "code_dirty", "host", "wall_time_s", "version_brian2"):
        assert key in cell.attrs, key
    assert cell.attrs["study_kind"] == "stdp_window"
    assert cell.attrs["param.cortex.rule"] == "bipoo"
    assert cell.attrs["param.stdp.pairs"] == 10
    assert cell.attrs["param.stdp.jitter"] == 2.0
    assert cell.attrs["wall_time_s"] > 0
    folder = Path(files[0]).parents[1]  # results/cells/stdp_window
    assert not list(folder.rglob("*.tmp"))  # written atomically


def test_the_study_dataset_has_grid_axes_seed_and_offset(study):
    ds, summary, _ = study
    assert list(ds["dw"].dims) == ["cortex.rule", "seed", "offset"]
    assert list(ds["tau_plus"].dims) == ["cortex.rule", "seed"]
    assert ds["cortex.rule"].values.tolist() == ["bipoo", "symmetric"]
    assert ds["seed"].values.tolist() == [0, 1, 2]
    assert ds.attrs["study_kind"] == "stdp_window" and ds.attrs["cell_count"] == 6
    assert int(ds["flag"].sum()) == 0
    _explains_itself(ds)
    # the claims' coordinates exist in it
    for claim in load_studies(copy.deepcopy(CONFIG))["window"].claims:
        assert claim.variable in ds
        for dim, value in claim.select.items():
            values = value if isinstance(value, tuple) else (value,)
            assert set(values) <= set(ds[dim].values.tolist()), (dim, values)


def test_bi_poo_rule_reproduces_and_symmetric_rule_has_no_exponential_window(study):
    ds, _, _ = study
    bipoo, symmetric = ds.sel({"cortex.rule": "bipoo"}), ds.sel({"cortex.rule": "symmetric"})
    assert (bipoo["dw"].sel(offset=[5, 10, 30, 60]) > 0).all()
    assert (bipoo["dw"].sel(offset=[-60, -30, -10, -5]) < 0).all()
    assert bipoo["tau_plus"].values == pytest.approx(16.8, rel=0.1)
    assert symmetric["tau_plus"].isnull().all() and symmetric["tau_minus"].isnull().all()
    results = evaluate_study(ds, load_studies(copy.deepcopy(CONFIG))["window"].claims)
    verdicts = {r["name"]: r["verdict"] for r in results["claims"]}
    assert verdicts == dict.fromkeys(verdicts, "reproduced"), results
    tau = next(r for r in results["claims"] if r["name"] == "tau plus")
    assert tau["interval"] == pytest.approx([13.44, 20.16]) and tau["n_seeds"] == 3


def test_seeds_differ_only_through_the_jitter_and_a_seed_is_reproducible(study):
    ds, _, _ = study
    dw = ds["dw"].sel({"cortex.rule": "bipoo"})
    assert not np.array_equal(dw.sel(seed=0).values, dw.sel(seed=1).values)
    again = simulate_window({"cortex.rule": "bipoo", "stdp.offsets": OFFSETS, "stdp.pairs": 10}, 1)
    np.testing.assert_array_equal(again["dw"].values, dw.sel(seed=1).values)
    exact = {"cortex.rule": "bipoo", "stdp.offsets": OFFSETS, "stdp.jitter": 0, "stdp.pairs": 2}
    a, b = simulate_window(exact, 0), simulate_window(exact, 5)
    np.testing.assert_array_equal(a["dw"].values, b["dw"].values)


def test_a_reversed_window_contradicts_the_published_time_constants(tmp_path):
    config = copy.deepcopy(CONFIG)
    study = config["studies"]["window"]
    study["fixed"].update({"stdp.tau_plus": 33.7, "stdp.tau_minus": 16.8})  # swapped
    study["grid"] = {"cortex.rule": ["bipoo"]}
    ds, _, _ = run_study(tmp_path, config, simulate_window)
    results = evaluate_study(ds, load_studies(config)["window"].claims)
    verdicts = {r["name"]: r["verdict"] for r in results["claims"]}
    assert verdicts == {
        "pre before post potentiates": "reproduced",  # the signs are still Bi & Poo's
        "post before pre depresses": "reproduced",
        "tau plus": "contradicted",
        "tau minus": "contradicted",
    }


def test_the_symmetric_rule_contradicts_potentiation_for_pre_before_post(study):
    ds, _, _ = study
    claims = load_studies(copy.deepcopy(CONFIG))["window"].claims
    potentiates, tau_plus = claims[0].to_dict(), claims[2].to_dict()
    potentiates["select"] = {**potentiates["select"], "cortex.rule": "symmetric"}
    tau_plus["select"] = {"cortex.rule": "symmetric"}
    [sign, fit] = evaluate_study(ds, [potentiates, tau_plus], "window")["claims"]
    assert sign["verdict"] == "contradicted" and sign["effect"] < 0
    # lone pairs under the symmetric rule do not decay exponentially: no fit, no verdict
    assert fit["verdict"] == "inconclusive" and fit["n_seeds"] == 0


def test_figure_and_report_draw_the_window_study(study, tmp_path):
    ds, summary, _ = study
    fig = plots.stdp_window(ds)
    assert len(fig.axes) == 2
    png, svg = tmp_path / "w.png", tmp_path / "w.svg"
    plots.save(fig, str(png), str(svg))
    assert png.stat().st_size > 1000 and svg.stat().st_size > 1000
    path = tmp_path / "window.nc"
    write_netcdf(ds, path)
    html = build_report(
        studies=[{**summary, "claims": []}],
        datasets={"window": path},
        figures={"window": {"stdp_window": str(png)}},
        captions={"stdp_window": "The window."},
        config=CONFIG,
        benchmarks=[],
        claims={"window": None},
    )
    assert "τ+ fitted (ms)" in html and "dw at 5 ms" in html and "recall, lesioned" not in html


def test_the_report_flags_a_claim_that_holds_only_at_the_tuned_point(study, tmp_path):
    """Neighbourhood copies (window-n01 to -n03: the same window judged under the Bi & Poo rule
    once and the symmetric rule twice) feed the robustness section only."""
    ds, summary, _ = study
    claims = [c.to_dict() for c in load_studies(copy.deepcopy(CONFIG))["window"].claims]
    rules = {"window": "bipoo", "window-n01": "bipoo", "window-n02": "symmetric"}
    rules["window-n03"] = "symmetric"
    files = {}
    for name, rule in rules.items():
        chosen = [{**c, "select": {**c["select"], "cortex.rule": rule}} for c in claims]
        files[name] = tmp_path / f"{name}.json"
        files[name].write_text(dumps(evaluate_study(ds, chosen, name)))
    html = build_report(
        studies=[{**summary, "name": name, "claims": []} for name in rules],
        datasets=dict.fromkeys(rules),
        figures={},
        captions={},
        config=CONFIG,
        benchmarks=[],
        claims=files,
    )
    assert "window-n0" not in html  # no section, contents entry or claims row of its own
    robustness = html[html.index('<section id="robustness">') :]
    robustness = robustness[: robustness.index("</section>")]
    row = robustness[robustness.index("pre before post potentiates") :].split("</tr>")[0]
    assert "1 of 3 (33%); 2 contradicted" in row and "only at the tuned point" in row
    assert 'href="#robustness"' in html and '<img alt="Per claim' in robustness


def test_a_network_cell_file_is_not_a_window_cell(study, tmp_path):
    _, summary, files = study
    network_summary = {**summary, "kind": "network"}
    with pytest.raises(CellFileError, match="made by a stdp_window simulation"):
        read_cell(files[0], {"cortex.rule": "bipoo"}, 0, network_summary)


# --- the config: a window study is validated like any other, before any job runs ----------------


def _window_config(**change) -> dict:
    config = copy.deepcopy(CONFIG)
    config["studies"]["window"].update(change)
    return config


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"kind": "synapse"}, ["'kind'", "synapse", "stdp_window"]),
        ({"fixed": {"stdp.offsets": [-10, 0, 10]}}, ["'stdp.offsets'", "nonzero"]),
        ({"fixed": {"stdp.offsets": [10, 10]}}, ["'stdp.offsets'", "twice"]),
        ({"fixed": {"stdp.offsets": ["soon"]}}, ["'stdp.offsets'", "soon"]),
        ({"fixed": {"stdp.jitter": -1}}, ["'stdp.jitter'", ">= 0"]),
        ({"fixed": {"stdp.pathway": "thalamus"}}, ["'stdp.pathway'", "cortex"]),
        ({"figures": ["main_effect"]}, ["'figures'", "main_effect", "stdp_window"]),
        (
            {"claims": [{**CLAIMS[0], "variable": "recall"}]},
            ["'variable'", "recall", "dw, tau_minus, tau_plus"],
        ),
        (
            {"claims": [{**CLAIMS[0], "select": {"offset": [5, 7]}}]},
            ["'select' 'offset'", "7", "-60"],
        ),
        (
            {"claims": [{**CLAIMS[2], "match": {"value": 16.8, "tolerance": 1.5}}]},
            ["'tolerance'"],
        ),
        ({"claims": [{**CLAIMS[2], "expect": "greater"}]}, ["'expect'", "within"]),
    ],
)
def test_bad_window_studies_are_rejected_naming_the_key(change, words):
    with pytest.raises(ConfigError) as err:
        load_studies(_window_config(**change))
    message = str(err.value)
    assert "study 'window'" in message, message
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"


def test_a_network_study_cannot_draw_the_window_figure(tiny_config):
    tiny_config["studies"]["sleep_vs_wake"]["figures"] = ["stdp_window"]
    with pytest.raises(ConfigError, match="'figures'.*stdp_window.*main_effect"):
        load_studies(tiny_config)


def test_a_window_cell_is_never_shared_with_a_network_cell():
    # the window study's symmetric cell has exactly the parameters of the network study's cell
    config = copy.deepcopy(CONFIG)
    config["studies"]["window"]["fixed"] = {}
    config["studies"]["net"] = {
        "description": "network",
        "grid": {"cortex.rule": ["symmetric"]},
        "seeds": 3,
    }
    studies = load_studies(config)
    assert studies["window"].cells[0].key != studies["net"].cells[0].key
    assert studies["window"].kind == "stdp_window" and studies["net"].kind == "network"
    assert studies["window"].figures == ["stdp_window"]
    assert studies["net"].figures == ["main_effect", "sleep_raster", "weight_change"]


def test_the_window_vocabulary_of_claims():
    assert study_variables("stdp_window") == {
        "dw": ("offset",),
        "tau_plus": (),
        "tau_minus": (),
    }
    cells = [{"stdp.offsets": [10, -10]}, {"stdp.offsets": [20, 10]}]
    assert coordinate_labels(cells, "stdp_window") == {"offset": [-10.0, 10.0, 20.0]}
