"""batch.minutes: jobs sized in minutes, each running cells of several grid cells and seeds."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import xarray as xr
from conftest import job_counts, run_snakemake

from consolidation.studies.batches import Unit, label, plan_batches
from consolidation.studies.grid import ConfigError, load_studies

PROVENANCE = {"wall_time_s", "history", "host", "code_revision", "code_dirty"}
STUDY_PROVENANCE = {*PROVENANCE, "cells", "config_yaml", "config_sha256", "collect_code_dirty"}


def test_units_are_packed_in_order_by_their_cost_one_kind_and_thread_count_a_job():
    a, b, c = (Unit("network", k, 0) for k in ("a" * 16, "b" * 16, "c" * 16))
    held = Unit("working_memory", "d" * 16, 0)
    threaded = Unit("network", "e" * 16, 0, threads=2)
    seconds = {a.key: 10.0, b.key: 50.0, c.key: 30.0}
    jobs = plan_batches([a, held, b, threaded, c, a], lambda u: seconds.get(u.key, 1), 60)
    assert jobs == [[a, b], [c, a], [held], [threaded]]
    assert plan_batches([b], lambda u: 50, budget_s=1) == [[b]]  # too long alone: its own job
    assert label([a, b]) == label([a, b]) != label([b, a])


def test_minutes_must_be_positive(tiny_config):
    tiny_config["batch"] = {"minutes": 0}
    with pytest.raises(ConfigError, match="'batch' 'minutes'"):
        load_studies(tiny_config)


def test_the_job_cap_counts_the_cells_a_job_runs(tiny_config):
    tiny_config["studies"]["sleep_vs_wake"]["seeds"] = 15_000  # 30,000 cells
    with pytest.raises(ConfigError, match="above 20000 simulation jobs.*batch.minutes"):
        load_studies(copy.deepcopy(tiny_config))
    tiny_config["batch"] = {"minutes": 30, "cell_seconds": 20}  # 90 cells a job
    assert len(load_studies(tiny_config)["sleep_vs_wake"].seeds) == 15_000


def minutes_config(tiny_config: dict) -> dict:
    """sleep_vs_wake alone (2 grid cells x 2 seeds), jobs of 6 s at a stated 2 s per cell:
    three cells in the first job, one in the second."""
    config = copy.deepcopy(tiny_config)
    config["only"] = ["sleep_vs_wake"]
    config["batch"] = {"minutes": 0.1, "cell_seconds": 2}
    return config


def test_a_dry_run_packs_every_missing_cell_into_jobs(tiny_config, write_config, tmp_path):
    proc = run_snakemake(tmp_path, "-n", configfile=write_config(minutes_config(tiny_config)))
    counts = job_counts(proc.stdout)
    assert counts["simulate_cells"] == 2
    assert not {"simulate", "simulate_batch"} & set(counts)


@pytest.mark.slow
def test_jobs_of_several_cells_make_the_cells_of_single_jobs(
    finished, tiny_config, write_config, tmp_path
):
    """A real run in minutes-sized jobs: each cell file is the one a job of its own makes (the
    finished tiny run's), the markers record each cell's time, a finished run plans nothing,
    and a job run again keeps the cells it finds done."""
    config = minutes_config(tiny_config)
    configfile = write_config(config)
    target = "results/sleep_vs_wake/sleep_vs_wake.nc"
    run_snakemake(tmp_path, "--cores", "2", target, configfile=configfile)
    markers = {
        len(json.loads(m.read_text())["units"]): m
        for m in (tmp_path / "results" / "cells" / "network").glob("batch~*.done")
    }
    assert sorted(markers) == [1, 3]
    units = [u for m in markers.values() for u in json.loads(m.read_text())["units"]]
    assert all(u["seconds"] > 0 and not u["kept"] for u in units)
    workdir = finished[0]
    for study in load_studies(copy.deepcopy(config)).values():
        for path in study.cell_files():
            ours, alone = xr.load_dataset(tmp_path / path), xr.load_dataset(workdir / path)
            for ds in (ours, alone):
                ds.attrs = {k: v for k, v in ds.attrs.items() if k not in PROVENANCE}
            xr.testing.assert_identical(ours, alone)
    # collect read the jobs' summaries files, and made the dataset collecting the cell files
    # of single jobs makes
    ours, alone = xr.load_dataset(tmp_path / target), xr.load_dataset(workdir / target)
    for ds in (ours, alone):
        ds.attrs = {k: v for k, v in ds.attrs.items() if k not in STUDY_PROVENANCE}
    xr.testing.assert_identical(ours, alone)
    again = run_snakemake(tmp_path, "-n", target, configfile=configfile)
    assert "Nothing to be done" in again.stdout
    first = json.loads(markers[3].read_text())["units"][0]
    # a lost cell file stops collect, whose message says to delete the job's summaries; the job
    # then makes only that cell again
    summaries = markers[3].with_name(markers[3].name.replace(".done", ".summaries.nc"))
    Path(tmp_path / first["file"]).unlink()
    proc = run_snakemake(
        tmp_path,
        "--cores",
        "1",
        target,
        "--forcerun",
        "collect",
        configfile=configfile,
        check=False,
    )
    assert proc.returncode != 0
    message = f"missing, though its batch's summaries {summaries.relative_to(tmp_path)}"
    assert message in proc.stdout + proc.stderr
    assert not (tmp_path / target).exists()
    summaries.unlink()  # as the message says
    proc = run_snakemake(tmp_path, "--cores", "2", target, configfile=configfile)
    assert job_counts(proc.stdout + proc.stderr) == {"simulate_cells": 1, "collect": 1}
    rerun = json.loads(markers[3].read_text())["units"]
    assert [u["kept"] for u in rerun] == [False, True, True]
