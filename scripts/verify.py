"""Verify a results folder against its recorded provenance: re-run N random cells and compare.

    .venv/bin/python scripts/verify.py [RESULTS] [-n N] [--seed S] [--cell FILE ...]
    make verify N=3 [RESULTS=results]

For each chosen cell file the parameters and seed are read from the file itself (``param.*``
and ``seed`` attributes), the cell is simulated again, and every data variable and coordinate
is compared bit for bit with the stored one; the cell's summary in its study dataset is compared
with the stored cell too. Differences in recorded code revision or package versions are printed
as the likely cause. Exit status: 0 all identical, 1 any mismatch, 2 nothing to verify.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

import numpy as np
import xarray as xr

from consolidation import provenance
from consolidation.collect import summarize_cell
from consolidation.io import read_netcdf, write_netcdf
from consolidation.parameters import SPECS


def cell_files(results: Path) -> list[Path]:
    """Every cell file of every study dataset in the folder (as recorded, else as found)."""
    files: list[Path] = []
    for study in sorted(p for p in results.iterdir() if p.is_dir()):
        dataset = study / f"{study.name}.nc"
        recorded = []
        if dataset.exists():
            cells = read_netcdf(dataset).attrs.get("cells")
            if cells:
                for row in json.loads(cells):
                    path = Path(row["file"])
                    recorded.append(path if path.is_absolute() else results.parent / path)
        files += recorded or sorted((study / "cells").rglob("seed~*.nc"))
    return files


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


def study_summary_mismatch(path: Path, stored: xr.Dataset) -> list[str]:
    """Compare the cell's summary with its entry in the study dataset beside it."""
    study_dir = next((p for p in path.parents if p.name == "cells"), None)
    if study_dir is None:
        return []
    dataset = study_dir.parent / f"{study_dir.parent.name}.nc"
    if not dataset.exists():
        return []
    study = read_netcdf(dataset)
    axes = list(json.loads(study.attrs["grid"]))
    where = {a: _plain(stored.attrs[f"param.{a}"]) for a in axes}
    where["seed"] = int(stored.attrs["seed"])
    try:
        entry = study.sel(where)
    except KeyError:
        return [f"no entry {where} in {dataset}"]
    summary = summarize_cell(stored)
    bad = []
    for name in summary.data_vars:
        if name not in entry.data_vars or entry[name].shape != summary[name].shape:
            continue  # e.g. padded to other cells' phases
        if not np.array_equal(entry[name].values, summary[name].values, equal_nan=True):
            bad.append(f"{name} in {dataset.name}")
    return bad


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", nargs="?", default="results", type=Path)
    parser.add_argument("-n", type=int, default=3, help="cells to re-run (default 3)")
    parser.add_argument("--seed", type=int, default=None, help="seed of the random choice")
    parser.add_argument("--cell", action="append", type=Path, help="re-run this cell file")
    args = parser.parse_args(argv)

    if args.cell:
        chosen = list(args.cell)
    else:
        if not args.results.is_dir():
            print(f"verify: no results folder {args.results}", file=sys.stderr)
            return 2
        files = cell_files(args.results)
        seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
        chosen = random.Random(seed).sample(files, min(args.n, len(files)))
        print(f"verify: {len(chosen)} of {len(files)} cells of {args.results} (--seed {seed})")
    if not chosen:
        print("verify: no cell files to verify", file=sys.stderr)
        return 2

    from consolidation.simulate import simulate
    from consolidation.stdp import KIND, simulate_window

    failures = 0
    for path in chosen:
        try:
            stored = read_netcdf(path)
            overrides = overrides_from(stored.attrs)
            run = simulate_window if stored.attrs.get("study_kind") == KIND else simulate
            fresh = run(overrides, int(stored.attrs["seed"]))
            fresh.attrs.update({k: stored.attrs[k] for k in ("study", "cell") if k in stored.attrs})
            with tempfile.TemporaryDirectory() as tmp:  # compare after the same netCDF round trip
                write_netcdf(fresh, Path(tmp) / "fresh.nc")
                fresh = read_netcdf(Path(tmp) / "fresh.nc")
            bad = compare(stored, fresh) + study_summary_mismatch(Path(path), stored)
        except Exception as err:
            bad = [f"cannot re-run: {type(err).__name__}: {' '.join(str(err).split())[:200]}"]
            stored = None
        if bad:
            failures += 1
            print(f"MISMATCH {path}: " + ", ".join(bad))
            for note in provenance_notes(stored.attrs) if stored is not None else []:
                print(f"    {note}")
        else:
            print(f"ok       {path} (bit-identical, {fresh.attrs['wall_time_s']:.1f} s)")
    print(f"verify: {len(chosen) - failures} identical, {failures} mismatched")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
