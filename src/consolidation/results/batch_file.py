"""A batch's summaries file: what collect reads of the cells a batch job made.

A batch job (``simulate_batch``, ``simulate_cells``) writes, besides each cell file, one netCDF
file with the summaries of all its cells (:func:`consolidation.results.summary.stack_seeds` per
cell), so that collecting a study reads one file per batch instead of one per cell.

Layout: one netCDF group per shape of summary (``"0"``, ``"1"``, ...: cells whose coordinates
differ, as schedules do, cannot share arrays; a job of one study's grid has one). In a group, the
summaries of every seed of its cells lie along ``unit``, with ``seed`` and ``unit_cell`` (which of
the group's cells, along ``cell``: its key in ``cell_key``) per unit. The group's attributes are
those its cells share; ``cell_attrs`` holds, per cell as JSON, the few attributes in which it
differs from the others (its grid values).
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np
import xarray as xr

from consolidation.results.io import atomic_path
from consolidation.results.summary import shared_attrs


def write_summaries(path: str | os.PathLike, cells: dict[str, xr.Dataset]) -> None:
    """Write the summaries of cells (cell key -> :func:`stack_seeds` dataset), atomically."""
    shapes: dict[tuple, list[str]] = {}
    for key, ds in cells.items():
        shape = tuple((n, tuple(i)) for n, i in ds.indexes.items() if n != "seed")
        shapes.setdefault(shape, []).append(key)
    with atomic_path(path) as tmp:
        for i, keys in enumerate(shapes.values()):
            group = _group({key: cells[key] for key in keys})
            encoding = {name: {"_FillValue": None} for name in group.coords}
            mode = "w" if i == 0 else "a"
            group.to_netcdf(tmp, mode=mode, group=str(i), engine="netcdf4", encoding=encoding)


def _group(cells: dict[str, xr.Dataset]) -> xr.Dataset:
    """Cells of one shape in one dataset along ``unit`` (see the module)."""
    datasets = list(cells.values())
    first = datasets[0]
    shared = shared_attrs(datasets)
    own = [{k: _plain(v) for k, v in ds.attrs.items() if k not in shared} for ds in datasets]
    variables: dict[str, Any] = {
        name: (
            ("unit", *var.dims[1:]),
            np.concatenate([ds.variables[name].values for ds in datasets]),
            var.attrs,
        )
        for name, var in first.data_vars.items()
    }
    sizes = [ds.sizes["seed"] for ds in datasets]
    variables["unit_cell"] = ("unit", np.repeat(np.arange(len(datasets)), sizes))
    variables["cell_key"] = ("cell", np.array(list(cells), dtype=object))
    variables["cell_attrs"] = ("cell", np.array([json.dumps(a) for a in own], dtype=object))
    seeds = np.concatenate([ds["seed"].values for ds in datasets])
    coords = {n: first.variables[n] for n in first.coords if n != "seed"}
    out = xr.Dataset(variables, coords=coords | {"seed": ("unit", seeds, first["seed"].attrs)})
    return out.assign_attrs(shared)


def _plain(value: Any) -> Any:
    """An attribute value as JSON can hold it."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value.item() if isinstance(value, np.generic) else value


def read_summaries(path: str | os.PathLike, keys: list[str]) -> dict[str, xr.Dataset]:
    """The summaries of cells ``keys`` (as :func:`stack_seeds` made them) from a summaries
    file; a KeyError names a key the file does not hold."""
    # Imported here: the netCDF-C library adds 11 MB to every simulate job that imports this
    # module, and a simulate job compiling brian2's Cython code runs close to its mem_mb.
    import netCDF4

    out: dict[str, xr.Dataset] = {}
    # One open for all groups: xarray's own group access opens the file again for each.
    with netCDF4.Dataset(path) as nc:
        for name in nc.groups:
            group = xr.open_dataset(xr.backends.NetCDF4DataStore(nc.groups[name])).load()
            out |= _cells(group, [key for key in keys if key not in out])
    missing = [key for key in keys if key not in out]
    if missing:
        raise KeyError(f"{path} holds no cell {', '.join(missing)}")
    return out


def _cells(group: xr.Dataset, keys: list[str]) -> dict[str, xr.Dataset]:
    """The cells ``keys`` that a group holds, each along ``seed``, with its attributes."""
    held = {str(key): i for i, key in enumerate(group["cell_key"].values)}
    out = {}
    for key in (key for key in keys if key in held):
        units = np.flatnonzero(group["unit_cell"].values == held[key])
        ds = group.drop_vars(["unit_cell", "cell_key", "cell_attrs"]).isel(unit=units)
        ds = ds.swap_dims(unit="seed").drop_attrs(deep=False)
        own = json.loads(str(group["cell_attrs"].values[held[key]]))
        out[key] = ds.assign_attrs(group.attrs | own)
    return out
