"""What the report reads, and what is missing: datasets, claims files and benchmark files.

A file that is absent or unreadable is reported as missing rather than raised, so a partial
results folder still gets a page.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import xarray as xr

from consolidation.results.io import read_netcdf

NOT_COMPUTED = "not computed"


def is_file(path: str | Path | None) -> bool:
    return path is not None and Path(path).is_file()


def open_datasets(
    datasets: Mapping[str, str | Path | None],
) -> tuple[dict[str, xr.Dataset], dict[str, str]]:
    """(study -> dataset, study -> why it is missing) for the dataset files that open."""
    opened, missing = {}, {}
    for name, path in datasets.items():
        if not is_file(path):
            missing[name] = f"no dataset ({path}: not collected yet)"
            continue
        try:
            opened[name] = read_netcdf(path)
        except Exception as err:  # corrupt or foreign file: say so, report the rest
            reason = " ".join(str(err).split())[:200]
            missing[name] = f"dataset {path} cannot be read ({type(err).__name__}: {reason})"
    return opened, missing


def _not_computed(study: str, claim: Mapping[str, Any]) -> dict[str, Any]:
    """The row of a declared claim whose claims file is missing (the shape of ``claims.json``)."""
    return {
        "study": study,
        "name": claim["name"],
        "description": "",
        "reference": claim.get("reference") or "",
        "verdict": NOT_COMPUTED,
        "effect": None,
        "n_seeds": 0,
        "notes": [],
        "kind": claim.get("kind", ""),
    }


def read_claims(
    studies: Sequence[Mapping[str, Any]], paths: Mapping[str, str | Path | None]
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Every computed claim in study order, and study -> why its claims are missing.

    A study whose ``claims.json`` is missing gets one row per claim of its config (from
    ``study["claims"]`` when given) with the verdict 'not computed'.
    """
    rows: list[dict[str, Any]] = []
    missing: dict[str, str] = {}
    for study in studies:
        name = study["name"]
        path = paths.get(name)
        declared = study.get("claims")
        if is_file(path):
            try:
                rows += json.loads(Path(path).read_text())["claims"]
                continue
            except (ValueError, KeyError) as err:
                missing[name] = f"claims file {path} cannot be read ({type(err).__name__})"
        elif declared is None or declared:
            missing[name] = f"claims not computed ({path})"
        rows += [_not_computed(name, claim) for claim in declared or []]
    return rows, missing


def read_benchmarks(paths: Sequence[str | Path]) -> pd.DataFrame:
    """Snakemake benchmark files (tab-separated, column ``s`` in seconds), one row per job."""
    frames = [pd.read_csv(p, sep="\t").assign(file=str(p)) for p in paths if Path(p).exists()]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({"s": []})
