"""batch.seeds: one simulate_batch job runs several seeds of one grid cell, one file per seed."""

from __future__ import annotations

import json
import os
import re
import runpy
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest
import xarray as xr
from conftest import REPO, job_counts, run_snakemake

import consolidation
from consolidation.results.batch_file import read_summaries
from consolidation.results.cells import read_cell
from consolidation.studies.grid import ConfigError, cell_file, load_studies

SRC = os.path.dirname(os.path.dirname(os.path.abspath(consolidation.__file__)))


def planned(proc) -> dict[str, list[str]]:
    """Rule -> the output files of its jobs, from a dry run's job listing."""
    out: dict[str, list[str]] = {}
    for block in proc.stdout.split("\nrule ")[1:]:
        rule = block.split(":", 1)[0]
        for line in block.splitlines():
            if line.strip().startswith("output:"):
                out.setdefault(rule, []).extend(line.split(":", 1)[1].strip().split(", "))
                break
    return out


MARKER = re.compile(r"results/cells/network/(?P<key>[0-9a-f]{16})/seeds~(?P<label>[\d_-]+)\.done")


def summaries_of(marker: str) -> str:
    return marker.removesuffix(".done") + ".summaries.nc"


def batch_cells(marker: str) -> list[str]:
    """The cell files a batch marker stands for: its cell's seeds from the first to the last of
    its name ("0-3"), or the seeds it lists ("2_7")."""
    m = MARKER.fullmatch(marker)
    assert m, marker
    if "-" in m["label"]:
        first, last = map(int, m["label"].split("-"))
        seeds = range(first, last + 1)
    else:
        seeds = map(int, m["label"].split("_"))
    return [cell_file("network", m["key"], s) for s in seeds]


def test_batches_cover_every_cell_file_once(tiny_config, write_config, tmp_path):
    tiny_config["batch"] = {"seeds": 2}
    tiny_config["studies"]["sleep_vs_wake"]["seeds"] = [0, 1, 2]  # a run of 2, then of 1
    proc = run_snakemake(tmp_path, "-n", configfile=write_config(tiny_config))
    counts = job_counts(proc.stdout)
    assert "simulate" not in counts
    # sleep_vs_wake: 2 cells x runs (0, 1) and (2); disruption_ach: 4 cells x run (7), one of
    # them sleep_vs_wake's sleep cell, whose seeds are then 0, 1, 2 and 7: runs (0, 1), (2, 7)
    assert counts["simulate_batch"] == 2 * 2 + 3
    outputs = planned(proc)["simulate_batch"]
    markers = [f for f in outputs if f.endswith(".done")]
    assert sorted(outputs) == sorted([*markers, *(summaries_of(m) for m in markers)])
    studies = load_studies(tiny_config)
    sleep = studies["sleep_vs_wake"].cell("schedule.offline~sleep").key
    for label in ("0-1", "2_7"):
        assert f"results/cells/network/{sleep}/seeds~{label}.done" in markers
    made = [f for marker in markers for f in batch_cells(marker)]
    network = {f for s in studies.values() if s.kind == "network" for f in s.cell_files()}
    assert sorted(made) == sorted(network)  # every network cell file, each by one job
    windows = {f for s in studies.values() if s.kind == "stdp_window" for f in s.cell_files()}
    assert sorted(planned(proc)["simulate_window"]) == sorted(windows)  # never batched


def test_one_rule_for_every_batch_and_its_runtime_per_seed(tiny_config, write_config, tmp_path):
    """No rule per run of seeds: one rule, simulate_batch, for any seeds (here 0-2 and 10-11),
    its runtime resource the per-simulation runtime times its seeds."""
    tiny_config["batch"] = {"seeds": 3}
    tiny_config["studies"]["sleep_vs_wake"]["seeds"] = [0, 1, 2, 10, 11]
    proc = run_snakemake(tmp_path, "-n", configfile=write_config(tiny_config))
    rules = {r for r in job_counts(proc.stdout) if r.startswith("simulate")}
    assert rules == {"simulate_batch", "simulate_window"}
    runtime = tiny_config["resources"]["simulate"]["runtime"]
    jobs = proc.stdout.split("\nrule simulate_batch:")[1:]
    by_label = {re.search(r"seeds=(\S+)", j)[1]: re.search(r"runtime=(\d+)", j)[1] for j in jobs}
    # the sleep cell is also disruption_ach's cell of seed 7: its runs are (0, 1, 2), (7, 10, 11)
    assert by_label == {
        "0-2": str(3 * runtime),
        "7_10_11": str(3 * runtime),
        "10-11": str(2 * runtime),
        "7-7": str(runtime),
    }


def test_a_simulate_job_takes_its_cells_threads(tiny_config, write_config, tmp_path):
    """simulation.threads sets the job's threads and its SLURM CPUs, batched or not."""
    study = tiny_config["studies"]["sleep_vs_wake"]
    study["fixed"] = {**study.get("fixed", {}), "simulation.device": "cpp_standalone"}
    study["fixed"]["simulation.threads"] = 2
    for seeds, rule in ((1, "simulate"), (2, "simulate_batch")):
        tiny_config["batch"] = {"seeds": seeds}
        proc = run_snakemake(tmp_path, "-n", configfile=write_config(tiny_config))
        jobs = proc.stdout.split(f"\nrule {rule}:")[1:]
        threaded = {c.key for c in load_studies(tiny_config)["sleep_vs_wake"].cells}
        cores = {
            (
                re.search(r"output: results/cells/network/(\w+)/", job)[1] in threaded,
                re.search(r"threads: (\d+)", job)[1] if "threads:" in job else "1",  # 1: unsaid
                re.search(r"cpus_per_task=(\d+)", job)[1],
            )
            for job in jobs
        }
        assert cores == {(True, "2", "2"), (False, "1", "1")}, cores


def test_a_cell_shared_for_all_its_seeds_is_not_rerun(tiny_config, write_config, tmp_path):
    # disruption_ach's ACh 0 / disruption 0 cell repeats sleep_vs_wake's sleep cell for seed 0
    tiny_config["batch"] = {"seeds": 2}
    tiny_config["studies"]["disruption_ach"]["seeds"] = [0]
    proc = run_snakemake(tmp_path, "-n", configfile=write_config(tiny_config))
    assert job_counts(proc.stdout)["simulate_batch"] == 2 + 4 - 1


def test_one_cell_file_of_a_batched_config_can_be_made_alone(tiny_config, write_config, tmp_path):
    """A cell file is still a target of its own: rule simulate makes just that seed."""
    tiny_config["batch"] = {"seeds": 2}
    sleep = load_studies(tiny_config)["sleep_vs_wake"].cell("schedule.offline~sleep")
    target = cell_file("network", sleep.key, 1)
    proc = run_snakemake(tmp_path, "-n", target, configfile=write_config(tiny_config))
    assert job_counts(proc.stdout) == {"simulate": 1}


# --- the batch job: finished seeds are kept, the others simulated ---------------------------

SCRIPT = REPO / "scripts" / "simulate.py"
CELL = {"network.scale": 0.2}  # the reference cell file's only override but its schedule
REFERENCE = REPO / "tests" / "data" / "reference" / "runtime.nc"
KEY = "0123456789abcdef"  # the folder the workflow names by the cell's parameters
SUMMARIES = summaries_of("seeds~0-2.done")


def run_batch(tmp_path, monkeypatch, simulate_seeds, overrides=CELL, seeds=(0, 1, 2)):
    """Run the batch rule's script in this process, as snakemake's script directive would,
    with `simulate_seeds` standing in for the simulation."""
    monkeypatch.setattr(consolidation, "simulate_seeds", simulate_seeds)
    cells = tmp_path / "results" / "cells" / "network" / KEY
    smk = SimpleNamespace(
        rule="simulate_batch",
        wildcards=SimpleNamespace(kind="network", cell=KEY, seeds="0-2"),
        params=SimpleNamespace(
            overrides=overrides,
            kind="network",
            seeds=list(seeds),
            files=[str(cells / f"seed~{s}.nc") for s in seeds],
        ),
        resources=SimpleNamespace(mem_mb=None, runtime=None),
        log=[str(tmp_path / "batch.log")],
        output=outputs(marker=cells / "seeds~0-2.done", summaries=cells / "seeds~0-2.summaries.nc"),
    )
    cells.mkdir(parents=True, exist_ok=True)
    runpy.run_path(str(SCRIPT), init_globals={"snakemake": smk})
    return cells


class outputs(list):
    """A rule's named outputs, as snakemake passes them: by position and by name."""

    def __init__(self, **named):
        super().__init__(str(path) for path in named.values())
        for name, path in named.items():
            setattr(self, name, str(path))


def fake_simulations(asked: list[int], fail_after: int | None = None):
    """Copies of a real cell file, one per seed, recording their seed and parameters."""
    reference = xr.load_dataset(REFERENCE, engine="h5netcdf")

    def simulate_seeds(overrides, seeds):
        asked.extend(seeds)
        for k, seed in enumerate(seeds):
            if k == fail_after:
                raise RuntimeError("the job was killed")
            ds = reference.copy()
            ds.attrs.update({f"param.{key}": v for key, v in overrides.items()}, seed=seed)
            yield ds

    return simulate_seeds


def test_a_failed_batch_keeps_its_finished_seeds_and_the_rerun_makes_only_the_others(
    tmp_path, monkeypatch
):
    asked: list[int] = []
    with pytest.raises(RuntimeError, match="killed"):
        run_batch(tmp_path, monkeypatch, fake_simulations(asked, fail_after=1))
    cells = tmp_path / "results" / "cells" / "network" / KEY
    assert sorted(p.name for p in cells.iterdir()) == ["seed~0.nc"]  # no marker, seed 0 kept
    asked.clear()
    run_batch(tmp_path, monkeypatch, fake_simulations(asked))
    assert asked == [1, 2]  # seed 0 is not simulated again
    marker = json.loads((cells / "seeds~0-2.done").read_text())["units"]
    assert [(u["seed"], u["kept"]) for u in marker] == [(0, True), (1, False), (2, False)]
    names = {p.name for p in cells.iterdir()}
    assert names == {"seed~0.nc", "seed~1.nc", "seed~2.nc", "seeds~0-2.done", SUMMARIES}
    assert "seed 0: kept" in (tmp_path / "batch.log").read_text()
    # the summaries file holds every seed of the batch, the kept one too, as its cell file
    group = read_summaries(cells / SUMMARIES, [KEY])[KEY]
    assert group["seed"].values.tolist() == [0, 1, 2]
    kept = read_cell(cells / "seed~0.nc", {}, 0, {"fixed": CELL})
    np.testing.assert_array_equal(group["recall"].sel(seed=0), kept["recall"])


def test_a_batch_simulates_again_seeds_made_with_other_parameters(tmp_path, monkeypatch):
    """Snakemake re-runs a batch whose cell's parameters changed (its params); the files of
    the old parameters are not kept."""
    asked: list[int] = []
    run_batch(tmp_path, monkeypatch, fake_simulations(asked))
    asked.clear()
    run_batch(tmp_path, monkeypatch, fake_simulations(asked), overrides={"network.scale": 0.25})
    assert asked == [0, 1, 2]
    assert "was simulated with network.scale = 0.2" in (tmp_path / "batch.log").read_text()


@pytest.mark.parametrize("value", [0, -1, "two", 1001])
def test_bad_batch_size_is_rejected_naming_the_key(tiny_config, value):
    tiny_config["batch"] = {"seeds": value}
    with pytest.raises(ConfigError, match="'batch' 'seeds'"):
        load_studies(tiny_config)


RUN = """
import json, sys
from consolidation.results.io import write_netcdf
from consolidation import simulate, simulate_seeds
overrides, seeds, out = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
for ds in simulate_seeds(overrides, seeds):
    write_netcdf(ds, f"{out}/seed~{ds.attrs['seed']}.nc")
"""


@pytest.mark.slow
def test_runtime_seeds_in_one_process_match_each_alone(tmp_path):
    """Runtime mode: a batch is a loop of full simulations; the second seed of a batch is the
    same as that seed alone (brian2's state from the first does not leak into it)."""
    cell = {
        "network.scale": 0.2,
        "memory.count": 2,
        "schedule.phases": [
            {"phase": "encode"},
            {"phase": "sleep", "duration": 1.0},
            {"phase": "test"},
        ],
    }
    env = {**os.environ, "PYTHONPATH": SRC}

    def run(seeds, out):
        out.mkdir()
        args = [json.dumps(cell), json.dumps(seeds), str(out)]
        proc = subprocess.run(
            [sys.executable, "-c", RUN, *args], capture_output=True, text=True, env=env
        )
        assert proc.returncode == 0, proc.stderr[-3000:]

    run([1, 0], tmp_path / "batch")
    run([0], tmp_path / "alone")
    batch = xr.load_dataset(tmp_path / "batch" / "seed~0.nc")
    alone = xr.load_dataset(tmp_path / "alone" / "seed~0.nc")
    xr.testing.assert_identical(batch.drop_attrs(), alone.drop_attrs())
    other = xr.load_dataset(tmp_path / "batch" / "seed~1.nc")
    assert not other["weight_within"].equals(batch["weight_within"])
