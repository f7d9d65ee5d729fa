"""Benchmark: a grid cell in the workflow, against the compiled simulation and a naive peer.

On one grid of the default network (the default config's ``fixed`` settings; grid
``sleep.disruption`` x seeds, 24 cells by default) it measures, one after the other:

(cold) the workflow end to end (as (b)) with an empty cache of compiled projects: the one compile
    of the grid's network structure included; with ``--cores 2`` the second job waits on the
    compile lock meanwhile. Skipped when the cache is kept warm (``--parts`` without cold).
(a) the compiled simulation alone: every grid cell's seeds in one process through
    ``simulate_seeds`` (cpp_standalone, cache warm), timing the binary's run per cell (what the
    compiled program costs; the limit) and the whole call per cell (network build in Python once
    per grid cell, planning, measures). Sequential, one core.
(b) the workflow end to end: ``snakemake --cores 2`` on that grid as its own config
    (``simulation.device: cpp_standalone`` fixed, ``batch.seeds`` = the seeds of a grid cell), in a
    fresh work directory (simulate, collect, figures, claims, report), compiled cache warm: total
    wall / cells.
(c) a naive peer (``benchmarks/naive_peer.py``): a plain ``multiprocessing.Pool(2)`` loop with a
    fresh process per cell calling ``consolidation.simulate`` in runtime mode (Cython, warm
    cache: a discarded cell first) and saving each dataset: total wall / cells.

then the ratios (b)/(a) and (c)/(b), the time of ``snakemake -n`` on generated configs of 10,000
and 100,000 cells (the config check caps a config at 20,000 simulation jobs, so the 100,000 one
packs its cells into jobs of 30 minutes, as ``config/cluster.yaml`` does), and the wall time
and peak memory (max RSS) of the collect job on a 10,000-cell study synthesized from one real
cell file (``benchmarks/collect_part.py``; ``--collect-cells 100000 --collect-batch 90`` for
the batched layout).

The compiled projects go to a cache in the work directory (``CONSOLIDATION_CACHE``), so the cold
figure is cold; the naive peer uses the usual Cython cache.

    .venv/bin/python benchmarks/bench_cell.py [--cells 24] [--quick] [--out bench.json]
    .venv/bin/python benchmarks/bench_cell.py --tabulate run1.json run2.json [--out all.md]

(``--parts cold,a,b,c,dry,collect`` runs only some parts; ``--tabulate`` prints one table from the
JSON files of several runs.)

Prints a markdown table (for the README) at the end; ``--out`` also writes the figures as JSON
and the table as markdown (``<out>.md``). A cell here is one simulation: grid cell x seed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_common import (
    AXIS,
    COMPILED,
    ROOT,
    TARGETS,
    default_fixed,
    grid_shape,
    jobs_of,
    load,
    log,
    snakemake_cmd,
    study_config,
    tail,
    timed_run,
    write_yaml,
)
from collect_part import collect_worker, part_collect

# --- (a) the compiled simulation alone, in one process -----------------------------------------


def alone_worker(jobs_path: str, out_path: str, template: str) -> None:
    """Subprocess: each grid cell's seeds through ``simulate_seeds`` (cpp_standalone) in this
    one process; per cell the binary's run and the whole call."""
    from consolidation import simulate_seeds
    from consolidation.results.io import write_netcdf

    jobs = json.loads(Path(jobs_path).read_text())
    cells: dict[str, list[dict[str, Any]]] = {}
    for job in jobs:  # grid cells in order, their seeds together
        cells.setdefault(json.dumps(job["overrides"], sort_keys=True), []).append(job)
    rows = []
    for key, group in cells.items():
        overrides = {**json.loads(key), **COMPILED}
        start = time.perf_counter()
        for ds in simulate_seeds(overrides, [job["seed"] for job in group]):
            now = time.perf_counter()
            rows.append(
                {
                    "seed": int(ds.attrs["seed"]),
                    "call_s": now - start,
                    "binary_s": float(ds.attrs["standalone_run_s"]),
                    "setup_s": float(ds.attrs["standalone_setup_s"]),
                    "compile_s": float(ds.attrs["standalone_compile_s"]),
                    "batch_position": int(ds.attrs["standalone_batch_position"]),
                    "load": load(),
                }
            )
            if not Path(template).exists():
                write_netcdf(ds, template)
            start = time.perf_counter()
    Path(out_path).write_text(json.dumps({"cells": rows}))


def part_a(jobs: list[dict[str, Any]], work: Path, cache: Path) -> dict[str, Any]:
    jobs_path = work / "a" / "jobs.json"
    jobs_path.parent.mkdir(parents=True, exist_ok=True)
    jobs_path.write_text(json.dumps(jobs))
    out = work / "a" / "result.json"
    template = work / "a" / "template.nc"
    cmd = [sys.executable, __file__, "_alone", str(jobs_path), str(out), str(template)]
    load_before = load()
    wall, rc = timed_run(cmd, work, work / "a" / "log.txt", cache)
    if rc:
        raise SystemExit(f"(a) failed:\n{tail(work / 'a' / 'log.txt')}")
    cells = json.loads(out.read_text())["cells"]
    n = len(cells)

    def mean(key, rows=cells):
        return sum(c[key] for c in rows) / len(rows) if rows else float("nan")

    later = [c for c in cells if c["batch_position"] > 0]
    return {
        "cells": n,
        "process_wall_s": wall,
        "per_cell_binary_s": mean("binary_s"),
        "min_binary_s": min(c["binary_s"] for c in cells),
        "max_binary_s": max(c["binary_s"] for c in cells),
        "per_cell_call_s": mean("call_s"),
        "first_seed_call_s": mean("call_s", [c for c in cells if c["batch_position"] == 0]),
        "later_seed_call_s": mean("call_s", later),
        "per_grid_cell_setup_s": mean("setup_s", [c for c in cells if c["batch_position"] == 0]),
        "compile_s": sum(c["compile_s"] for c in cells),
        "load_before": load_before,
        "load_after": load(),
        "template": str(template),
        "rows": cells,
    }


# --- (b) the workflow end to end ----------------------------------------------------------------


def part_b(
    config: dict[str, Any], cells: int, work: Path, cache: Path, name: str = "b"
) -> dict[str, Any]:
    import xarray as xr

    wd = work / name
    configfile = write_yaml(wd / "bench.yaml", config)
    projects_before = len(list(cache.glob("consolidation/standalone-*/*/structure.json")))
    load_before = load()
    wall, rc = timed_run(
        snakemake_cmd(wd, configfile, "--cores", "2"), wd, wd / "snakemake.log", cache
    )
    if rc:
        raise SystemExit(f"({name}) snakemake failed:\n{tail(wd / 'snakemake.log')}")
    load_after = load()
    files = sorted((wd / "results" / "cells").rglob("seed~*.nc"))
    attrs = []
    for f in files:
        with xr.open_dataset(f, engine="h5netcdf") as ds:
            attrs.append(dict(ds.attrs))
    job_s = []
    after_s = 0.0  # the jobs after the simulations: collect, figures, claims, report
    for tsv in (wd / "results" / "benchmarks").rglob("*.tsv"):
        seconds = float(tsv.read_text().splitlines()[1].split("\t")[0])
        if "simulate" in tsv.relative_to(wd / "results" / "benchmarks").parts:
            job_s.append(seconds)
        else:
            after_s += seconds

    def mean(key):
        values = [float(a[key]) for a in attrs if key in a]
        return sum(values) / len(values) if values else None

    return {
        "cells": cells,
        "cell_files": len(files),
        "jobs": len(job_s),
        "total_s": wall,
        "per_cell_s": wall / cells,
        "mean_simulate_job_s": sum(job_s) / len(job_s) if job_s else None,
        "simulate_jobs_sum_s": sum(job_s),
        "after_jobs_sum_s": after_s,
        "mean_binary_in_job_s": mean("standalone_run_s"),
        "compile_s": sum(float(a.get("standalone_compile_s", 0)) for a in attrs),
        "projects_compiled": len(list(cache.glob("consolidation/standalone-*/*/structure.json")))
        - projects_before,
        "load_before": load_before,
        "load_after": load_after,
        "template": str(files[0]) if files else None,
    }


# --- (c) the naive peer -------------------------------------------------------------------------


def part_c(jobs: list[dict[str, Any]], work: Path) -> dict[str, Any]:
    wd = work / "c"
    wd.mkdir(parents=True, exist_ok=True)
    jobs = [
        {**j, "output": str(wd / "out" / Path(j["output"]).relative_to(work / "jobs"))}
        for j in jobs
    ]
    (wd / "jobs.json").write_text(json.dumps(jobs))
    cmd = [sys.executable, str(ROOT / "benchmarks" / "naive_peer.py"), str(wd / "jobs.json")]
    # one discarded cell first, so that the peer finds brian2's Cython cache warm
    (wd / "warmup.json").write_text(json.dumps([{**jobs[0], "output": str(wd / "warmup.nc")}]))
    warm = [*cmd[:-1], str(wd / "warmup.json"), "--processes", "1"]
    warmup_s, rc = timed_run(warm, wd, wd / "warmup.txt")
    if rc:
        raise SystemExit(f"(c) warm-up failed:\n{tail(wd / 'warmup.txt')}")
    load_before = load()
    wall, rc = timed_run(cmd, wd, wd / "log.txt")
    if rc:
        raise SystemExit(f"(c) naive peer failed:\n{tail(wd / 'log.txt')}")
    result = json.loads((wd / "log.txt").read_text().strip().splitlines()[-1])
    walls = result["cell_wall_time_s"]
    return {
        "cells": len(jobs),
        "total_s": wall,
        "per_cell_s": wall / len(jobs),
        "mean_simulate_call_s": sum(walls) / len(walls),
        "warmup_s": warmup_s,
        "load_before": load_before,
        "load_after": load(),
    }


# --- snakemake -n on big configs ----------------------------------------------------------------


def part_dry(cells: int, fixed: dict[str, Any], work: Path) -> dict[str, Any]:
    """`snakemake -n` on a config of `cells` cells; above the config check's cap on jobs with
    config/cluster.yaml's `batch` (jobs sized in minutes), as a config that big runs."""
    import yaml

    from consolidation.studies.grid import MAX_JOBS, ConfigError, load_studies

    wd = work / f"dry-{cells}"
    config = study_config(cells, fixed, seeds=10 if cells >= 20 else None)
    if cells > MAX_JOBS:
        config["batch"] = yaml.safe_load((ROOT / "config" / "cluster.yaml").read_text())["batch"]
    configfile = write_yaml(wd / "config.yaml", config)
    # the config check alone, in this process (snakemake runs it when it loads the workflow)
    start = time.perf_counter()
    try:
        load_studies(json.loads(json.dumps(config)))
        check_error = None
    except ConfigError as err:
        check_error = str(err)
    check_s = time.perf_counter() - start
    load_before = load()
    wall, rc = timed_run(snakemake_cmd(wd, configfile, "-n"), wd, wd / "dry-run.log")
    text = (wd / "dry-run.log").read_text(errors="replace")
    error = None
    if rc:
        lines = [ln for ln in text.splitlines() if "Invalid config" in ln]
        lines += [ln for ln in text.splitlines() if "Error" in ln]
        error = (lines[0] if lines else tail(wd / "dry-run.log", 3)).strip()
    n_values, n_seeds = grid_shape(cells, 10 if cells >= 20 else None)
    return {
        "cells": cells,
        "grid": f"{n_values} values x {n_seeds} seeds",
        "total_s": wall,
        "returncode": rc,
        "error": error,
        "config_check_s": check_s,
        "config_check_error": check_error,
        "batch": config.get("batch"),
        "jobs_listed": len(re.findall(r"^rule simulate(?:_batch|_cells)?:", text, re.M)),
        "load_before": load_before,
        "load_after": load(),
    }


# --- report -------------------------------------------------------------------------------------


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "**missed**")


def table(r: dict[str, Any]) -> str:
    a, b, c, cold = r.get("a"), r.get("b"), r.get("c"), r.get("cold")
    rows = [("measure", "result", "target", "status"), ("---", "---", "---", "---")]
    if a:
        rows.append(
            (
                f"(a) compiled simulation alone, one process, 1 core ({a['cells']} cells)",
                f"{a['per_cell_binary_s']:.2f} s/cell the binary's run (range "
                f"{a['min_binary_s']:.2f}-{a['max_binary_s']:.2f}); the whole call "
                f"{a['per_cell_call_s']:.2f} s/cell (a grid cell's first seed "
                f"{a['first_seed_call_s']:.2f} s with the network built in Python, each further "
                f"seed {a['later_seed_call_s']:.2f} s); load "
                f"{a['load_before']:.1f}-{a['load_after']:.1f}",
                "",
                "",
            )
        )
    for name, run in (("cold", cold), ("b", b)):
        if not run:
            continue
        what = (
            "(b) workflow end to end, `snakemake --cores 2`, compiled cache warm"
            if name == "b"
            else "workflow as (b), compiled cache empty (first run of a structure)"
        )
        rows.append(
            (
                f"{what} ({run['cells']} cells, {run['jobs']} jobs)",
                f"{run['per_cell_s']:.2f} s/cell ({run['total_s']:.0f} s in all; a simulate "
                f"job {run['mean_simulate_job_s']:.1f} s, the binary in it "
                f"{run['mean_binary_in_job_s']:.2f} s/cell; the jobs after the simulations "
                f"{run.get('after_jobs_sum_s', math.nan):.1f} s in all; "
                f"{run['projects_compiled']} project(s) compiled, {run['compile_s']:.0f} s); load "
                f"{run['load_before']:.1f}-{run['load_after']:.1f}",
                "",
                "",
            )
        )
    if c:
        rows.append(
            (
                f"(c) naive peer, runtime mode, `Pool(2)`, fresh process per cell "
                f"({c['cells']} cells)",
                f"{c['per_cell_s']:.2f} s/cell ({c['total_s']:.0f} s in all; `simulate()` "
                f"{c['mean_simulate_call_s']:.1f} s per cell); load "
                f"{c['load_before']:.1f}-{c['load_after']:.1f}",
                "",
                "",
            )
        )
    if a and b:
        ratio = b["per_cell_s"] / a["per_cell_binary_s"]
        rows.append(
            (
                "(b)/(a): workflow per cell / compiled simulation",
                f"{ratio:.2f} ({2 * ratio:.2f} in core-seconds: (b) has 2 cores, (a) uses 1)",
                "<= 1.3",
                verdict(ratio <= 1.3),
            )
        )
    if b and c:
        ratio = c["per_cell_s"] / b["per_cell_s"]
        rows.append(("(c)/(b): naive peer / workflow", f"{ratio:.2f}", ">= 5", verdict(ratio >= 5)))
    for d in r.get("dry", []):
        if d["returncode"] == 0:
            jobs = f"{d['jobs_listed']:,} jobs"
            if d.get("batch"):
                jobs += f", batch {d['batch']}"
            result = (
                f"{d['total_s']:.1f} s ({d['grid']}, {jobs}; config check alone "
                f"{d['config_check_s']:.1f} s)"
            )
        else:
            result = f"refused by the config check after {d['total_s']:.1f} s: `{d['error'][:260]}`"
        limit = {10_000: TARGETS["dry_10000_s"], 100_000: TARGETS["dry_100000_s"]}.get(d["cells"])
        target = f"< {limit:.0f} s" if limit else ""
        status = verdict(d["returncode"] == 0 and d["total_s"] < limit) if limit else ""
        rows.append(
            (
                f"`snakemake -n`, {d['cells']:,} cells",
                result + f"; load {d['load_before']:.1f}-{d['load_after']:.1f}",
                target,
                status,
            )
        )
    for k in r.get("collect", []):
        if k["cells"] == 10_000:
            target, ok = "< 2 GB", k["peak_rss_mb"] < TARGETS["collect_10000_mb"]
        elif k["cells"] == 100_000:
            target = "< 10 min, < 4 GB"
            ok = k["collect_s"] < TARGETS["collect_100000_s"]
            ok = ok and k["peak_rss_mb"] < TARGETS["collect_100000_mb"]
        else:
            target, ok = "", None
        layout = (
            f"summaries files of {k['batch']} cells"
            if k.get("batch")
            else f"{k['cell_file_bytes'] / 1e3:.0f} kB cell files"
        )
        rows.append(
            (
                f"collect {k['cells']:,} cells (wall, peak RSS)",
                f"{k['collect_s']:.0f} s, {k['peak_rss_mb']:,.0f} MB ({layout}); load "
                f"{k['load_before']:.1f}-{k['load_after']:.1f}",
                target,
                verdict(ok) if target else "",
            )
        )
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


# --- main ---------------------------------------------------------------------------------------


def revision() -> str:
    """The code measured: git revision of this checkout, '+dirty' with uncommitted changes."""
    try:
        rev = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", "src", "workflow"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return rev + ("+dirty" if dirty else "")


def header(results: dict[str, Any]) -> str:
    m = results["machine"]
    return (
        f"Code {results.get('revision', 'unknown')}. Machine: {m['cores']} cores, {m['platform']}, "
        f"Python {m['python']}; load average {m['load_start']} at start, {m['load_end']} at end; "
        f"benchmark took {results['benchmark_wall_s'] / 60:.1f} min. Grid: "
        f"{results['grid']['shape']}, fixed {results['grid']['fixed']}."
    )


def tabulate(paths: list[Path], out: Path | None) -> None:
    """One table from the JSON files of several runs (e.g. ``--parts a,b,c,dry`` and collect)."""
    merged: dict[str, Any] = {}
    for path in paths:
        data = json.loads(path.read_text())
        if not merged:
            merged = data
            continue
        for key in ("dry", "collect"):  # lists: the runs' rows add up
            merged[key] = [*merged.get(key, []), *data.get(key, [])]
        for key in ("cold", "a", "b", "c"):
            if key in data:
                merged[key] = data[key]
        merged["machine"]["load_end"] = data["machine"]["load_end"]
        merged["benchmark_wall_s"] += data["benchmark_wall_s"]
    text = header(merged) + "\n\n" + table(merged)
    print(text)
    if out:
        out.with_suffix(".md").write_text(text + "\n")


def main() -> None:
    if sys.argv[1:2] == ["_alone"]:
        return alone_worker(*sys.argv[2:5])
    if sys.argv[1:2] == ["_collect"]:
        return collect_worker(sys.argv[2])
    if sys.argv[1:2] == ["--tabulate"]:
        out = None
        if "--out" in sys.argv:
            i = sys.argv.index("--out")
            out = Path(sys.argv[i + 1])
            del sys.argv[i : i + 2]
        return tabulate([Path(p) for p in sys.argv[2:]], out)
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cells", type=int, default=None, help="grid size (default 24; quick 4)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 4 cells with 2 s nights, snakemake -n on 1,000 and 100,000 cells, "
        "collect 500 cells",
    )
    parser.add_argument(
        "--scale", type=float, help="network.scale (default: the default config's, 0.5)"
    )
    parser.add_argument(
        "--seeds", type=int, help="seeds per grid cell (default 3 when they divide --cells)"
    )
    parser.add_argument(
        "--cache",
        type=Path,
        help="compiled projects (default: <workdir>/cache, empty: the cold part compiles)",
    )
    parser.add_argument("--out", type=Path, help="also write the figures as JSON and .md")
    parser.add_argument(
        "--parts",
        default="cold,a,b,c,dry,collect",
        help="which parts to run (comma-separated; default all)",
    )
    parser.add_argument("--dry-cells", default=None, help="sizes for snakemake -n (10000,100000)")
    parser.add_argument("--collect-cells", type=int, default=None, help="default 10000")
    parser.add_argument(
        "--collect-batch",
        type=int,
        default=0,
        help="collect from summaries files of this many cells each (as batch.minutes leaves "
        "them; config/cluster.yaml: 90), not from cell files (0, the default)",
    )
    parser.add_argument(
        "--template", type=Path, help="a real cell file for the collect part (default: from b or a)"
    )
    parser.add_argument("--workdir", type=Path, help="keep the runs here (default: a temp dir)")
    args = parser.parse_args()

    parts = set(args.parts.split(","))
    cells = args.cells or (4 if args.quick else 24)
    dry_sizes = [
        int(s)
        for s in (args.dry_cells or ("1000,100000" if args.quick else "10000,100000")).split(",")
    ]
    collect_cells = args.collect_cells or (500 if args.quick else 10_000)
    fixed = default_fixed()
    if args.scale:
        fixed["network.scale"] = args.scale
    if args.quick:  # short nights and wakes: the same network and code, less simulated time
        fixed.update({"sleep.duration": 2, "wake.duration": 2})
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-cell-"))
    work.mkdir(parents=True, exist_ok=True)
    config = study_config(cells, fixed, seeds=args.seeds)
    jobs = jobs_of(config, work / "jobs")
    compiled = study_config(cells, {**fixed, **COMPILED}, seeds=args.seeds, batch=True)
    cache = args.cache or work / "cache"  # compiled projects of this benchmark (cold at first)

    results: dict[str, Any] = {
        "command": " ".join(["benchmarks/bench_cell.py", *sys.argv[1:]]),
        "revision": revision(),
        "machine": {
            "cores": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_start": load(),
        },
        "grid": {
            "cells": cells,
            "shape": "{} values of {} x {} seeds".format(
                *[grid_shape(cells, args.seeds)[0], AXIS], grid_shape(cells, args.seeds)[1]
            ),
            "fixed": fixed,
        },
        "workdir": str(work),
    }
    start = time.perf_counter()
    log(f"work directory {work}; grid {results['grid']['shape']}, fixed {fixed}")
    if "cold" in parts:
        log(f"(cold) snakemake --cores 2 on {cells} cells, empty compiled cache")
        results["cold"] = part_b(compiled, cells, work, cache, name="cold")
        log(f"(cold) {results['cold']['per_cell_s']:.1f} s/cell")
    if "a" in parts:
        log(f"(a) {cells} cells, compiled, in one process")
        results["a"] = part_a(jobs, work, cache)
        log(f"(a) {results['a']['per_cell_binary_s']:.2f} s/cell in the binary")
    if "b" in parts:
        log(f"(b) snakemake --cores 2 on {cells} cells, compiled cache warm")
        results["b"] = part_b(compiled, cells, work, cache)
        log(f"(b) {results['b']['per_cell_s']:.1f} s/cell")
    if "c" in parts:
        log(f"(c) naive peer on {cells} cells")
        results["c"] = part_c(jobs, work)
        log(f"(c) {results['c']['per_cell_s']:.1f} s/cell")
    if "dry" in parts:
        results["dry"] = []
        for n in dry_sizes:
            log(f"snakemake -n on {n} cells")
            results["dry"].append(part_dry(n, default_fixed(), work))
            log(f"snakemake -n on {n} cells: {results['dry'][-1]['total_s']:.1f} s")
    if "collect" in parts:
        template = next(
            (
                Path(p)
                for p in (
                    args.template,
                    results.get("b", {}).get("template"),
                    results.get("a", {}).get("template"),
                )
                if p and Path(p).exists()
            ),
            None,
        )
        if template is None:
            raise SystemExit("collect needs a real cell file: run part a or b too")
        fixed_of_template = fixed
        log(f"collect: synthesizing {collect_cells} cells from {template}")
        collected = part_collect(
            collect_cells, template, fixed_of_template, work, batch=args.collect_batch
        )
        results["collect"] = [collected]
        log(f"collect: {collected['collect_s']:.0f} s, {collected['peak_rss_mb']:.0f} MB peak")
    results["machine"]["load_end"] = load()
    results["benchmark_wall_s"] = time.perf_counter() - start
    md = table(results)
    head = header(results)
    print(head + "\n\n" + md)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        base = args.out.with_suffix("")
        base.with_suffix(".json").write_text(json.dumps(results, indent=2, default=str))
        base.with_suffix(".md").write_text(head + "\n\n" + md + "\n")
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
