"""The naive peer of the benchmark: a plain Python loop over a grid, the way most labs write it.

Each grid cell (parameter overrides and a seed) runs ``consolidation.simulate`` in brian2's
runtime mode (Cython, warm cache) in a fresh worker process (``Pool(2, maxtasksperchild=1)``),
and its dataset is saved as netCDF. No workflow manager, no batching, no compile-once.

    python benchmarks/naive_peer.py jobs.json [--processes 2]

``jobs.json`` is a list of ``{"overrides": {...}, "seed": n, "output": "path.nc"}``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import time
from pathlib import Path

from consolidation import simulate


def run_one(job: dict) -> float:
    ds = simulate(job["overrides"], job["seed"])
    Path(job["output"]).parent.mkdir(parents=True, exist_ok=True)
    ds.to_netcdf(job["output"], engine="h5netcdf")
    return float(ds.attrs["wall_time_s"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("jobs", type=Path)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    jobs = json.loads(args.jobs.read_text())
    start = time.perf_counter()
    with multiprocessing.Pool(args.processes, maxtasksperchild=1) as pool:
        walls = pool.map(run_one, jobs, chunksize=1)
    total = time.perf_counter() - start
    print(json.dumps({"total_s": total, "cells": len(jobs), "cell_wall_time_s": walls}))


if __name__ == "__main__":
    main()
