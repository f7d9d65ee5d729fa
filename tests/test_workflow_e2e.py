"""End to end: the tiny config through real snakemake and brian2 runs, then dry runs on top.

One run per test session (the ``finished`` fixture of conftest.py, shared with the browser test;
about 2 minutes on 2 cores once brian2's Cython cache is warm); the dry runs check what a change
to the config schedules against that finished run.
"""

from __future__ import annotations

import copy
import json
import re
import zipfile
from pathlib import Path

import pytest
import xarray as xr
from conftest import job_counts, run_snakemake

from consolidation.studies.grid import load_studies

pytestmark = pytest.mark.slow

FIGURE_RULES = {"main_effect", "per_memory", "sleep_raster", "weight_change", "stdp_window"}


def _open(path: Path) -> xr.Dataset:
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        return ds.load()


def _explains_itself(ds: xr.Dataset) -> None:
    for name, var in ds.variables.items():
        if name in ds.dims and name not in ds.coords:
            continue
        assert "units" in var.attrs, f"{name} has no units"
        assert "long_name" in var.attrs, f"{name} has no long_name"


def test_every_cell_dataset_explains_itself(finished):
    workdir, config, _ = finished
    studies = load_studies(config)
    for study in studies.values():
        for path in study.cell_files(str(workdir / "results")):
            ds = _open(Path(path))
            if study.kind == "stdp_window":
                assert set(ds.dims) == {"offset"} and ds.attrs["study_kind"] == study.kind
            else:
                assert {"probe", "memory", "hippocampus", "phase"} <= set(ds.dims)
            assert ds.attrs["seed"] == int(path.rsplit("~", 1)[1].removesuffix(".nc"))
            assert ds.attrs["cell"] == Path(path).parent.name
            assert "code_revision" in ds.attrs and "wall_time_s" in ds.attrs
            for key, value in study.cells[0].overrides.items():
                if key in study.axes:
                    continue
                recorded = ds.attrs[f"param.{key}"]
                if isinstance(value, list):  # lists are recorded as JSON text
                    assert json.loads(recorded) == value
                else:
                    assert recorded == pytest.approx(value)
            _explains_itself(ds)


def test_every_study_dataset_has_grid_axes_seed_memory_and_hippocampus(finished):
    workdir, config, _ = finished
    for study in load_studies(config).values():
        ds = _open(workdir / "results" / study.name / f"{study.name}.nc")
        dims = [*study.axes, "seed"]
        for axis, values in study.axes.items():
            assert list(ds[axis].values) == values
            assert ds[axis].attrs["units"]
        assert list(ds["seed"].values) == study.seeds
        if study.kind == "stdp_window":  # the window along offset instead of recall
            assert list(ds["dw"].dims) == [*dims, "offset"]
            assert ds["dw"].notnull().all()
        else:
            assert list(ds["recall"].dims) == [*dims, "probe", "memory", "hippocampus"]
            assert list(ds["hippocampus"].values) == ["intact", "lesioned"]
            assert ds.sizes["memory"] == config["fixed"]["memory.count"]
            assert ds["recall"].notnull().all()
        assert ds.attrs["study"] == study.name
        assert ds.attrs["cell_count"] == len(study.cells) * len(study.seeds)
        assert ds.attrs["param.network.scale"] == 0.2
        assert "version_brian2" in ds.attrs
        _explains_itself(ds)
        assert not {"spike", "time_bin", "swr"} & set(ds.dims)  # bulky detail stays in cells


def test_figures_exist_as_png_and_svg(finished):
    workdir, config, _ = finished
    for study in load_studies(config).values():
        for kind in study.figures:
            for ext in ("png", "svg"):
                path = workdir / "results" / study.name / "figures" / f"{kind}.{ext}"
                assert path.stat().st_size > 1000


def test_report_has_a_section_per_study_with_its_figures_embedded(finished):
    workdir, config, _ = finished
    html = (workdir / "results" / "report.html").read_text()
    assert "<h2>Claims</h2>" in html and 'id="provenance"' in html
    sections = re.split(r'<section id="study-', html)[1:]
    studies = load_studies(config)
    assert [s.split('"', 1)[0] for s in sections] == list(studies)
    for section, study in zip(sections, studies.values(), strict=True):
        assert section.count('src="data:image/png;base64,') == len(study.figures)
        assert study.description[:30] in section
        numbers = "τ+ fitted (ms)" if study.kind == "stdp_window" else "recall, lesioned (Hz)"
        assert numbers in section
    cells = sum(len(s.cells) * len(s.seeds) for s in studies.values())
    assert cells == 8 + 3  # the network studies' and the STDP window's
    assert f'cells simulated</td><td class="num">{cells}<' in html
    assert "per-cell runtime, mean (s)" in html
    assert "brian2" in html and "2.11.0" in html
    assert not re.search(r'src="(?!data:)', html)  # nothing loaded from outside the page


def test_outputs_are_written_atomically(finished):
    workdir, _, _ = finished
    assert not list((workdir / "results").rglob("*.tmp"))


def test_nothing_left_to_do_after_the_run(finished):
    workdir, _, _ = finished
    proc = run_snakemake(workdir, "-n", configfile=workdir / "tiny.yaml")
    assert "Nothing to be done" in proc.stdout + proc.stderr


def test_adding_a_grid_value_schedules_only_the_new_cells(finished, write_config):
    workdir, config, _ = finished
    bigger = copy.deepcopy(config)
    bigger["studies"]["disruption_ach"]["grid"]["sleep.disruption"].append(0.5)
    proc = run_snakemake(workdir, "-n", configfile=write_config(bigger))
    counts = job_counts(proc.stdout)
    assert counts["simulate"] == 2  # two new cells: disruption 0.5 x ach 0 and 1
    assert counts["collect"] == 1
    known = {c.key for s in load_studies(config).values() for c in s.cells}
    made = re.findall(r"output: results/cells/\w+/([0-9a-f]{16})/", proc.stdout)
    assert len(made) == 2 and not known & set(made)
    assert set(counts) == {
        "simulate",
        "collect",
        "claims",
        "main_effect",
        "weight_change",
        "report",
        "all",
    }


def test_renamed_and_reordered_studies_simulate_nothing_again(finished, write_config):
    workdir, config, _ = finished
    moved = copy.deepcopy(config)
    names = list(moved["studies"])
    # the same studies under new names, in reverse order: only their own outputs are new
    moved["studies"] = {f"{n}_again": moved["studies"][n] for n in reversed(names)}
    proc = run_snakemake(workdir, "-n", configfile=write_config(moved))
    counts = job_counts(proc.stdout)
    assert not {"simulate", "simulate_window", "simulate_working_memory"} & set(counts)
    assert counts["collect"] == len(names)


def test_changing_plot_settings_schedules_only_figures_and_report(finished, write_config):
    workdir, config, _ = finished
    restyled = copy.deepcopy(config)
    restyled["plots"] = {"dpi": 72, "context": "talk"}
    proc = run_snakemake(workdir, "-n", configfile=write_config(restyled))
    counts = job_counts(proc.stdout)
    assert set(counts) == FIGURE_RULES | {"report", "all"}
    assert counts["main_effect"] == 2 and counts["sleep_raster"] == 1


def test_figures_target_redraws_from_stored_datasets_only(finished):
    workdir, _, _ = finished
    proc = run_snakemake(
        workdir,
        "-n",
        "figures",
        "report",
        "--forcerun",
        *FIGURE_RULES,
        configfile=workdir / "tiny.yaml",
    )
    counts = job_counts(proc.stdout)
    assert set(counts) == FIGURE_RULES | {"report", "figures"}


def test_rerendering_the_report_never_resimulates(finished):
    workdir, _, _ = finished
    proc = run_snakemake(
        workdir, "-n", "report", "--forcerun", "report", configfile=workdir / "tiny.yaml"
    )
    assert job_counts(proc.stdout) == {"report": 1}


def test_snakemake_report_zip_works(finished):
    workdir, _, _ = finished
    run_snakemake(
        workdir, "--report", "results/snakemake-report.zip", configfile=workdir / "tiny.yaml"
    )
    with zipfile.ZipFile(workdir / "results" / "snakemake-report.zip") as z:
        names = z.namelist()
    assert any(n.endswith("main_effect.png") for n in names)


def test_end_to_end_run_time_is_recorded(finished, record_property):
    _, _, seconds = finished
    record_property("tiny_workflow_seconds", round(seconds, 1))
    print(f"tiny workflow: {seconds:.0f} s")
