"""What the benchmarks share: paths, the benchmark grid as a workflow config, running and
timing commands."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SNAKEFILE = ROOT / "workflow" / "Snakefile"
STUDY = "bench"
AXIS = "sleep.disruption"  # varies only the schedule's plan: every cell shares its network code
COMPILED = {"simulation.device": "cpp_standalone"}  # the workflow's and (a)'s device
TARGETS = {
    "b_over_a": 1.3,  # workflow per cell <= 1.3x the compiled simulation time
    "c_over_b": 5.0,  # naive peer >= 5x slower than the workflow
    "dry_10000_s": 30.0,  # snakemake -n on 10,000 cells < 30 s
    "dry_100000_s": 60.0,  # ... on 100,000 cells (jobs sized in minutes) < 60 s
    "collect_10000_mb": 2048.0,  # collecting 10,000 cells < 2 GB peak memory
    "collect_100000_s": 600.0,  # collecting 100,000 cells < 10 min
    "collect_100000_mb": 4096.0,  # ... and < 4 GB peak memory
}


# --- helpers ------------------------------------------------------------------------------------


def load() -> float:
    """The 1-minute load average (the machine is shared; every figure records it)."""
    return round(os.getloadavg()[0], 2)


def env(cache: Path | None = None) -> dict[str, str]:
    """Subprocesses import this checkout's package, whichever checkout the script is in;
    `cache`: where they keep compiled code (CONSOLIDATION_CACHE), else the usual place."""
    out = dict(os.environ)
    out["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), out.get("PYTHONPATH")]))
    if cache is not None:
        out["CONSOLIDATION_CACHE"] = str(cache)
    return out


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')} load {load():.2f}] {msg}", file=sys.stderr, flush=True)


def default_fixed() -> dict[str, Any]:
    import yaml

    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    return dict(config.get("fixed") or {})


def grid_shape(cells: int, seeds: int | None = None) -> tuple[int, int]:
    """(values, seeds) with values x seeds == cells: 3 seeds when they divide, as the config has."""
    if seeds is None:
        seeds = next(s for s in (10, 3, 2, 1) if cells % s == 0 and cells // s >= 2 or s == 1)
    if cells % seeds:
        raise SystemExit(f"--cells {cells} is not a multiple of {seeds} seeds")
    return cells // seeds, seeds


def axis_values(n: int) -> list[float]:
    """n distinct disruption probabilities in [0, 1] with short, stable labels."""
    if n == 1:
        return [0.0]
    digits = max(2, math.ceil(math.log10(n)) + 1)
    values = sorted({round(i / (n - 1), digits) for i in range(n)})
    if len(values) != n:  # pragma: no cover (rounding collided)
        values = [i / (n - 1) for i in range(n)]
    return values


def study_config(
    cells: int,
    fixed: dict[str, Any],
    seeds: int | None = None,
    name: str = STUDY,
    batch: bool = False,
) -> dict[str, Any]:
    """A workflow config with one study of ``cells`` simulations (grid values x seeds); with
    `batch`, one job per grid cell runs all its seeds."""
    n_values, n_seeds = grid_shape(cells, seeds)
    return {
        "fixed": dict(fixed),
        **({"batch": {"seeds": n_seeds}} if batch else {}),
        "studies": {
            name: {
                "description": f"benchmark grid: {n_values} values of {AXIS} x {n_seeds} seeds",
                "grid": {AXIS: axis_values(n_values)},
                "seeds": n_seeds,
                "figures": ["main_effect", "sleep_raster", "weight_change"],
            }
        },
    }


def write_yaml(path: Path, data: Any) -> Path:
    import yaml

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def jobs_of(config: dict[str, Any], out_dir: Path) -> list[dict[str, Any]]:
    """Every simulation job of the config: overrides, seed and an output path."""
    from consolidation.studies.grid import load_studies

    jobs = []
    for name, study in load_studies(json.loads(json.dumps(config))).items():
        for cell in study.cells:
            for seed in study.seeds:
                out = out_dir / name / cell.path / f"seed~{seed}.nc"
                jobs.append({"overrides": cell.overrides, "seed": seed, "output": str(out)})
    return jobs


def snakemake_cmd(workdir: Path, configfile: Path, *args: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(SNAKEFILE),
        "--directory",
        str(workdir),
        "--configfile",
        str(configfile),
        "--replace-workflow-config",
        "--nocolor",
        *args,
    ]


def timed_run(
    cmd: list[str], cwd: Path, log_path: Path, cache: Path | None = None
) -> tuple[float, int]:
    """Run a command with output to a file; (wall seconds, return code)."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as out:
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, env=env(cache), stdout=out, stderr=subprocess.STDOUT)
        return time.perf_counter() - start, proc.returncode


def tail(path: Path, n: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
