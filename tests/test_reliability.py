"""Faults: killed jobs and runs, corrupt or foreign cell files, resource limits, runaway runs.

One small study (two cells, one seed, network scale 0.2, 1 s nights, 100 ms between test
cues) is run twice: once uninterrupted (the reference, in the background) and once interrupted
twice, first by a SIGKILL to the running simulate job, then by a SIGKILL to the whole snakemake
process group mid-grid. The other tests reuse those cell files. About 3 minutes on 2 cores.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
import yaml
from conftest import REPO, job_counts, run_snakemake, snakemake_command

from consolidation.results.batch_file import write_summaries
from consolidation.results.cells import (
    CellFileError,
    check_shared_parameters,
    read_batch,
    read_cell,
)
from consolidation.results.collect import collect_study, flagged_runs, recall_outcome
from consolidation.results.io import read_netcdf, write_netcdf
from consolidation.results.summary import stack_seeds
from consolidation.studies.grid import cell_file, load_studies

pytestmark = pytest.mark.slow

STUDY = "kill"
CONFIG = {
    "fixed": {
        "network.scale": 0.2,
        "sleep.duration": 1,
        "wake.duration": 1,
        "memory.count": 3,
        "encoding.duration": 200,
        "test.gap": 100,
    },
    "studies": {
        STUDY: {
            "description": "Interrupted runs.",
            "grid": {"sleep.disruption": [0.0, 1.0]},
            "seeds": 1,
            "figures": ["main_effect"],
        }
    },
    "plots": {"dpi": 40},
    "resources": {"simulate": {"mem_mb": 1000, "runtime": 5}},
}
TARGET = f"results/{STUDY}/{STUDY}.nc"
KEYS = {  # sleep.disruption -> the cell's key
    f"{c.values['sleep.disruption']:g}": c.key
    for c in load_studies(copy.deepcopy(CONFIG))[STUDY].cells
}
CELLS = {v: cell_file("network", key, 0) for v, key in KEYS.items()}
LOGS = {v: f"results/logs/simulate/network/{key}/seed~0.log" for v, key in KEYS.items()}


def _command(workdir: Path, *args: str) -> list[str]:
    return snakemake_command(
        workdir, "--replace-workflow-config", *args, configfile=workdir / "config.yaml"
    )


def _start(workdir: Path, cores: int = 1) -> subprocess.Popen:
    return subprocess.Popen(
        _command(workdir, "--cores", str(cores), TARGET),
        cwd=workdir,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, to kill the whole run
    )


def _workdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "config.yaml").write_text(yaml.safe_dump(CONFIG, sort_keys=False))
    return path


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _wait_for(condition, what: str, timeout: float = 240) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.3)


def _running(workdir: Path, value: str, since: float) -> bool:
    """The simulate job of that cell has started its simulation (after ``since``)."""
    log = workdir / LOGS[value]
    return log.exists() and log.stat().st_mtime > since and "limits:" in log.read_text()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """(reference workdir, interrupted workdir, what happened in each interrupted run)."""
    reference = _workdir(tmp_path_factory.mktemp("reference"))
    background = _start(reference, cores=1)  # uninterrupted, alongside the interrupted one
    work = _workdir(tmp_path_factory.mktemp("interrupted"))
    notes: dict = {}

    # 1. kill the second simulate job with SIGKILL while it simulates
    start = time.time()
    run = _start(work)
    _wait_for(lambda: any((work / c).exists() for c in CELLS.values()), "a first cell")
    first = next(v for v, c in CELLS.items() if (work / c).exists())
    second = "1" if first == "0" else "0"
    _wait_for(lambda: _running(work, second, start), "the second cell's job")
    time.sleep(3)
    jobs = [p for p in _descendants(run.pid) if "simulate.py" in _cmdline(p)]
    assert jobs, "no simulate job process found"
    for pid in jobs:
        os.kill(pid, signal.SIGKILL)
    notes["run1_output"] = run.communicate(timeout=120)[0]
    notes["run1_code"] = run.returncode
    notes["first_mtime"] = (work / CELLS[first]).stat().st_mtime_ns
    notes["second_after_job_kill"] = (work / CELLS[second]).exists()

    # 2. kill the whole snakemake run (process group) while the second cell runs again
    start = time.time()
    run = _start(work)
    _wait_for(lambda: _running(work, second, start), "the second cell's job (again)")
    time.sleep(3)
    os.killpg(run.pid, signal.SIGKILL)
    run.communicate(timeout=60)
    notes["second_after_run_kill"] = (work / CELLS[second]).exists()
    notes["first_mtime_after_run_kill"] = (work / CELLS[first]).stat().st_mtime_ns

    # 3. unlock (a killed snakemake leaves its lock) and finish
    subprocess.run(_command(work, "--unlock"), cwd=work, capture_output=True, check=True)
    done = subprocess.run(
        _command(work, "--cores", "2", TARGET), cwd=work, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    notes["run3_counts"] = job_counts(done.stdout + done.stderr)
    notes["first"], notes["second"] = first, second
    out = background.communicate(timeout=600)[0]
    assert background.returncode == 0, out
    return reference, work, notes


def test_a_killed_job_leaves_no_output_and_only_it_is_rerun(runs):
    _, work, notes = runs
    assert notes["run1_code"] != 0
    assert not notes["second_after_job_kill"]  # nothing that looks complete
    assert not notes["second_after_run_kill"]
    assert notes["first_mtime"] == notes["first_mtime_after_run_kill"]
    assert notes["first_mtime"] == (work / CELLS[notes["first"]]).stat().st_mtime_ns
    assert notes["run3_counts"].get("simulate") == 1  # only the killed cell
    assert (work / CELLS[notes["second"]]).exists()
    assert not list((work / "results").rglob("*.tmp"))


def test_the_resumed_study_dataset_equals_the_uninterrupted_one(runs):
    reference, work, _ = runs
    a, b = read_netcdf(reference / TARGET), read_netcdf(work / TARGET)
    xr.testing.assert_equal(a, b)  # every data variable and coordinate, bit for bit
    for key in a.attrs:
        if key.startswith(("param.", "version_")) or key in ("config_sha256", "grid", "seeds"):
            assert a.attrs[key] == b.attrs[key], key


def test_the_study_dataset_records_its_provenance(runs):
    _, work, _ = runs
    ds = read_netcdf(work / TARGET)
    config = yaml.safe_load(ds.attrs["config_yaml"])  # as used, schema defaults filled in
    used = {name: {"kind": "network", **study} for name, study in CONFIG["studies"].items()}
    assert config["studies"] == used and config["fixed"] == CONFIG["fixed"]
    assert config["plots"]["dpi"] == 40 and config["plots"]["context"] == "paper"
    assert len(ds.attrs["config_sha256"]) == 64
    assert len(ds.attrs["code_revision"]) == 40 and ds.attrs["code_dirty"] in (0, 1)
    assert ds.attrs["host"] and ds.attrs["version_brian2"] == "2.11.0"
    cells = json.loads(ds.attrs["cells"])
    assert sorted(c["file"] for c in cells) == sorted(CELLS.values())
    assert all(c["wall_time_s"] > 0 and c["host"] for c in cells)
    assert "wall_time" not in ds.data_vars  # timing lives in attributes, data are reproducible


# --- corrupt or foreign cell files: collect names the file and what is wrong --------------


def _copy(runs, tmp_path: Path) -> Path:
    _, work, _ = runs
    copy = tmp_path / "copy"
    shutil.copytree(work, copy, symlinks=True)
    return copy


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("truncated", "cannot be read as netCDF"),
        ("not netCDF", "cannot be read as netCDF"),
        ("another cell's file", "was simulated with sleep.disruption = 0.0"),
    ],
)
def test_collect_fails_naming_a_bad_cell_file(runs, tmp_path, fault, message):
    work = _copy(runs, tmp_path)
    bad = work / CELLS["1"]
    if fault == "truncated":
        os.truncate(bad, bad.stat().st_size // 2)
    elif fault == "not netCDF":
        bad.write_text("<html>502 Bad Gateway</html>")
    else:
        shutil.copy(work / CELLS["0"], bad)
    os.utime(bad)  # newer than the study dataset: collect runs again
    proc = run_snakemake(work, "--cores", "1", TARGET, configfile=work / "config.yaml", check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert f"cell file {CELLS['1']}: {message}" in output, output
    assert not (work / TARGET).exists()  # no study dataset with holes or mixed parameters


def test_read_cell_rejects_wrong_seed_folder_and_mixed_parameters(runs):
    _, work, _ = runs
    study = {"name": STUDY, "fixed": CONFIG["fixed"]}
    path = work / CELLS["0"]
    read_cell(path, {"sleep.disruption": 0.0}, 0, study)
    with pytest.raises(CellFileError, match="records seed 0, its path says seed 3"):
        read_cell(path, {"sleep.disruption": 0.0}, 3, study)
    moved = work / "results" / "cells" / "network" / KEYS["1"] / "seed~9.nc"
    shutil.copy(work / "results" / "cells" / "network" / KEYS["0"] / "seed~0.nc", moved)
    with pytest.raises(CellFileError, match=f"made for cell {KEYS['0']}, it lies in the folder"):
        read_cell(moved, {"sleep.disruption": 0.0}, 0, study)
    moved.unlink()
    with pytest.raises(CellFileError, match="network.scale = 0.2, its grid cell has 0.3"):
        read_cell(path, {"sleep.disruption": 0.0}, 0, {**study, "fixed": {"network.scale": 0.3}})
    a, b = read_netcdf(path), read_netcdf(work / CELLS["1"])
    b.attrs["param.cortex.eta"] = float(b.attrs["param.cortex.eta"]) * 2  # made by other code
    with pytest.raises(CellFileError, match="cortex.eta"):
        check_shared_parameters(["a.nc", "b.nc"], [a, b], ["sleep.disruption"])
    incomplete = a.drop_vars("recall")
    write_netcdf(incomplete, work / "incomplete.nc")
    with pytest.raises(CellFileError, match="incomplete, missing recall"):
        read_cell(work / "incomplete.nc", {"sleep.disruption": 0.0}, 0, study)


def test_a_batch_summaries_file_is_checked_as_cell_files_are(runs):
    """What collect reads for a batched cell: its batch's summaries file, checked cell by cell
    (seeds, parameters, cell key) with errors naming the file."""
    _, work, _ = runs
    study = {"name": STUDY, "fixed": CONFIG["fixed"]}
    values = {"sleep.disruption": 0.0}
    summary = read_cell(work / CELLS["0"], values, 0, study)
    path = work / "batch.summaries.nc"
    write_summaries(path, {KEYS["0"]: stack_seeds([summary])})
    (group,) = read_batch(path, [(KEYS["0"], values, [0])], study)
    np.testing.assert_array_equal(group["recall"].sel(seed=0), summary["recall"])
    assert group["wall_time_s"].item() == summary.attrs["wall_time_s"]
    with pytest.raises(
        CellFileError, match=f"batch.summaries.nc: holds no seed 3 of cell {KEYS['0']}"
    ):
        read_batch(path, [(KEYS["0"], values, [0, 3])], study)
    with pytest.raises(CellFileError, match=f"holds no cell {KEYS['1']}"):
        read_batch(path, [(KEYS["1"], values, [0])], study)
    with pytest.raises(CellFileError, match="network.scale = 0.2, its grid cell has 0.3"):
        read_batch(path, [(KEYS["0"], values, [0])], {**study, "fixed": {"network.scale": 0.3}})
    path.write_text("not netCDF")
    with pytest.raises(CellFileError, match="batch.summaries.nc: cannot be read as netCDF"):
        read_batch(path, [(KEYS["0"], values, [0])], study)


# --- runaway and NaN runs are flagged and left out of averages -----------------------------


def test_runaway_and_nan_runs_are_flagged_and_left_out(runs):
    from consolidation.present.report import study_section

    _, work, _ = runs
    a, b = read_netcdf(work / CELLS["0"]), read_netcdf(work / CELLS["1"])
    a["runaway"] = a["runaway"].copy(data=np.True_)
    b["recall"] = b["recall"].where(b["memory"] != 1)  # NaN scores
    study = {"name": STUDY, "description": "x", "fixed": CONFIG["fixed"], "seeds": [0]}
    study["grid"] = {"sleep.disruption": [0.0, 1.0]}
    ds = collect_study(
        [({"sleep.disruption": 0.0}, 0, a), ({"sleep.disruption": 1.0}, 0, b)],
        study["grid"],
        study,
        files=["a.nc", "b.nc"],
    )
    assert ds["flag"].values.ravel().tolist() == [1, 2]
    assert recall_outcome(ds).isnull().all()  # neither is averaged in
    assert flagged_runs(ds) == [
        "sleep.disruption=0.0, seed 0: runaway",
        "sleep.disruption=1.0, seed 0: non_finite",
    ]
    assert json.loads(ds.attrs["flagged_runs"]) == ["a.nc (runaway)", "b.nc (non_finite)"]
    html = study_section(study, ds, {}, {})
    assert "Flagged runs (runaway: " in html and "sleep.disruption=1.0, seed 0: non_finite" in html
    clean = read_netcdf(work / TARGET)
    assert (clean["flag"] == 0).all() and clean["non_finite"].sum() == 0


# --- resources: memory and runtime limits stop a job with a message that says so -----------

DRIVER = """
import runpy, sys
from types import SimpleNamespace as NS
script, out, log, mem, runtime = sys.argv[1:6]
smk = NS(
    rule="simulate",
    wildcards=NS(study="s", cell="sleep.duration~30", seed="0"),
    params=NS(
        overrides={"network.scale": 0.2, "sleep.duration": 30, "memory.count": 3}, kind="network"
    ),
    resources=NS(mem_mb=float(mem), runtime=float(runtime)),
    log=[log],
    output=[out],
)
runpy.run_path(script, init_globals={"snakemake": smk})
"""


@pytest.mark.parametrize(
    ("mem_mb", "runtime", "message"),
    [
        (100, 5, "exceeded its memory resource: resident memory"),
        (4000, 0.05, "exceeded its runtime resource: still running after 3 s"),
    ],
)
def test_a_cell_over_its_resources_fails_saying_which(tmp_path, mem_mb, runtime, message):
    out, log = tmp_path / "cell.nc", tmp_path / "cell.log"
    start = time.monotonic()
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            DRIVER,
            str(REPO / "scripts" / "simulate.py"),
            str(out),
            str(log),
            str(mem_mb),
            str(runtime),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert message in proc.stderr and message in log.read_text()
    assert "Traceback" not in proc.stderr
    assert not out.exists() and not list(tmp_path.glob("*.tmp"))
    assert time.monotonic() - start < 120


# --- verify: re-run a stored cell and compare bit for bit -----------------------------------


def test_verify_reruns_a_cell_and_reports_a_tampered_variable(runs, tmp_path):
    work = _copy(runs, tmp_path)
    path = work / CELLS["0"]
    ds = read_netcdf(path)
    ds["recall"] = ds["recall"] + 1e-9  # a silent change to one stored number
    write_netcdf(ds, path)
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("consolidation-verify")), "--cell", str(path)],
        capture_output=True,
        text=True,
        cwd=work,
        timeout=600,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    mismatch = next(line for line in proc.stdout.splitlines() if line.startswith("MISMATCH"))
    # the re-run is bit-identical in every other variable; the study dataset disagrees too
    assert mismatch.endswith(": recall, recall in kill.nc"), mismatch
    assert "0 identical, 1 mismatched" in proc.stdout
