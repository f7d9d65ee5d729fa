"""Files written atomically (a temporary file in the same folder, then a rename) and netCDF I/O.

A job killed half-way never leaves a truncated file under its final name, so snakemake (and a
reader) only ever sees complete outputs. A job killed while writing (SIGKILL skips clean-up)
leaves a hidden ``.<name>.<random>.tmp`` beside it; the next write of that file removes it.
"""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import xarray as xr

ENGINE = "h5netcdf"
# Reading a file is ten times faster through the netCDF-C library than through h5py, with the
# same data and attributes: collect reads every cell of a study.
READ_ENGINE = "netcdf4"


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it to ``path`` if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):  # from a killed writer
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes the file private; give it the usual mode
    try:
        yield Path(tmp)
        with open(tmp, "rb") as f:  # on disk before it takes the final name
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def write_text(path: str | os.PathLike, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_netcdf(ds: xr.Dataset, path: str | os.PathLike) -> None:
    """Write a dataset with the h5netcdf engine, atomically."""
    # CF: a coordinate variable has no fill value (xarray gives float ones NaN by default).
    encoding = {name: {"_FillValue": None} for name in ds.coords}
    with atomic_path(path) as tmp:
        ds.to_netcdf(tmp, engine=ENGINE, invalid_netcdf=False, encoding=encoding)


def read_netcdf(path: str | os.PathLike) -> xr.Dataset:
    """Open a dataset fully into memory and close the file."""
    with xr.open_dataset(path, engine=READ_ENGINE) as ds:
        return ds.load()
