"""The benchmark's collect part: the collect job's own script (scripts/collect.py), in a process
of its own, on a big study synthesized from one real cell file; its wall time and peak memory.

Two layouts, as the workflow leaves them:

- cell files (``batch`` 0): every cell a copy of the template with its seed and parameters in its
  attributes, as single simulate jobs write them; collect reads every file.
- batches (``batch`` N): the cells packed N to a job in config order, as ``batch.minutes`` packs
  them (:func:`consolidation.studies.batches.plan_batches`; ``config/cluster.yaml``'s 30 minutes
  at 20 s per cell are 90), each job's summaries file holding the template's summary once per cell
  with that cell's seed and parameters, as a ``simulate_cells`` job writes it. Collect reads the
  summaries files and only checks that each cell file exists, so here the cell files are hard
  links to the template (a collect that opened one would fail on its seed).
"""

from __future__ import annotations

import errno
import json
import os
import resource
import runpy
import shutil
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from bench_common import AXIS, ROOT, load, study_config, tail, timed_run

CELL_SECONDS = 20  # config/cluster.yaml's stated cost per cell


def synthesize(
    template: Path, config: dict[str, Any], root: Path, batch: int
) -> tuple[dict, list, list]:
    """Every cell of the config's study from one real cell file, in the layout of ``batch``:
    the study's summary, collect's table of cells, and the files collect takes as input."""
    from consolidation.studies.grid import cell_file, load_studies

    (study,) = load_studies(json.loads(json.dumps(config))).values()
    units = [(cell, seed) for cell in study.cells for seed in study.seeds]
    table = [
        {
            "values": cell.values,
            "seed": seed,
            "file": cell_file(study.kind, cell.key, seed, str(root)),
            "cell": cell.key,
        }
        for cell, seed in units
    ]
    for row in table:
        row["made_by"] = row["read_from"] = row["file"]
        Path(row["file"]).parent.mkdir(parents=True, exist_ok=True)
    if batch:
        inputs = write_batches(template, study, table, root, batch)
    else:
        inputs = [write_cell(template, row) for row in table]
    return study.summary(), table, inputs


def write_cell(template: Path, row: dict[str, Any]) -> str:
    """A copy of the template recording the row's seed, grid values and cell key."""
    import h5py
    import numpy as np

    shutil.copyfile(template, row["file"])
    with h5py.File(row["file"], "r+") as f:
        f.attrs["seed"] = np.array([row["seed"]], dtype=np.int64)
        for key, value in row["values"].items():
            f.attrs[f"param.{key}"] = np.array([value], dtype=np.float64)
        f.attrs["cell"] = row["cell"]
    return row["file"]


def write_batches(
    template: Path, study: Any, table: list[dict[str, Any]], root: Path, batch: int
) -> list[str]:
    """The summaries file of each job of `batch` cells, as simulate_cells writes it, and a hard
    link to the template for each cell file."""
    import numpy as np

    from consolidation.results.batch_file import write_summaries
    from consolidation.results.io import read_netcdf
    from consolidation.results.summary import stack_seeds, summarize_cell
    from consolidation.studies.batches import MARKER, Unit, label, plan_batches

    full = read_netcdf(template)
    summary = summarize_cell(full).assign_attrs(full.attrs)
    units = [Unit(study.kind, row["cell"], row["seed"]) for row in table]
    rows = {(row["cell"], row["seed"]): row for row in table}
    inputs = []
    for job in plan_batches(units, lambda unit: 1.0, float(batch)):
        marker = str(root / "cells" / study.kind / MARKER.format(label=label(job)))
        summaries = marker.removesuffix(".done") + ".summaries.nc"
        cells: dict[str, list] = {}
        for unit in job:
            row = rows[(unit.key, unit.seed)]
            row["made_by"], row["read_from"] = marker, summaries
            link(template, row["file"], root.parent)
            attrs = {f"param.{k}": np.float64(v) for k, v in row["values"].items()}
            attrs |= {"seed": np.int64(unit.seed), "cell": unit.key}
            cells.setdefault(unit.key, []).append(summary.copy().assign_attrs(attrs))
        write_summaries(summaries, {key: stack_seeds(seeds) for key, seeds in cells.items()})
        inputs.append(summaries)
    return inputs


def link(template: Path, path: str, spare: Path) -> None:
    """A hard link to the template, or to a copy of it in `spare` once a file system's limit
    of links to one file (65,000 on ext4) is reached."""
    for n in range(100):
        source = template if n == 0 else spare / f"template-{n}.nc"
        if n and not source.exists():
            shutil.copyfile(template, source)
        try:
            return os.link(source, path)
        except OSError as err:
            if err.errno != errno.EMLINK:
                raise
    raise OSError(f"cannot link {path}")


def collect_worker(spec_path: str) -> None:
    """Subprocess: the collect job's own script (scripts/collect.py) on a synthesized
    study."""
    spec = json.loads(Path(spec_path).read_text())
    smk = SimpleNamespace(
        input=spec["inputs"],
        output=SimpleNamespace(dataset=spec["output"], index=spec["index"]),
        log=[spec["log"]],
        params=SimpleNamespace(study=spec["study"], cells=spec["cells"]),
        config=spec["config"],
    )
    start = time.perf_counter()
    runpy.run_path(str(ROOT / "scripts" / "collect.py"), init_globals={"snakemake": smk})
    wall = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"collect_s": wall, "peak_rss_mb": peak_mb}))


def part_collect(
    cells: int, template: Path, fixed: dict[str, Any], work: Path, batch: int = 0
) -> dict:
    wd = work / f"collect-{cells}-batch{batch}"
    config = study_config(cells, fixed, seeds=10 if cells >= 20 else None, name="collect")
    if batch:  # the config that packs `batch` cells a job, as the workflow's check needs
        config["batch"] = {"minutes": batch * CELL_SECONDS / 60, "cell_seconds": CELL_SECONDS}
    start = time.perf_counter()
    study, table, inputs = synthesize(template, config, wd / "results", batch)
    synth_s = time.perf_counter() - start
    out = wd / "results" / "collect" / "collect.nc"
    spec = {
        "inputs": inputs,
        "output": str(out),
        "index": str(wd / "results" / "collect" / "cells.tsv"),
        "log": str(wd / "collect.log"),
        "study": study,
        "cells": table,
        "config": config,
    }
    (wd / "spec.json").write_text(json.dumps(spec))
    load_before = load()
    cmd = [sys.executable, str(ROOT / "benchmarks" / "bench_cell.py"), "_collect"]
    wall, rc = timed_run([*cmd, str(wd / "spec.json")], wd, wd / "worker.log")
    if rc:
        raise SystemExit(f"collect failed:\n{tail(wd / 'worker.log')}\n{tail(wd / 'collect.log')}")
    result = json.loads((wd / "worker.log").read_text().strip().splitlines()[-1])
    return {
        "cells": cells,
        "batch": batch,
        "axis": AXIS,
        "cell_file_bytes": template.stat().st_size,
        "input_files": len(inputs),
        "synthesize_s": synth_s,
        "process_wall_s": wall,
        "collect_s": result["collect_s"],
        "peak_rss_mb": result["peak_rss_mb"],
        "study_file_bytes": out.stat().st_size,
        "load_before": load_before,
        "load_after": load(),
    }
