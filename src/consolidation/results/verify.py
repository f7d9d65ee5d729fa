"""Verify a results folder against its recorded provenance: re-run cells and compare.

    consolidation-verify [RESULTS] [-n N] [--seed S] [--cell FILE ...]
    make verify N=3 [RESULTS=results]

For each chosen cell file the parameters and seed are read from the file itself (``param.*``
and ``seed`` attributes), the cell is simulated again, and every data variable and coordinate
is compared bit for bit with the stored one; the cell's summary in its study dataset is compared
with the stored cell too. Differences in recorded code revision or package versions are printed
as the likely cause. Exit status: 0 all identical, 1 any mismatch, 2 nothing to verify.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import xarray as xr

from consolidation.backends import provenance
from consolidation.backends.driver import KIND_RUNNERS, simulate
from consolidation.model.parameters import SPECS
from consolidation.results.io import read_netcdf, write_netcdf
from consolidation.results.summary import summarize_cell
from consolidation.studies.config import plain


def recorded_cells(results: Path) -> dict[Path, list[Path]]:
    """Each study dataset of the results folder -> the cell files it records reading."""
    recorded = {}
    for dataset in sorted(results.glob("*/*.nc")):
        if dataset.stem == dataset.parent.name:
            rows = json.loads(read_netcdf(dataset).attrs.get("cells") or "[]")
            paths = (Path(row["file"]) for row in rows)
            recorded[dataset] = [p if p.is_absolute() else results.parent / p for p in paths]
    return recorded


def cell_files(results: Path) -> list[Path]:
    """Every cell file the folder's study datasets read (each once), else every cell file
    found under results/cells."""
    files = dict.fromkeys(f for paths in recorded_cells(results).values() for f in paths)
    return list(files) or sorted((results / "cells").rglob("seed~*.nc"))


def overrides_from(attrs: dict) -> dict:
    """The parameters recorded in a cell file, as overrides for simulate()."""
    out = {}
    for key, value in attrs.items():
        if not key.startswith("param."):
            continue
        name = key.removeprefix("param.")
        if name not in SPECS:
            raise ValueError(f"parameter {name} is recorded but unknown to this code")
        if isinstance(value, np.generic):
            value = value.item()
        if SPECS[name].kind is list and isinstance(value, str):
            value = json.loads(value)
        out[name] = value
    return out


def compare(stored: xr.Dataset, fresh: xr.Dataset) -> list[str]:
    """Names of data variables and coordinates that are not bit-identical."""
    bad = []
    for name in sorted(set(stored.variables) | set(fresh.variables)):
        if name not in stored.variables or name not in fresh.variables:
            bad.append(f"{name} (only in {'stored' if name in stored.variables else 'fresh'})")
            continue
        a, b = stored[name].values, fresh[name].values
        same = a.shape == b.shape and (
            np.array_equal(a, b, equal_nan=True)
            if np.issubdtype(a.dtype, np.number) and np.issubdtype(b.dtype, np.number)
            else np.array_equal(a, b)
        )
        if not same:
            bad.append(name)
    return bad


def studies_of(path: Path) -> list[Path]:
    """The study datasets of the results folder that read this cell file (results/cells/...)."""
    top = next((p for p in path.parents if p.name == "cells"), None)
    if top is None:
        return []
    me = path.resolve()
    return [
        dataset
        for dataset, files in recorded_cells(top.parent).items()
        if any(f.resolve() == me for f in files)
    ]


def study_summary_mismatch(path: Path, stored: xr.Dataset) -> list[str]:
    """Compare the cell's summary with its entry in each study dataset that reads it."""
    bad = []
    summary = summarize_cell(stored)
    for dataset in studies_of(path):
        study = read_netcdf(dataset)
        axes = list(json.loads(study.attrs["grid"]))
        where = {a: plain(stored.attrs[f"param.{a}"]) for a in axes}
        where["seed"] = int(stored.attrs["seed"])
        try:
            entry = study.sel(where)
        except KeyError:
            bad.append(f"no entry {where} in {dataset}")
            continue
        for name in summary.data_vars:
            if name not in entry.data_vars or entry[name].shape != summary[name].shape:
                continue  # e.g. padded to other cells' phases
            if not np.array_equal(entry[name].values, summary[name].values, equal_nan=True):
                bad.append(f"{name} in {dataset.name}")
    return bad


def provenance_notes(attrs: dict) -> list[str]:
    rev, dirty = provenance.code_revision()
    notes = []
    if attrs.get("code_revision") != rev or int(attrs.get("code_dirty", 0)) or dirty:
        notes.append(
            f"recorded code {attrs.get('code_revision')}"
            f"{' (dirty)' if int(attrs.get('code_dirty', 0)) else ''}, now {rev}"
            f"{' (dirty)' if dirty else ''}"
        )
    for key, value in provenance.versions().items():
        if key in attrs and str(attrs[key]) != value:
            notes.append(f"{key} recorded {attrs[key]}, now {value}")
    return notes


def verify_cell(path: Path) -> tuple[list[str], xr.Dataset | None, xr.Dataset | None]:
    """Re-run one cell file from its recorded parameters and seed: (mismatches, stored, fresh)."""
    try:
        stored = read_netcdf(path)
    except Exception as err:
        return (
            [f"cannot read: {type(err).__name__}: {' '.join(str(err).split())[:200]}"],
            None,
            None,
        )
    try:
        overrides = overrides_from(stored.attrs)
        run = KIND_RUNNERS.get(stored.attrs.get("study_kind"), simulate)
        fresh = run(overrides, int(stored.attrs["seed"]))
        if "cell" in stored.attrs:
            fresh.attrs["cell"] = stored.attrs["cell"]
        with tempfile.TemporaryDirectory() as tmp:  # compare after the same netCDF round trip
            write_netcdf(fresh, Path(tmp) / "fresh.nc")
            fresh = read_netcdf(Path(tmp) / "fresh.nc")
    except Exception as err:
        return (
            [f"cannot re-run: {type(err).__name__}: {' '.join(str(err).split())[:200]}"],
            stored,
            None,
        )
    return compare(stored, fresh) + study_summary_mismatch(Path(path), stored), stored, fresh
