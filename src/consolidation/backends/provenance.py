"""Where a number came from: parameters, seed, versions, code revision, host, wall time."""

from __future__ import annotations

import datetime
import os
import platform
import socket
import subprocess
from collections.abc import Sequence
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

PACKAGES = ("brian2", "numpy", "xarray", "scipy")
CONVENTIONS = "CF-1.11"


def cython_cache_dir() -> Path:
    """brian2's compiled-extension cache, kept per brian2 version in one known place."""
    root = (
        os.environ.get("CONSOLIDATION_CACHE")
        or os.environ.get("XDG_CACHE_HOME")
        or (Path.home() / ".cache")
    )
    path = Path(root) / "consolidation" / f"cython-brian2-{version('brian2')}"
    path.mkdir(parents=True, exist_ok=True)
    return path


@cache
def code_revision(where: str | Path | None = None) -> tuple[str, bool]:
    """(git commit, dirty) of a git tree (default: the one this package runs from).

    'unknown' outside git.
    """
    here = Path(where) if where is not None else Path(__file__).resolve().parent
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, check=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=here,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return rev, bool(status)
    except (OSError, subprocess.CalledProcessError):
        return "unknown", False


def versions() -> dict[str, str]:
    out = {f"version_{p}": version(p) for p in PACKAGES}
    out["version_python"] = platform.python_version()
    out["version_consolidation"] = version("consolidation")
    return out


def installed_versions(packages: Sequence[str]) -> dict[str, str]:
    """Package -> installed version, in the order given.

    A missing package reads 'not installed' rather than raising: a report lists the whole
    pipeline's stack and must not fail in an environment that lacks a part of it.
    """
    out = {}
    for name in packages:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def attributes(params, seed: int, wall_time: float) -> dict:
    """Dataset attributes: every parameter by dotted name, seed, versions, revision, timing."""
    rev, dirty = code_revision()
    attrs = {f"param.{k}": v for k, v in params.flat().items()}
    attrs.update(versions())
    attrs.update(
        {
            "seed": int(seed),
            "code_revision": rev,
            "code_dirty": int(dirty),
            "host": socket.gethostname(),
            "wall_time_s": float(wall_time),
            "Conventions": CONVENTIONS,
            "history": history(f"simulate seed {int(seed)} ({params['simulation.device']})"),
        }
    )
    return attrs


def history(what: str) -> str:
    """A CF ``history`` line: when, which program and version, what it did."""
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{now} consolidation {version('consolidation')}: {what}"
