"""The workflow on a real one-node SLURM cluster (tests/slurm_cluster.py), through the profile.

A reduced tiny config (4 cells, 2 studies) runs once locally and once with
``--workflow-profile workflow/profiles/slurm`` against slurmctld/slurmd on this machine. While
that run is going, one cell's SLURM job is cancelled with scancel (SLURM kills it, as it would
a job over its limits), so nothing in the workflow is rigged. The run must report that job as
failed while the other cells finish; a re-run submits only that cell, and the results equal the
local run.

Needs root and the slurmctld, slurmd, slurm-client and munge Debian packages; skipped without
them, except under CI=true, where that is a failure. About 3-4 minutes on 2 cores.
"""

from __future__ import annotations

import copy
import itertools
import os
import re
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
import xarray as xr
import yaml
from conftest import REPO, SNAKEFILE, TINY, job_counts, run_snakemake
from slurm_cluster import SlurmCluster, unavailable_reason

from consolidation.studies.grid import cell_file, load_studies

pytestmark = pytest.mark.slow

PROFILE = REPO / "workflow" / "profiles" / "slurm"
# The plugin's default status command (sacct) needs accounting, which this cluster has not; and
# it waits 40 s before the first status check.
SLURM_ARGS = (
    "--slurm-status-command",
    "squeue",
    "--slurm-init-seconds-before-status-checks",
    "2",
)
TIMEOUT_S = 600  # per snakemake run; `timeout -k` kills it so that CI can never hang
# Provenance that differs between any two runs (timing, host) or may change under a live checkout.
# A study dataset's `cells` attribute lists each cell's host and wall time.
PROVENANCE = {"wall_time_s", "history", "host", "code_revision", "code_dirty", "cells"}


def reduced_config() -> dict:
    """tiny.yaml with 4 cells: sleep vs wake (seed 0) and disruption 0/1 (seed 7)."""
    config = yaml.safe_load(TINY.read_text())
    # Only network cells go to SLURM; the other study kinds run on the submitting host.
    config["studies"] = {k: config["studies"][k] for k in ("sleep_vs_wake", "disruption_ach")}
    config["studies"]["sleep_vs_wake"]["seeds"] = [0]
    ach = config["studies"]["disruption_ach"]
    ach["grid"] = {"sleep.disruption": [0.0, 1.0]}
    ach["fixed"] = {"neuromod.ach_sleep": 0.0}
    for study in config["studies"].values():
        study.pop("claims", None)  # statistics over a grid this test shrinks; not its subject
    return config


@pytest.fixture(scope="module")
def cluster():
    reason = unavailable_reason()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but no SLURM cluster can be set up: {reason}")
        pytest.skip(f"no SLURM cluster: {reason}")
    cluster = SlurmCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="module")
def config_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("slurm-config") / "reduced.yaml"
    path.write_text(yaml.safe_dump(reduced_config(), sort_keys=False))
    return path


@pytest.fixture(scope="module")
def local_run(tmp_path_factory, config_file) -> Path:
    workdir = tmp_path_factory.mktemp("local")
    run_snakemake(workdir, "--cores", "2", configfile=config_file)
    return workdir


def slurm_command(workdir: Path, configfile: Path) -> list[str]:
    """The README's cluster command, plus what this accounting-free test cluster needs."""
    return [
        "timeout",
        "-k",
        "30",
        str(TIMEOUT_S),
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(SNAKEFILE),
        "--workflow-profile",
        str(PROFILE),
        *SLURM_ARGS,
        "--directory",
        str(workdir),
        "--configfile",
        str(configfile),
        "--nocolor",
    ]


def finish(proc: subprocess.Popen) -> subprocess.CompletedProcess:
    out, err = proc.communicate(timeout=TIMEOUT_S + 60)
    done = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    assert proc.returncode != 124, f"snakemake on SLURM timed out:\n{out}\n{err}"
    return done


def cancelled_cell(config: dict) -> tuple[str, str, int]:
    """The cell file, key and seed of the job the test cancels."""
    study = load_studies(config)["disruption_ach"]
    key, seed = study.cells[-1].key, study.seeds[0]
    return cell_file(study.kind, key, seed), key, seed


def cancel_when_running(cell: str, seed: int, timeout: float = 180) -> str:
    """scancel the SLURM job of one cell once it runs (the plugin's --comment names the cell)."""
    want = f"_{cell}_{seed}"  # the plugin joins the wildcard values with "_"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        queue = subprocess.run(
            ["squeue", "-h", "-t", "R", "-o", "%i|%k"], capture_output=True, text=True
        ).stdout
        for line in queue.splitlines():
            jobid, comment = line.split("|", 1)
            if comment.endswith(want):
                subprocess.run(["scancel", jobid], check=True)
                return jobid
        time.sleep(0.5)
    raise AssertionError(f"no running SLURM job for {cell} seed {seed} within {timeout} s")


@pytest.fixture(scope="module")
def slurm_runs(cluster, tmp_path_factory, config_file, local_run):
    """(first run, cancelled job id, cells missing after it, re-run, workdir)."""
    workdir = tmp_path_factory.mktemp("slurm")
    _, cell, seed = cancelled_cell(reduced_config())
    cmd = slurm_command(workdir, config_file)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        jobid = cancel_when_running(cell, seed)
    finally:
        first = finish(proc)
    cells = [Path(f) for s in load_studies(reduced_config()).values() for f in s.cell_files()]
    missing = [str(f) for f in cells if not (workdir / f).exists()]
    rerun = finish(subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    return first, jobid, missing, rerun, workdir


def _out(proc: subprocess.CompletedProcess) -> str:
    return proc.stdout + proc.stderr


def test_failed_job_is_reported_and_the_others_finish(slurm_runs, cluster):
    first, jobid, missing, _, _ = slurm_runs
    out = _out(first)
    assert first.returncode != 0, out
    path, _, _ = cancelled_cell(reduced_config())
    assert "Error in rule simulate" in out, out
    assert f"SLURM-job '{jobid}' failed, SLURM status is: 'CANCELLED'" in out, out
    assert path in out.split("Error in rule simulate")[1]
    assert "submitted with SLURM jobid" in out
    assert missing == [path]


def test_rerun_picks_up_where_it_stopped(slurm_runs):
    _, _, _, rerun, workdir = slurm_runs
    assert rerun.returncode == 0, _out(rerun)
    counts = job_counts(_out(rerun))
    assert counts["simulate"] == 1, counts  # only the cell that failed
    assert counts["collect"] == 1  # only its study
    assert (workdir / "results" / "report.html").stat().st_size > 1000


def test_collect_figures_and_report_ran_locally(slurm_runs):
    _, _, _, rerun, _ = slurm_runs
    out = _out(rerun)
    for rule in ("collect", "main_effect", "report"):
        assert f"localrule {rule}:" in out
    assert re.search(r"^rule simulate:", out, re.M)


def _open(path: Path) -> xr.Dataset:
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        return ds.load()


def _comparable(ds: xr.Dataset) -> xr.Dataset:
    ds = ds.drop_vars([v for v in ("wall_time",) if v in ds.variables])
    ds.attrs = {k: v for k, v in ds.attrs.items() if k not in PROVENANCE}
    return ds


def test_datasets_equal_a_local_run(slurm_runs, local_run):
    _, _, _, rerun, workdir = slurm_runs
    assert rerun.returncode == 0
    config = reduced_config()
    compared = 0
    for study in load_studies(config).values():
        paths = [f"results/{study.name}/{study.name}.nc"]
        paths += [os.path.relpath(f) for f in study.cell_files("results")]
        for rel in paths:
            ours, theirs = _open(workdir / rel), _open(local_run / rel)
            xr.testing.assert_identical(_comparable(ours), _comparable(theirs))
            compared += 1
    assert compared == 6  # 2 study datasets, 4 cells


def test_cells_ran_side_by_side_on_the_cluster(slurm_runs, cluster):
    """Each cell is its own 1-CPU SLURM job; on a node with 2+ CPUs two run at once."""
    jobs = cluster.finished_jobs()
    assert len(jobs) == 5, jobs  # 4 cells, then the cancelled one again
    assert all(job["ProcCnt"] == "1" for job in jobs), jobs
    spans = [
        (datetime.fromisoformat(job["StartTime"]), datetime.fromisoformat(job["EndTime"]))
        for job in jobs
    ]
    # 1 s resolution: jobs that touch at a second boundary do not count as overlapping
    overlapping = [
        (a, b) for a, b in itertools.combinations(spans, 2) if a[0] < b[1] and b[0] < a[1]
    ]
    if cluster.cpus >= 2:
        assert overlapping, jobs


def test_profile_settings(config_file):
    profile = yaml.safe_load((PROFILE / "config.v8+.yaml").read_text())
    assert profile["executor"] == "slurm"
    # a simulate job's CPUs are its cell's simulation.threads (the rule's cpus_per_task)
    assert "cpus_per_task" not in profile["set-resources"]["simulate"]
    assert "groups" not in profile and "slurm-array-jobs" not in profile
    config = copy.deepcopy(reduced_config())
    assert (
        config["resources"]["simulate"]["mem_mb"] <= profile["set-resources"]["simulate"]["mem_mb"]
    )


def test_cells_packed_in_minutes_run_as_few_slurm_jobs(cluster, local_run, tmp_path_factory):
    """batch.minutes on the cluster: the 4 cells as 2 SLURM jobs (3 cells and 1), each planned
    again by its cluster job while the other runs, with the local run's results."""
    config = {**reduced_config(), "batch": {"minutes": 0.1, "cell_seconds": 2}}
    workdir = tmp_path_factory.mktemp("slurm-minutes")
    configfile = workdir / "minutes.yaml"
    configfile.write_text(yaml.safe_dump(config, sort_keys=False))
    before = len(cluster.finished_jobs())
    proc = finish(
        subprocess.Popen(
            slurm_command(workdir, configfile),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    )
    assert proc.returncode == 0, _out(proc)
    assert job_counts(_out(proc))["simulate_cells"] == 2
    assert len(cluster.finished_jobs()) - before == 2
    for study in load_studies(config).values():
        paths = [f"results/{study.name}/{study.name}.nc", *study.cell_files("results")]
        for rel in paths:
            ours, theirs = (_comparable(_open(d / rel)) for d in (workdir, local_run))
            for ds in (ours, theirs):  # the configs differ in their batch key only
                ds.attrs = {k: v for k, v in ds.attrs.items() if not k.startswith("config_")}
            xr.testing.assert_identical(ours, theirs)
