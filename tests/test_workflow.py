"""Fast workflow tests: config validation, grid paths, lint, formatting, pinned environments."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO, job_counts, run_snakemake

from consolidation.studies.grid import (
    ConfigError,
    cell_key,
    cell_path,
    format_value,
    load_studies,
)
from consolidation.studies.seeds import tuning_seeds_in

# --- grid expansion and cell paths --------------------------------------------------------


def test_values_have_one_stable_text_form():
    assert format_value(0.5) == "0.5"
    assert format_value(1.0) == format_value(1) == "1"
    assert format_value(1e-5) == "0.00001"
    assert format_value(True) == "true"
    assert format_value([]) == "none"
    assert format_value([0, 2]) == "0,2"


def test_cell_path_depends_only_on_its_own_values_in_sorted_order():
    assert cell_path({"sleep.disruption": 0.5, "neuromod.ach_sleep": 0.0}) == (
        "neuromod.ach_sleep~0/sleep.disruption~0.5"
    )


def test_grid_expands_to_the_cartesian_product_with_validated_values(tiny_config):
    studies = load_studies(tiny_config)
    assert list(studies) == ["sleep_vs_wake", "disruption_ach", "stdp_window"]
    study = studies["disruption_ach"]
    assert len(study.cells) == 4 and study.seeds == [7]
    cell = study.cell("neuromod.ach_sleep~1/sleep.disruption~0")
    assert cell.overrides["network.scale"] == 0.2  # shared fixed overrides are merged in
    assert studies["sleep_vs_wake"].seeds == [0, 1]


def test_adding_a_grid_value_keeps_existing_cell_paths(tiny_config):
    before = {c.path for c in load_studies(tiny_config)["disruption_ach"].cells}
    bigger = copy.deepcopy(tiny_config)
    bigger["studies"]["disruption_ach"]["grid"]["sleep.disruption"].append(0.5)
    after = {c.path for c in load_studies(bigger)["disruption_ach"].cells}
    assert before < after and len(after - before) == 2


def test_quantity_strings_and_numbers_give_the_same_cell(tiny_config):
    a = copy.deepcopy(tiny_config)
    a["studies"]["sleep_vs_wake"]["grid"] = {"encoding.duration": [200, "0.3 s"]}
    paths = [c.path for c in load_studies(a)["sleep_vs_wake"].cells]
    assert paths == ["encoding.duration~200", "encoding.duration~300"]


def test_the_only_key_selects_studies(tiny_config):
    tiny_config["only"] = ["disruption_ach"]
    assert list(load_studies(tiny_config)) == ["disruption_ach"]
    tiny_config["only"] = ["nope"]
    with pytest.raises(ConfigError, match="'only'"):
        load_studies(tiny_config)


def test_a_cell_shared_by_two_studies_is_simulated_once(tiny_config, write_config, tmp_path):
    # disruption_ach's disruption 0 / ACh 0 cells repeat sleep_vs_wake's sleep cell for seed 0.
    tiny_config["studies"]["disruption_ach"]["seeds"] = [0]
    studies = load_studies(tiny_config)
    shared = studies["disruption_ach"].cell("neuromod.ach_sleep~0/sleep.disruption~0")
    assert shared.key == studies["sleep_vs_wake"].cell("schedule.offline~sleep").key
    assert f"results/cells/network/{shared.key}/seed~0.nc" in studies["sleep_vs_wake"].cell_files()
    proc = run_snakemake(tmp_path, "-n", configfile=write_config(tiny_config))
    assert job_counts(proc.stdout)["simulate"] == 4 + 4 - 1


def test_a_cell_is_named_by_its_parameters_not_its_study(tiny_config):
    studies = load_studies(copy.deepcopy(tiny_config))
    sleep = studies["sleep_vs_wake"].cell("schedule.offline~sleep")
    # another name, another place in the config, a default spelled out: the same simulation
    renamed = copy.deepcopy(tiny_config)
    study = renamed["studies"].pop("sleep_vs_wake")
    study["fixed"] = {**study.get("fixed", {}), "sleep.disruption": 0.0}
    renamed["studies"] = {"first": study, **renamed["studies"]}
    again = load_studies(renamed)["first"].cell("schedule.offline~sleep")
    assert again.key == sleep.key and again.path == sleep.path
    # any parameter changed, or another kind of simulation: another cell
    changed = copy.deepcopy(tiny_config)
    changed["studies"]["sleep_vs_wake"]["fixed"] = {"cortex.eta": 0.004}
    other = load_studies(changed)["sleep_vs_wake"].cell("schedule.offline~sleep")
    assert other.key != sleep.key
    assert cell_key("stdp_window", {"a": 1}) != cell_key("network", {"a": 1})


# --- bad configs fail before any job runs, naming the key ----------------------------------


def _break(config: dict, how: str) -> dict:
    config = copy.deepcopy(config)
    study = config["studies"]["sleep_vs_wake"]
    if how == "unknown parameter":
        study["grid"]["sleep.durration"] = [1, 2]
    elif how == "empty grid axis":
        study["grid"]["schedule.offline"] = []
    elif how == "wrong type":
        study["fixed"] = {"sleep.swr_rate": "often"}
    elif how == "unknown study field":
        study["seed"] = 3
    elif how == "misspelled figure kind":
        study["figures"] = ["main_efect"]
    elif how == "out of range grid value":
        config["studies"]["disruption_ach"]["grid"]["sleep.disruption"] = [0.0, 1.5]
    return config


BAD = {
    "unknown parameter": ["sleep_vs_wake", "sleep.durration"],
    "empty grid axis": ["sleep_vs_wake", "schedule.offline"],
    "wrong type": ["sleep_vs_wake", "sleep.swr_rate"],
    "unknown study field": ["sleep_vs_wake", "seed"],
    "misspelled figure kind": ["sleep_vs_wake", "main_efect"],
    "out of range grid value": ["disruption_ach", "sleep.disruption"],
}


@pytest.mark.parametrize("how", list(BAD))
def test_bad_config_fails_before_any_job_naming_the_key(how, tiny_config, write_config, tmp_path):
    config = write_config(_break(tiny_config, how))
    proc = run_snakemake(tmp_path, "--cores", "1", configfile=config, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    for word in BAD[how]:
        assert word in output, f"{how}: {word!r} not in:\n{output}"
    assert not (tmp_path / "results").exists()
    assert "Job stats" not in output


# --- the default config, lint and formatting -------------------------------------------


def test_default_config_validates_and_plans_every_study(tmp_path):
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    studies = load_studies(config)
    proc = run_snakemake(tmp_path, "-n", configfile=REPO / "config" / "config.yaml")
    counts = job_counts(proc.stdout)
    distinct = {f for s in studies.values() for f in s.cell_files()}
    windows = {f for s in studies.values() if s.kind == "stdp_window" for f in s.cell_files()}
    assert windows and counts["simulate_window"] == len(windows)
    held = {f for s in studies.values() if s.kind == "working_memory" for f in s.cell_files()}
    assert held and counts["simulate_working_memory"] == len(held)
    # every network study's seeds fill whole batches (8 seeds per job)
    assert counts["simulate_batch"] * config["batch"]["seeds"] == len(distinct - windows - held)
    assert "simulate" not in counts
    assert counts["collect"] == len(studies)
    assert counts["report"] == 1


def shipped_config(*overlays: str) -> dict:
    """config/config.yaml with the given overlays of config/ merged over it, as snakemake does."""
    from snakemake.utils import update_config

    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    for overlay in overlays:
        update_config(config, yaml.safe_load((REPO / "config" / overlay).read_text()))
    return config


def test_full_config_merges_over_the_default_and_validates():
    config = shipped_config("full.yaml")
    studies = load_studies(config)
    assert set(studies) == set(config["studies"])
    assert all(len(s.seeds) >= 16 for s in studies.values())
    assert all(c.overrides["network.scale"] == 1.0 for s in studies.values() for c in s.cells)


@pytest.mark.parametrize("overlays", [(), ("full.yaml",), ("runtime.yaml",), ("cluster.yaml",)])
def test_shipped_configs_confirm_claims_on_seeds_held_out_from_tuning(overlays):
    for name, study in load_studies(shipped_config(*overlays)).items():
        assert not tuning_seeds_in(study.seeds), name


@pytest.mark.parametrize("overlays", [(), ("full.yaml",)])
def test_shipped_configs_compile_every_network_study_in_jobs_of_8_seeds(overlays):
    """The default device of the shipped configs is cpp_standalone, with at least 8 seeds per
    study; runtime.yaml turns every network study back to runtime mode, one seed per job."""
    config = shipped_config(*overlays)
    network = [s for s in load_studies(config).values() if s.kind == "network"]
    assert network and config["batch"]["seeds"] == 8
    assert all(len(s.seeds) >= 8 and len(s.seeds) % 8 == 0 for s in network)
    assert all(
        c.overrides["simulation.device"] == "cpp_standalone" for s in network for c in s.cells
    )
    config = shipped_config(*overlays, "runtime.yaml")
    network = [s for s in load_studies(config).values() if s.kind == "network"]
    assert config["batch"]["seeds"] == 1
    assert all(c.overrides["simulation.device"] == "runtime" for s in network for c in s.cells)


def test_snakemake_lint_is_clean():
    proc = subprocess.run(
        [sys.executable, "-m", "snakemake", "--lint"], cwd=REPO, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Congratulations" in proc.stdout + proc.stderr


def test_snakefmt_is_clean():
    snakefmt = Path(sys.executable).with_name("snakefmt")
    proc = subprocess.run(
        [str(snakefmt), "--check", "workflow"], cwd=REPO, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _pins(lines) -> dict[str, str]:
    pins = {}
    for line in lines:
        line = line.split("#", 1)[0].strip().removeprefix("- ").strip()
        if "==" in line:
            name, ver = line.split("==")
            pins[name.strip().lower().replace("_", "-")] = ver.strip()
    return pins


def test_conda_environment_pins_the_same_versions_as_requirements():
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    deps = env["dependencies"]
    assert "python=3.13" in deps
    pip = next(d["pip"] for d in deps if isinstance(d, dict))
    assert _pins(pip) == _pins((REPO / "requirements.txt").read_text().splitlines())


def test_netcdf_round_trip_is_atomic_with_h5netcdf(tmp_path):
    """h5netcdf needs h5py to write: this fails with 'No module named h5py' if it is missing."""
    import numpy as np
    import xarray as xr

    from consolidation.results.io import read_netcdf, write_netcdf

    ds = xr.Dataset(
        {"recall": (("memory",), np.arange(3.0), {"units": "Hz", "long_name": "recall"})},
        coords={"memory": [0, 1, 2]},
        attrs={"seed": 1},
    )
    path = tmp_path / "cells" / "seed~1.nc"
    write_netcdf(ds, path)
    assert [p.name for p in path.parent.iterdir()] == ["seed~1.nc"]
    xr.testing.assert_identical(read_netcdf(path), ds)


def test_the_workflow_refers_only_to_files_of_the_repository():
    """A deployed module reads its files from the git repository, relative to the rule files:
    what the rules name outside workflow/ is the rules' scripts (scripts/) and the environment
    (environment.yml), which the project's layout keeps at the top level."""
    import re

    for path in (REPO / "workflow").rglob("*"):
        if path.is_file() and (path.suffix in {".smk", ".py"} or path.name == "Snakefile"):
            for ref in re.findall(r"\.\./\.\./[\w./-]+", path.read_text()):
                target = (path.parent / ref).resolve()
                assert target.is_relative_to(REPO), (path, ref)
                assert target.exists(), (path, ref)
                assert target.parent.name == "scripts" or target.name == "environment.yml", ref


def test_the_catalog_file_declares_usage_and_software_stack():
    settings = yaml.safe_load((REPO / ".snakemake-workflow-catalog.yml").read_text())
    usage = settings["usage"]
    assert set(usage["mandatory-flags"]) == {"desc", "flags"}
    assert set(usage["software-stack-deployment"]) >= {"conda", "apptainer"}
    assert (REPO / "config" / "README.md").exists()
    assert (REPO / ".test" / "config" / "config.yaml").exists()
