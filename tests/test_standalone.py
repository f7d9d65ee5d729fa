"""simulation.device: cpp_standalone compiles a network structure once and runs cells through it.

Real brian2 at network scale 0.2 with a 1 s night; cells run in new processes, as workflow
jobs do, each against its own cache directory (CONSOLIDATION_CACHE). The fixture's compile
takes 1-2 minutes on 2 cores.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import xarray as xr
import yaml
from conftest import job_counts, snakemake_command

import consolidation
from consolidation.model.parameters import ParameterError, Parameters
from consolidation.model.specs import SPECS
from consolidation.studies.grid import cell_file, load_studies
from consolidation.studies.neighbourhood import PARAMETERS

pytestmark = pytest.mark.slow

SRC = Path(consolidation.__file__).resolve().parents[1]

# Encode, a day boundary (a weight operation the program runs), a night, a test.
CELL_A = {
    "simulation.device": "cpp_standalone",
    "network.scale": 0.2,
    "schedule.phases": [
        {"phase": "encode"},
        {"phase": "day"},
        {"phase": "offline", "duration": 1.0},
        {"phase": "test", "label": "post"},
    ],
}
# The same structure; every kind of run-time value changed: cell and synapse constants, the
# initial weights, learning rule, decay at the day boundary, the schedule's signals, the seed.
CELL_B = {
    **CELL_A,
    "cell.v_reset": -64.0,
    "cell.tau_e": 21.0,
    "cell.refractory": 2.5,
    "cell.bg_weight": 1.1,
    "cortex.eta": 0.004,
    "cortex.w_ee": 0.35,
    "cortex.w_ie": 3.2,
    "hippocampus.adaptation": 2.5,
    "hippocampus.w_ee_max": 1.3,
    "hippocampus.rule": "bipoo",
    "projection.c_pre": 0.5,
    "neuromod.ach_sleep": 0.2,
    "encoding.weight": 2.2,
    "memory.pattern_fraction": 0.12,
    "sleep.swr_rate": 3.0,
    "neuromod.ach_cortical_gain": 30.0,
    "day.hpc_decay": 0.3,
}

RUN = """
import json, sys
from consolidation.results.io import write_netcdf
from consolidation import simulate
write_netcdf(simulate(json.loads(sys.argv[1]), int(sys.argv[2])), sys.argv[3])
"""


def run_cell(overrides: dict, seed: int, out: Path, cache: Path) -> xr.Dataset:
    """One cell in a new Python process (as a workflow job), its cache in `cache`."""
    env = {**os.environ, "CONSOLIDATION_CACHE": str(cache), "PYTHONPATH": str(SRC)}
    proc = subprocess.run(
        [sys.executable, "-c", RUN, json.dumps(overrides), str(seed), str(out)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return xr.load_dataset(out)


def projects(cache: Path) -> list[Path]:
    return [p for p in standalone_root(cache).iterdir() if p.is_dir() and not p.name[0] == "."]


def standalone_root(cache: Path) -> Path:
    (root,) = (cache / "consolidation").glob("standalone-brian2-*")
    return root


def assert_same(a: xr.Dataset, b: xr.Dataset) -> None:
    xr.testing.assert_identical(a.drop_attrs(), b.drop_attrs())
    params = {k: v for k, v in a.attrs.items() if k.startswith("param.")}
    assert params == {k: v for k, v in b.attrs.items() if k.startswith("param.")}


@pytest.fixture(scope="module")
def fresh_a(tmp_path_factory) -> tuple[xr.Dataset, Path]:
    """Cell A from a fresh build (the one compile of its cache)."""
    cache = tmp_path_factory.mktemp("cache_a")
    ds = run_cell(CELL_A, 0, cache / "a_fresh.nc", cache)
    return ds, cache


def test_cached_project_gives_bit_identical_dataset(fresh_a):
    fresh, cache = fresh_a
    assert fresh.attrs["standalone_compile_s"] > 0
    cached = run_cell(CELL_A, 0, cache / "a_cached.nc", cache)
    assert cached.attrs["standalone_compile_s"] == 0
    assert cached.attrs["standalone_key"] == fresh.attrs["standalone_key"]
    assert [p.name for p in projects(cache)] == [fresh.attrs["standalone_key"]]
    assert_same(fresh, cached)
    # Each run's results are removed once read; the compiler's output is in the project.
    assert not any((projects(cache)[0] / "runs").iterdir())
    assert "main" in (projects(cache)[0] / "compile.log").read_text()


def test_run_time_values_share_one_project(fresh_a, tmp_path):
    """B's own build would generate the very same files (the program holds zeros for every
    value, test_network.py checks that each constant is one), so B runs through A's project;
    that its values reach the binary, tests/test_driver.py checks against references."""
    fresh, cache = fresh_a
    cached_b = run_cell(CELL_B, 1, tmp_path / "b_cached.nc", cache)
    assert cached_b.attrs["standalone_compile_s"] == 0  # no second compile...
    assert [p.name for p in projects(cache)] == [fresh.attrs["standalone_key"]]  # ...one project
    assert not fresh["recall"].equals(cached_b["recall"])  # the values reached the binary
    params = {k: v for k, v in cached_b.attrs.items() if k.startswith("param.")}
    assert params["param.cell.tau_e"] == CELL_B["cell.tau_e"]


def test_another_schedule_builds_on_the_cached_project(fresh_a, tmp_path):
    """Another schedule (a longer night, one more phase) is another program, built on a copy of
    A's project: make compiles main.cpp alone (every code object is A's, byte for byte), and
    the cell is the same as from a build of its own."""
    fresh, cache = fresh_a
    shared = tmp_path / "shared" / "consolidation"
    shutil.copytree(standalone_root(cache), shared / standalone_root(cache).name)
    phases = [dict(p) for p in CELL_A["schedule.phases"]]
    phases[2]["duration"] = 1.5
    phases.insert(3, {"phase": "wake", "duration": 0.5})
    night = {**CELL_A, "schedule.phases": phases}
    on_a = run_cell(night, 0, tmp_path / "on_a.nc", shared.parent)
    key = on_a.attrs["standalone_key"]
    assert key != fresh.attrs["standalone_key"]
    project = standalone_root(shared.parent) / key
    assert (
        json.loads((project / "structure.json").read_text())["built_on"]
        == (fresh.attrs["standalone_key"])
    )
    log = (project / "compile.log").read_text().splitlines()
    assert [line.split()[-1] for line in log if " -c " in line] == ["main.o"]
    alone = run_cell(night, 0, tmp_path / "alone.nc", tmp_path / "own")
    (own,) = projects(tmp_path / "own")
    assert own.name == key
    assert json.loads((own / "structure.json").read_text())["built_on"] is None
    assert_same(on_a, alone)


BATCH = """
import json, sys
from consolidation.results.io import write_netcdf
from consolidation import simulate, simulate_seeds
a, b, out = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
for ds in simulate_seeds(a, [2, 0]):
    write_netcdf(ds, f"{out}/a_{ds.attrs['seed']}.nc")
write_netcdf(simulate(b, 1), f"{out}/b_1.nc")
"""


def test_cells_in_one_process_compile_once_and_match_each_alone(fresh_a, tmp_path):
    """A batch of seeds (the network built once, the binary re-run), then a cell with other
    run-time values, all in one process: no recompile, each as if run alone."""
    fresh, cache = fresh_a
    env = {**os.environ, "CONSOLIDATION_CACHE": str(cache), "PYTHONPATH": str(SRC)}
    args = [json.dumps(CELL_A), json.dumps(CELL_B), str(tmp_path)]
    proc = subprocess.run(
        [sys.executable, "-c", BATCH, *args], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    batch = {name: xr.load_dataset(tmp_path / f"{name}.nc") for name in ("a_2", "a_0", "b_1")}
    assert [p.name for p in projects(cache)] == [fresh.attrs["standalone_key"]]
    for ds in batch.values():
        assert ds.attrs["standalone_key"] == fresh.attrs["standalone_key"]
        assert ds.attrs["standalone_compile_s"] == 0
    assert [batch[n].attrs["standalone_batch_position"] for n in ("a_2", "a_0")] == [0, 1]
    assert_same(batch["a_0"], fresh)  # second in its batch, built for seed 2
    alone = {
        "a_2": run_cell(CELL_A, 2, tmp_path / "a_2_alone.nc", cache),
        "b_1": run_cell(CELL_B, 1, tmp_path / "b_1_alone.nc", cache),
    }
    for name, ds in alone.items():
        assert_same(batch[name], ds)
    assert not batch["a_0"]["recall"].equals(batch["a_2"]["recall"])  # the seeds reached it


def test_workflow_runs_standalone_cells_in_seed_batches(fresh_a, tmp_path):
    """Real snakemake on a config with `simulation.device: cpp_standalone` fixed and two seeds
    per job: one file per seed, each the same as the cell run alone; the compiled project of
    the fixture is reused (cells differ in run-time values only)."""
    fresh, cache = fresh_a
    fixed = {k: v for k, v in CELL_A.items() if k != "schedule.phases"}
    config = {
        "fixed": {**fixed, "schedule": {"phases": CELL_A["schedule.phases"]}},
        "studies": {
            "batched": {
                "description": "two cells, two seeds per job",
                "grid": {"sleep.disruption": [0.0, 1.0]},
                "seeds": [0, 2],
                "figures": ["main_effect"],
            }
        },
        "batch": {"seeds": 2},
        "plots": {"dpi": 40},
    }
    configfile = tmp_path / "config.yaml"
    configfile.write_text(yaml.safe_dump(config, sort_keys=False))
    env = {**os.environ, "CONSOLIDATION_CACHE": str(cache), "PYTHONPATH": str(SRC)}
    cmd = [*snakemake_command(tmp_path, configfile=configfile), "--cores", "2"]
    proc = subprocess.run(
        [*cmd, "--replace-workflow-config"], capture_output=True, text=True, cwd=tmp_path, env=env
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert job_counts(proc.stdout + proc.stderr)["simulate_batch"] == 2
    study = load_studies(config)["batched"]
    files = sorted(p.relative_to(tmp_path) for p in (tmp_path / "results").rglob("seed~*.nc"))
    assert files == sorted(Path(f) for f in study.cell_files())
    assert [p.name for p in projects(cache)] == [fresh.attrs["standalone_key"]]
    undisrupted, disrupted = (tmp_path / cell_file("network", c.key, 0) for c in study.cells)
    assert_same(xr.load_dataset(undisrupted), fresh)
    second = xr.load_dataset(disrupted.with_name("seed~2.nc"))
    assert second.attrs["standalone_batch_position"] == 1
    assert second.attrs["standalone_compile_s"] == 0
    study = xr.load_dataset(tmp_path / "results" / "batched" / "batched.nc")
    assert study.sizes["seed"] == 2 and (tmp_path / "results" / "report.html").exists()


@pytest.fixture(scope="module")
def key_a() -> str:
    return key_in_new_process(CELL_A)


@pytest.mark.parametrize(
    "change",
    [
        {"network.scale": 0.25},  # group sizes
        {
            "schedule.phases": [
                *CELL_A["schedule.phases"][:2],
                {"phase": "offline"},
                {"phase": "test"},
            ]
        },  # noqa: E501  a night's length (main.cpp alone differs)
        {"cortex.p_ee": 0.25},  # a connection probability (compiled into the connect code)
        {"cell.bg_rate": 1.5},  # Poisson background (compiled into PoissonInput)
        {"simulation.dt": 0.1},
    ],
)
def test_changed_structure_gets_another_project(change, key_a):
    assert key_in_new_process({**CELL_A, **change}) != key_a


def test_run_time_values_keep_the_key(key_a):
    assert key_in_new_process(CELL_B, seed=1) == key_a


def test_a_schedule_of_the_same_length_keeps_the_key(key_a):
    """The phases are run-time values (a signal): without the day boundary, or with its
    instant after the night, the program is the same."""
    encode, day, night, test = CELL_A["schedule.phases"]
    for phases in ([encode, night, test], [encode, night, day, test]):
        assert key_in_new_process({**CELL_A, "schedule.phases": phases}) == key_a


def test_a_neighbourhood_point_keeps_the_key(key_a):
    """config/robustness.yaml's copies run through the original's program."""
    point = {name: SPECS[name].default * 1.1 for name in PARAMETERS}
    assert key_in_new_process({**CELL_A, **point}) == key_a


def test_changed_equations_get_another_project(key_a):
    patch = "network.PLASTIC_ON_POST += 'x += 0\\n'"
    assert key_in_new_process(CELL_A, patch=patch) != key_a


KEY = """
import json, sys
from consolidation.model import network
from consolidation.backends import standalone
from consolidation.model.parameters import Parameters
{patch}
params = Parameters.from_overrides(json.loads(sys.argv[1]))
print(standalone.structure_key(params, int(sys.argv[2])))
"""


def key_in_new_process(overrides: dict, seed: int = 0, patch: str = "") -> str:
    """The structure key of a cell, computed in a new process as a job would."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    code = KEY.format(patch=patch)
    proc = subprocess.run(
        [sys.executable, "-c", code, json.dumps(overrides), str(seed)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout.split()[-1]


def test_threads_need_the_compiled_device():
    with pytest.raises(ParameterError, match="simulation.threads"):
        Parameters.from_overrides({"simulation.threads": 2})
    Parameters.from_overrides({"simulation.device": "cpp_standalone", "simulation.threads": 2})


def test_threads_compile_an_openmp_program_that_repeats(fresh_a, tmp_path):
    """Two threads: another program (OpenMP), and the same seed gives the same numbers again."""
    serial, _ = fresh_a
    cell = {**CELL_A, "simulation.threads": 2}
    first = run_cell(cell, 0, tmp_path / "first.nc", tmp_path)
    again = run_cell(cell, 0, tmp_path / "again.nc", tmp_path)
    assert first.attrs["standalone_key"] != serial.attrs["standalone_key"]
    (project,) = projects(tmp_path)
    assert "-fopenmp" in (project / "compile.log").read_text()
    assert_same(first, again)
