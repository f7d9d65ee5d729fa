"""Fixtures for the workflow tests: the repository, the tiny config, and a snakemake runner."""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from consolidation.results.cells import read_cell
from consolidation.results.collect import collect_study
from consolidation.results.io import write_netcdf
from consolidation.studies.grid import cell_file, load_studies

REPO = Path(__file__).resolve().parents[1]
SNAKEFILE = REPO / "workflow" / "Snakefile"
# The tiny config: the catalog's test config (`snakemake --directory .test`) and the tests' one.
TINY = REPO / ".test" / "config" / "config.yaml"


def snakemake_command(workdir: Path, *args: str, configfile: Path | None = None) -> list[str]:
    """The command line of snakemake on the repository's workflow with results under workdir."""
    cmd = [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(SNAKEFILE),
        "--directory",
        str(workdir),
        "--nocolor",
    ]
    if configfile is not None:
        cmd += ["--configfile", str(configfile)]
    return [*cmd, *args]


def run_snakemake(
    workdir: Path, *args: str, configfile: Path | None = None, check: bool = True
) -> subprocess.CompletedProcess:
    """Run snakemake on the repository's workflow with results under ``workdir``."""
    cmd = snakemake_command(workdir, configfile=configfile)
    proc = subprocess.run([*cmd, *args], capture_output=True, text=True, cwd=workdir)
    if check and proc.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


def job_counts(output: str) -> dict[str, int]:
    """Rule -> job count from the 'Job stats' table of a (dry) run."""
    counts: dict[str, int] = {}
    if "Job stats:" not in output:
        return counts
    table = output.split("Job stats:", 1)[1]
    for line in table.splitlines()[3:]:
        m = re.fullmatch(r"\s*([A-Za-z_][\w-]*)\s+(\d+)\s*", line)
        if not m:
            break
        if m.group(1) != "total":
            counts[m.group(1)] = int(m.group(2))
    return counts


def run_study(root: Path, config: dict, simulate: Callable) -> tuple[Any, dict, list[str]]:
    """Simulate every cell of the config's one study with ``simulate(overrides, seed)`` into
    files under ``root``, read them back as collect does, and collect them: (study dataset,
    study summary, cell files)."""
    [study] = load_studies(copy.deepcopy(config)).values()
    summary = study.summary()
    cells, files = [], []
    for cell in study.cells:
        for seed in study.seeds:
            ds = simulate(cell.overrides, seed)
            ds.attrs["cell"] = cell.key
            path = cell_file(study.kind, cell.key, seed, str(root / "results"))
            write_netcdf(ds, path)
            cells.append((cell.values, seed, read_cell(path, cell.values, seed, summary)))
            files.append(path)
    return collect_study(cells, study.axes, summary, config=config, files=files), summary, files


@pytest.fixture
def tiny_config() -> dict:
    return yaml.safe_load(TINY.read_text())


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[[dict], Path]:
    """Write a config dict to a file in the test's tmp dir; returns its path."""

    def write(config: dict, name: str = "config.yaml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(config, sort_keys=False))
        return path

    return write


@pytest.fixture(scope="session")
def finished(tmp_path_factory):
    """The tiny workflow run to completion once per test session, in a temporary directory:
    (workdir, config, seconds). Shared by the end-to-end and the browser tests. Cores: 2, or
    CONSOLIDATION_TEST_CORES (e.g. 1 on a machine shared with other simulations)."""
    workdir = tmp_path_factory.mktemp("workflow")
    config = yaml.safe_load(TINY.read_text())
    configfile = workdir / "tiny.yaml"
    configfile.write_text(yaml.safe_dump(config, sort_keys=False))
    start = time.perf_counter()
    cores = os.environ.get("CONSOLIDATION_TEST_CORES", "2")
    run_snakemake(workdir, "--cores", cores, configfile=configfile)
    return workdir, config, time.perf_counter() - start
