"""The working-memory study (kind: working_memory): real brian2 cells, real files, collect,
claims, figures, report, config validation and the workflow's plan.

A tiny study (400 + 100 cells, four items of 40 cells, a 1 s delay, loads 1 and 3, two seeds) is
simulated once per module (a few seconds per cell once brian2's Cython cache is warm), written
and read back as the workflow does, and collected into a study dataset. What the network holds is
tests/test_working_memory.py's business: here only the plumbing, so nothing asserts a verdict.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pytest
from conftest import job_counts, run_snakemake, run_study

from consolidation.backends.working_memory import simulate_working_memory
from consolidation.present import plots
from consolidation.present.report import build_report
from consolidation.results.cells import CellFileError, read_cell
from consolidation.results.io import read_netcdf, write_netcdf
from consolidation.results.verify import verify_cell
from consolidation.studies.claims import coordinate_labels, study_variables
from consolidation.studies.grid import ConfigError, cell_file, load_studies
from consolidation.studies.verdicts import evaluate_study

SMALL = {
    "working_memory.n_e": 400,
    "working_memory.n_i": 100,
    "working_memory.item_size": 40,
    "working_memory.items": 4,
    "working_memory.delay": 1.0,
}
CLAIMS = [
    {
        "name": "items held rise with load",
        "variable": "held_count",
        "trend": {"axis": "working_memory.load"},
        "expect": "increasing",
    },
    {
        "name": "hold time rises with load",
        "variable": "hold_time",
        "trend": {"axis": "working_memory.load"},
        "expect": "increasing",
    },
    {
        "name": "capacity",
        "variable": "held_count",
        "select": {"working_memory.load": 3},
        "match": {"value": 4, "tolerance": 0.25},
        "expect": "within",
    },
    {
        "name": "readout reinstates held items",
        "variable": "reinstated",
        "select": {"working_memory.load": 3},
        "contrast": {"by": "held", "a": 1, "b": 0},
        "expect": "greater",
    },
    {
        "name": "first items held",
        "variable": "held",
        "select": {"item": [0, 1]},
        "level": {"than": 0.5},
        "expect": "greater",
    },
]
CONFIG = {
    "fixed": {"network.scale": 0.5},  # shared network overrides: recorded, no effect here
    "studies": {
        "wm": {
            "kind": "working_memory",
            "description": "How many items are held?",
            "fixed": SMALL,
            "grid": {"working_memory.load": [1, 3]},
            "seeds": 2,
            "claims": CLAIMS,
        }
    },
}
FIGURES = ("wm_raster", "wm_capacity", "wm_facilitation")


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    """(study dataset, study summary, cell files), simulated, written, read back, collected."""
    return run_study(tmp_path_factory.mktemp("wm"), CONFIG, simulate_working_memory)


def test_a_cell_file_holds_items_bursts_traces_and_its_raster(study):
    _, _, files = study
    cell = read_netcdf(files[-1])  # load 3, seed 1
    assert cell.attrs["study_kind"] == "working_memory"
    assert cell.attrs["param.working_memory.load"] == 3 and cell.attrs["seed"] == 1
    assert cell.sizes["item"] == 4 and cell.sizes["spike"] > 0
    assert cell["cued"].values.tolist() == [1, 1, 1, 0]
    for mark in ("load_start", "load_end", "delay_end", "readout", "readout_end"):
        assert f"mark_{mark}" in cell.attrs, mark
    for name, var in cell.variables.items():
        if name != "burst":  # a cell's bursts are positions without labels
            assert var.attrs.get("units") and var.attrs.get("long_name"), name


def test_the_study_dataset_stacks_cells_without_their_rasters(study):
    ds, _, files = study
    assert set(ds.data_vars) == {*study_variables("working_memory"), "flag"}
    assert "spike" not in ds.dims and "spike_time" not in ds
    assert list(ds["held_count"].dims) == ["working_memory.load", "seed"]
    assert list(ds["held"].dims) == ["working_memory.load", "seed", "item"]
    assert list(ds["burst_time"].dims) == ["working_memory.load", "seed", "item", "burst"]
    assert list(ds["facilitation"].dims) == ["working_memory.load", "seed", "item", "trace_time"]
    assert ds["working_memory.load"].values.tolist() == [1, 3]
    assert ds["seed"].values.tolist() == [0, 1]
    assert ds.attrs["study_kind"] == "working_memory" and ds.attrs["cell_count"] == 4
    for name, var in ds.variables.items():
        assert var.attrs.get("units") and var.attrs.get("long_name"), name
    # each cell's values as they are in its file; cells pad with NaN to the longest
    cells = [read_netcdf(f) for f in files]
    bursts = [c.sizes["burst"] for c in cells]
    assert ds.sizes["burst"] == max(bursts)
    traces = [c.sizes["trace_time"] for c in cells]
    assert ds.sizes["trace_time"] == max(traces) > min(traces)  # a larger load runs longer
    for (load, seed), cell in zip([(1, 0), (1, 1), (3, 0), (3, 1)], cells, strict=True):
        here = ds.sel({"working_memory.load": load, "seed": seed})
        n = cell.sizes["burst"]
        np.testing.assert_array_equal(here["burst_time"].values[:, :n], cell["burst_time"].values)
        assert np.isnan(here["burst_time"].values[:, n:]).all()
        np.testing.assert_array_equal(here["held"].values, cell["held"].values)
        assert int(here["held_count"]) == int(cell["held_count"])
        end = float(cell["trace_time"][-1])
        tail = here["facilitation"].sel(trace_time=slice(end + 1e-6, None))
        assert tail.isnull().all()
        assert tail.sizes["trace_time"] == ds.sizes["trace_time"] - cell.sizes["trace_time"]


def test_every_claim_kind_is_computed_with_a_verdict(study):
    ds, _, _ = study
    claims = load_studies(copy.deepcopy(CONFIG))["wm"].claims
    results = evaluate_study(ds, claims, "wm")["claims"]
    assert [r["name"] for r in results] == [c["name"] for c in CLAIMS]
    for r in results:
        assert r["verdict"] in ("reproduced", "contradicted", "inconclusive"), r
        assert r["n_seeds"] == 2 and set(r["per_seed"]) == {"0", "1"}, r
        assert any("a verdict needs at least 3" in note for note in r["notes"]), r
    by_name = {r["name"]: r for r in results}
    # the contrast by held: reinstated of held minus dropped items, per seed, from the dataset
    at3 = ds.sel({"working_memory.load": 3})
    for seed in (0, 1):
        held, reinstated = at3["held"].sel(seed=seed), at3["reinstated"].sel(seed=seed)
        if (held == 1).any() and (held == 0).any():
            want = float(reinstated.where(held == 1).mean() - reinstated.where(held == 0).mean())
            assert by_name["readout reinstates held items"]["per_seed"][str(seed)] == (
                pytest.approx(want)
            )
    level = by_name["first items held"]["per_seed"]["0"]
    assert level == pytest.approx(float(ds["held"].sel(seed=0).isel(item=[0, 1]).mean()) - 0.5)
    assert by_name["capacity"]["kind"] == "match" and by_name["capacity"]["interval"] == [3, 5]


def test_figures_and_report_draw_the_working_memory_study(study, tmp_path):
    ds, summary, files = study
    drawn = {}
    for kind in FIGURES:
        data = read_netcdf(files[-1]) if kind == "wm_raster" else ds
        png, svg = tmp_path / f"{kind}.png", tmp_path / f"{kind}.svg"
        plots.save(plots.FIGURES[kind](data, {"dpi": 60}), str(png), str(svg))
        assert png.stat().st_size > 1000 and svg.stat().st_size > 1000, kind
        drawn[kind] = str(png)
    path = tmp_path / "wm.nc"
    write_netcdf(ds, path)
    claims = tmp_path / "claims.json"
    results = evaluate_study(ds, load_studies(copy.deepcopy(CONFIG))["wm"].claims, "wm")
    claims.write_text(json.dumps(results))
    html = build_report(
        studies=[{**summary, "claims": CLAIMS}],
        datasets={"wm": path},
        figures={"wm": drawn},
        captions=dict.fromkeys(FIGURES, "A caption."),
        config=CONFIG,
        benchmarks=[],
        claims={"wm": claims},
    )
    assert "items held" in html and "hold time of a cued item (s)" in html
    assert "Items held through the delay" in html and "recall, lesioned" not in html
    assert html.count('data-kind="wm_') == 3
    assert "readout reinstates held items" in html


def test_a_cell_reruns_bit_for_bit(study):
    _, _, files = study
    mismatches, stored, fresh = verify_cell(Path(files[0]))
    assert fresh is not None and mismatches == [], mismatches


def test_a_working_memory_cell_is_checked_as_collect_reads_it(study, tmp_path):
    _, summary, files = study
    values = {"working_memory.load": 1}
    with pytest.raises(CellFileError, match="made by a working_memory simulation"):
        read_cell(files[0], values, 0, {**summary, "kind": "network"})
    stored = read_netcdf(files[0])
    for name, broken, words in (
        ("fewer_items", stored.isel(item=slice(0, 3)), "has 3 items, working_memory.items is 4"),
        ("no_held", stored.drop_vars("held"), "incomplete, missing held"),
    ):
        path = tmp_path / name / "seed~0.nc"
        write_netcdf(broken, path)
        with pytest.raises(CellFileError, match=words):
            read_cell(path, values, 0, summary)


# --- the config: checked before any job runs ----------------------------------------------------


def _config(**change) -> dict:
    config = copy.deepcopy(CONFIG)
    config["studies"]["wm"].update(change)
    return config


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            {"claims": [{**CLAIMS[0], "variable": "recall"}]},
            ["claim 'items held rise with load'", "'variable'", "recall", "held_count"],
        ),
        (
            {"claims": [{**CLAIMS[3], "select": {"item": 7}}]},
            ["'select' 'item'", "7", "0, 1, 2, 3"],
        ),
        (
            {"claims": [{**CLAIMS[3], "contrast": {"by": "held_count", "a": 1, "b": 0}}]},
            ["'by'", "held_count", "per-item", "reinstated"],
        ),
        (
            {"claims": [{**CLAIMS[3], "select": {"item": 0}}]},
            ["'by'", "cannot fix item"],
        ),
        ({"figures": ["main_effect"]}, ["'figures'", "main_effect", "wm_raster"]),
        ({"fixed": {**SMALL, "working_memory.load": 2}}, ["working_memory.load", "fixed"]),
        (
            {"grid": {"working_memory.load": [1, 5]}},
            ["working_memory.load", "working_memory.items"],
        ),
    ],
)
def test_bad_working_memory_studies_are_rejected_naming_the_key(change, words):
    with pytest.raises(ConfigError) as err:
        load_studies(_config(**change))
    message = str(err.value)
    assert "study 'wm'" in message, message
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"


def test_the_working_memory_vocabulary_of_claims():
    variables = study_variables("working_memory")
    assert variables["held"] == ("item",) and variables["held_count"] == ()
    assert variables["burst_time"] == ("item", "burst")
    assert not any("spike" in dims for dims in variables.values())
    cells = [{"working_memory.items": 3, "working_memory.load": 1}]
    assert coordinate_labels(cells, "working_memory") == {"item": [0, 1, 2]}
    study = load_studies(copy.deepcopy(CONFIG))["wm"]  # no figures given: the kind's default
    assert study.kind == "working_memory" and study.figures == list(FIGURES)


def test_the_workflow_plans_the_working_memory_rules(tiny_config, write_config, tmp_path):
    config = copy.deepcopy(tiny_config)
    config["studies"]["wm"] = {
        **copy.deepcopy(CONFIG["studies"]["wm"]),
        "figures": list(FIGURES),
    }
    proc = run_snakemake(tmp_path, "-n", configfile=write_config(config))
    counts = job_counts(proc.stdout)
    assert counts["simulate_working_memory"] == 4  # two loads x two seeds
    assert all(counts[kind] == 1 for kind in FIGURES), counts
    load3 = load_studies(config)["wm"].cell("working_memory.load~3")
    assert cell_file("working_memory", load3.key, 0) in proc.stdout
    assert "results/wm/figures/wm_raster.png" in proc.stdout
