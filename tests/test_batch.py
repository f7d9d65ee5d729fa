"""batch.seeds: one simulate job runs several seeds of one grid cell, one file per seed."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import xarray as xr
from conftest import job_counts, run_snakemake

import consolidation
from consolidation.studies.grid import ConfigError, load_studies

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


def test_batches_cover_every_cell_file_once(tiny_config, write_config, tmp_path):
    tiny_config["batch"] = {"seeds": 2}
    tiny_config["studies"]["sleep_vs_wake"]["seeds"] = [0, 1, 2]  # a run of 2, then of 1
    proc = run_snakemake(tmp_path, "-n", configfile=write_config(tiny_config))
    counts = job_counts(proc.stdout)
    assert "simulate" not in counts
    # sleep_vs_wake: 2 cells x runs (0, 1) and (2); disruption_ach: 4 cells x run (7)
    assert counts["simulate_seeds_0_1"] == 2
    assert counts["simulate_seeds_2"] == 2
    assert counts["simulate_seeds_7"] == 4
    jobs = planned(proc)
    made = [f for rule, files in jobs.items() if rule.startswith("simulate_") for f in files]
    studies = load_studies(tiny_config)
    wanted = {f for s in studies.values() for f in s.cell_files()}
    assert sorted(made) == sorted(wanted)  # every cell file, each by one job
    assert (
        "results/sleep_vs_wake/cells/schedule.offline~sleep/seed~1.nc"
        in (jobs["simulate_seeds_0_1"])
    )


def test_a_cell_shared_for_all_its_seeds_is_not_rerun(tiny_config, write_config, tmp_path):
    # disruption_ach's ACh 0 / disruption 0 cell repeats sleep_vs_wake's sleep cell for seed 0
    tiny_config["batch"] = {"seeds": 2}
    tiny_config["studies"]["disruption_ach"]["seeds"] = [0]
    proc = run_snakemake(tmp_path, "-n", configfile=write_config(tiny_config))
    counts = job_counts(proc.stdout)
    assert counts["simulate_seeds_0_1"] == 2 and counts["simulate_seeds_0"] == 4 - 1


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
