"""The workflow deployed as a module with snakedeploy, as the Snakemake workflow catalog does.

``snakedeploy deploy-workflow <repository> <folder> --tag <tag>`` copies the repository's
``config/`` into the folder and writes ``<folder>/workflow/Snakefile``, which declares the
repository's ``workflow/Snakefile`` as a module (``github("<owner>/<repo>", ..., tag=...)`` for
a GitHub URL) and uses all its rules. CI has no network but the package registries, so:

- the repository is a local clone of this one, with the working tree committed on top (so the
  test deploys the code as it is on disk);
- snakedeploy 0.11.0 takes a local path as the repository, but writes the module's snakefile as
  the relative path ``"workflow/Snakefile"`` (which resolves to ``<folder>/workflow/workflow/``)
  and ignores ``--tag``; a ``file://`` URL matches none of its providers. The test therefore
  sets the module's snakefile to ``gitfile("<clone>", path="workflow/Snakefile",
  commit="<commit>")``: snakemake's local counterpart of ``github(...)``, which reads every file
  of the workflow (rules, scripts, captions, environment) from that commit, through snakemake's
  source cache, as ``github(...)`` does from GitHub. The clone's working tree is removed before
  the run, so nothing can be read from it.
- snakemake 9.27.1's check for changed rule scripts (rerun trigger ``code``) fails with a
  ``TypeError`` for a ``gitfile()`` module (``LocalGitFile.join`` takes only text, and is given
  the script as a ``LocalSourceFile``; ``GithubFile.join`` takes either), so the runs here
  leave ``code`` out of ``--rerun-triggers``; a ``github()`` deployment does not need that.

Then the tiny config replaces the deployed ``config/config.yaml``, snakemake runs one of its
network studies in the folder with 2 cores (``CONSOLIDATION_TEST_CORES``), and the report and the
study dataset must be there; a second dry run must find nothing to do. About a minute on 2 cores
with a warm brian2 cache.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import xarray as xr
import yaml
from conftest import REPO, TINY

import consolidation
from consolidation.studies.grid import load_studies

pytestmark = pytest.mark.slow

SRC = Path(consolidation.__file__).resolve().parents[1]
DEPLOYED_STUDY = "sleep_vs_wake"
GIT = ["git", "-c", "user.name=deploy test", "-c", "user.email=deploy@localhost"]


def git(*args: str, cwd: Path) -> str:
    proc = subprocess.run([*GIT, *args], cwd=cwd, capture_output=True, text=True)
    assert proc.returncode == 0, f"git {' '.join(args)}:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def clone_working_tree(dest: Path) -> str:
    """A local clone of the repository with its working tree (tracked and new files that git
    does not ignore) committed on top; returns that commit."""
    git("clone", "--quiet", str(REPO), str(dest), cwd=REPO)
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=REPO)
    git("rm", "-r", "-q", "--ignore-unmatch", ".", cwd=dest)
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    git("add", "-A", cwd=dest)
    if git("status", "--porcelain", cwd=dest).strip():
        git("commit", "--quiet", "-m", "the working tree, for the deployment test", cwd=dest)
    return git("rev-parse", "HEAD", cwd=dest).strip()


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs git and a git checkout of the repository")
    root = tmp_path_factory.mktemp("deploy")
    clone, folder = root / "repository", root / "deployed"
    commit = clone_working_tree(clone)
    snakedeploy = Path(sys.executable).with_name("snakedeploy")
    proc = subprocess.run(
        [str(snakedeploy), "deploy-workflow", str(clone), str(folder), "--tag", commit]
        + ["--name", "consolidation"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return clone, folder, commit


def test_snakedeploy_writes_the_module_and_copies_the_config(deployed):
    clone, folder, _ = deployed
    snakefile = (folder / "workflow" / "Snakefile").read_text()
    assert "module consolidation:" in snakefile
    assert "use rule * from consolidation" in snakefile
    for name in ("config.yaml", "full.yaml", "runtime.yaml", "robustness.yaml", "README.md"):
        assert (folder / "config" / name).read_text() == (clone / "config" / name).read_text()
    # only the module's Snakefile: rules, scripts and the rest come from the repository
    assert [p.name for p in (folder / "workflow").iterdir()] == ["Snakefile"]


def test_the_deployed_workflow_runs_the_tiny_config_offline(deployed):
    clone, folder, commit = deployed
    snakefile = folder / "workflow" / "Snakefile"
    module = re.compile(r"(    snakefile:\s*\n\s*)(\S.*)\n")
    assert module.search(snakefile.read_text()), snakefile.read_text()
    source = f'gitfile("{clone}", path="workflow/Snakefile", commit="{commit}")'
    snakefile.write_text(module.sub(lambda m: m[1] + source + "\n", snakefile.read_text(), 1))
    for path in clone.iterdir():  # keep only the git objects: files come from the commit
        if path.name != ".git":
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    shutil.copyfile(TINY, folder / "config" / "config.yaml")
    cores = os.environ.get("CONSOLIDATION_TEST_CORES", "2")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    cmd = [sys.executable, "-m", "snakemake", "--cores", cores, "--nocolor", "--rerun-triggers"]
    cmd += ["mtime", "params", "input", "software-env"]  # not code: see the module docstring
    cmd += ["--config", f"only=[{DEPLOYED_STUDY}]"]  # one network study is enough to show it
    proc = subprocess.run(cmd, cwd=folder, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-5000:]

    studies = {DEPLOYED_STUDY: load_studies(yaml.safe_load(TINY.read_text()))[DEPLOYED_STUDY]}
    html = (folder / "results" / "report.html").read_text()
    for name, study in studies.items():
        assert f'<section id="study-{name}"' in html
        with xr.open_dataset(folder / "results" / name / f"{name}.nc", engine="h5netcdf") as ds:
            assert list(ds["seed"].values) == study.seeds
        assert (folder / "results" / name / "claims.json").exists()

    again = subprocess.run([*cmd, "-n"], cwd=folder, capture_output=True, text=True, env=env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Nothing to be done" in again.stdout + again.stderr
