"""Checks that a cell file, or a cell of a batch's summaries file, is what its path and the config
say it is, before collect uses it.

A cell must open, hold the summary variables, and record the seed and parameters its path and the
config give it; the study's other parameters must agree across cells. Otherwise
:class:`CellFileError` names the file and what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import xarray as xr

from consolidation.model.parameters import Parameters
from consolidation.results.batch_file import read_summaries
from consolidation.results.io import read_netcdf
from consolidation.results.summary import REQUIRED, same, summarize_cell
from consolidation.studies.config import plain
from consolidation.studies.grid import CELL_KEY

# A dimension of a cell file whose length a parameter gives: (dimension, parameter, what).
COUNTED = {
    "network": (("memory", "memory.count", "memories"),),
    "working_memory": (("item", "working_memory.items", "items"),),
}


class CellFileError(ValueError):
    """A cell file is unreadable, incomplete or belongs to other parameters; names the file."""


def _fail(path: str | Path, what: str) -> CellFileError:
    return CellFileError(
        f"cell file {path}: {what}. Delete it (snakemake then re-runs that cell) or fix the config."
    )


def read_cell(
    path: str | Path,
    values: Mapping[str, Any],
    seed: int,
    study: Mapping[str, Any],
) -> xr.Dataset:
    """Open one cell file, check it belongs where it lies (else CellFileError), and return its
    summary (:func:`summarize_cell`) with the cell's attributes."""
    try:
        ds = read_netcdf(path)
    except Exception as err:  # truncated, not netCDF, unreadable: all mean "not a result"
        reason = " ".join(str(err).split())[:200]
        raise _fail(path, f"cannot be read as netCDF ({type(err).__name__}: {reason})") from None
    recorded_seed = ds.attrs.get("seed")
    if recorded_seed is None or int(recorded_seed) != int(seed):
        raise _fail(path, f"records seed {recorded_seed}, its path says seed {seed}")
    check_cell(path, ds, values, study, Path(path).parent.name)
    return summarize_cell(ds).assign_attrs(ds.attrs)


def read_batch(
    path: str | Path,
    cells: Sequence[tuple[str, Mapping[str, Any], Sequence[int]]],
    study: Mapping[str, Any],
) -> list[xr.Dataset]:
    """The summaries of the seeds of each cell (key, grid values, seeds) from a batch's
    summaries file (:func:`consolidation.results.summary.write_summaries`), each checked as
    :func:`read_cell` checks a cell file (else CellFileError)."""
    try:
        groups = read_summaries(path, [key for key, _, _ in cells])
    except KeyError as err:
        raise _fail(path, str(err.args[0]).removeprefix(f"{path} ")) from None
    except Exception as err:
        reason = " ".join(str(err).split())[:200]
        raise _fail(path, f"cannot be read as netCDF ({type(err).__name__}: {reason})") from None
    out = []
    for key, values, seeds in cells:
        ds = groups[key]
        missing = sorted(set(seeds) - set(ds["seed"].values.tolist()))
        if missing:
            raise _fail(path, f"holds no seed {', '.join(map(str, missing))} of cell {key}")
        check_cell(path, ds, values, study, key)
        out.append(ds.sel(seed=list(seeds)))
    return out


def check_cell(
    path: str | Path, ds: xr.Dataset, values: Mapping[str, Any], study: Mapping[str, Any], key: str
) -> None:
    """A cell file (or a cell of a summaries file) holds what collect needs and was made with
    the parameters of its grid cell and for cell ``key`` (a folder name that is no cell key,
    as in tests, is not checked); else CellFileError names the file."""
    kind = study.get("kind", "network")
    made_by = ds.attrs.get("study_kind", "network")
    if made_by != kind:
        raise _fail(path, f"was made by a {made_by} simulation, its study is of kind {kind}")
    required, dims = REQUIRED[kind]
    missing = [v for v in required if v not in ds.data_vars]
    missing += [f"dimension {d}" for d in dims if d not in ds.dims]
    if missing:
        raise _fail(path, "incomplete, missing " + ", ".join(missing))
    overrides = {**study.get("fixed", {}), **values}
    expected = Parameters.from_overrides(overrides).flat()
    for name in sorted(overrides):
        got = ds.attrs.get(f"param.{name}")
        if got is None:
            raise _fail(path, f"records no value for parameter {name}")
        if not same(plain(got), expected[name]):
            raise _fail(
                path,
                f"was simulated with {name} = {plain(got)!r}, its grid cell has {expected[name]!r}",
            )
    recorded = ds.attrs.get("cell")
    if recorded is not None and re.fullmatch(CELL_KEY, key) and recorded != key:
        raise _fail(path, f"was made for cell {recorded}, it lies in the folder of cell {key}")
    for dim, name, what in COUNTED.get(kind, ()):
        if ds.sizes[dim] != int(expected[name]):
            raise _fail(path, f"has {ds.sizes[dim]} {what}, {name} is {expected[name]}")


def check_shared_parameters(
    files: Sequence[str | Path], datasets: Sequence[xr.Dataset], axes: Sequence[str]
) -> None:
    """Every parameter that is not a grid axis must be the same in every cell of a study."""
    if not datasets:
        return
    first = datasets[0].attrs
    keys = {k for d in datasets for k in d.attrs if k.startswith("param.")}
    for key in sorted(keys):
        if key.removeprefix("param.") in axes:
            continue
        for path, ds in zip(files, datasets, strict=True):
            if not same(plain(ds.attrs.get(key)), plain(first.get(key))):
                raise _fail(
                    path,
                    f"has {key.removeprefix('param.')} = {plain(ds.attrs.get(key))!r} but "
                    f"{files[0]} has {plain(first.get(key))!r} (cells of one study must share "
                    "every parameter that is not a grid axis; were they made by other code?)",
                )
