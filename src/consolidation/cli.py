"""The command-line tools: ``consolidation-diagnose``, ``consolidation-verify``,
``consolidation-report`` (console scripts of the package).

``consolidation-diagnose [key=value ...]`` prints the numbers the model is tuned by. It runs one
cell per seed for sleep, wake and disrupted sleep and prints recall, replay content
and weights, e.g. ``consolidation-diagnose network.scale=0.5 --conditions sleep``. Its default
seeds are the first four tuning seeds (:mod:`consolidation.studies.seeds`), which no shipped
config's claims run on.

``--study NAME`` instead runs each grid cell of a study of a workflow config (``--config``,
default ``config/config.yaml``; several files merge as snakemake merges them) with the config's
and the study's ``fixed`` settings, then the ``key=value`` overrides, and prints recall per
memory: its age in nights, intact and lesioned recall and the lesion deficit, per seed and as
the mean over seeds. That is the view behind the Ribot gradient, e.g.
``consolidation-diagnose --study ribot``.

``consolidation-verify [RESULTS] [-n N]`` re-runs N random cells of a results folder and
compares them bit for bit with the stored ones (:mod:`consolidation.results.verify`).

``consolidation-report [RESULTS]`` writes the HTML report of a results folder, complete or
partial (:mod:`consolidation.present.folder`).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

import numpy as np
import yaml

from consolidation.backends.driver import simulate
from consolidation.model.parameters import Parameters
from consolidation.present.folder import report_of_folder
from consolidation.results import verify as check
from consolidation.results.io import write_text
from consolidation.studies.config import ConfigError
from consolidation.studies.grid import load_studies
from consolidation.studies.seeds import TUNING_SEEDS

CONDITIONS = {
    "sleep": {"schedule.offline": "sleep"},
    "wake": {"schedule.offline": "wake"},
    "disrupted": {"schedule.offline": "sleep", "sleep.disruption": 1.0},
    "high_ach": {"schedule.offline": "sleep", "neuromod.ach_sleep": 1.0},
}


DRIVE_TOLERANCE = (-0.06, 0.1)  # s: a ripple this close to a drive's onset is its event


def drives_found(ds) -> tuple[float, int]:
    """The fraction of the schedule's drives with a detected ripple starting near their onset,
    and the ripples that start near no drive."""
    drives, ripples = ds.drive_time.values, ds.swr_time.values
    lag = ripples[None, :] - drives[:, None]
    near = (lag > DRIVE_TOLERANCE[0]) & (lag < DRIVE_TOLERANCE[1])
    found = near.any(axis=1).mean() if drives.size else np.nan
    return float(found), int((~near.any(axis=0)).sum())


def summarize(ds) -> str:
    rec = ds.recall
    lines = []
    for probe in rec.probe.values:
        r = rec.sel(probe=probe)
        lines.append(
            f"  recall[{probe}] intact {r.sel(hippocampus='intact').values.round(1)}"
            f"  lesioned {r.sel(hippocampus='lesioned').values.round(1)}"
        )
    if ds.sizes.get("drive", 0):
        # The detector checked against what the schedule gave: a tuning aid, never a measure.
        seeded = ds.drive_seed_memory >= 0
        found, undriven = drives_found(ds)
        lines.append(
            f"  drives n={ds.sizes['drive']} kicked={seeded.mean().item():.2f} "
            f"with a ripple={found:.2f} ripples without a drive={undriven}"
        )
    lines.append(
        f"  closed loop: detections n={ds.sizes.get('detection', 0)} "
        f"disrupted={int(ds.detection_disrupted.sum())}"
    )
    n = ds.sizes.get("swr", 0)
    mean = {k: ds[k].mean().item() if n else np.nan for k in ("swr_purity", "swr_completion")}
    ctx_match = (ds.swr_cortex_memory == ds.swr_memory).mean().item() if n else np.nan
    lines.append(
        f"  swr (from spikes) n={n} single={ds.swr_single_fraction.item():.2f} "
        f"in-up={ds.swr_up_fraction.item():.2f} per-s-up={ds.swr_rate_up.item():.2f} "
        f"purity={mean['swr_purity']:.2f} completion={mean['swr_completion']:.2f} "
        f"ctx-match={ctx_match:.2f} replays/memory={ds.replay_count.values} "
        f"down-state ctx rate {ds.down_state_rate.item():.2f} Hz"
    )
    for phase in ds.phase.values:
        d = ds.sel(phase=phase)
        e = d.sel(population=["ctx_e", "hpc_e"])
        lines.append(
            f"  {phase:14s} w_in {d.weight_within.mean().item():.3f} "
            f"w_btw {d.weight_between.item():.3f} hpc_in {d.hpc_weight_within.mean().item():.2f} "
            f"bind {d.binding_weight.mean().item():.2f} rates "
            f"{np.round(d.phase_rate.values, 1)} cv(E) {np.round(e.phase_isi_cv.values, 2)} "
            f"chi(E) {np.round(e.phase_synchrony.values, 2)}"
        )
    lines.append(
        f"  max rate {ds.max_population_rate.item():.0f} Hz, wall {ds.attrs['wall_time_s']:.1f} s"
    )
    return "\n".join(lines)


def per_memory(ds) -> np.ndarray:
    """Rows of (cued, age, ripples won, intact, lesioned, deficit) per memory at the last
    probe."""
    recall = ds.recall.isel(probe=-1)
    return np.column_stack(
        [
            ds.cued.values,
            ds.memory_age.values,
            ds.replay_count.values,
            recall.sel(hippocampus="intact").values,
            recall.sel(hippocampus="lesioned").values,
            ds.lesion_deficit.isel(probe=-1).values,
        ]
    )


def diagnose_study(configs: list[Path], name: str, base: dict, seeds: list[int]) -> None:
    from snakemake.utils import update_config

    config: dict = {}
    for path in configs:
        update_config(config, yaml.safe_load(path.read_text()))
    studies = load_studies(config)
    if name not in studies:
        raise SystemExit(f"no study named {name!r}; studies: {', '.join(studies)}")
    for cell in studies[name].cells:
        rows = []
        for seed in seeds:
            t0 = time.perf_counter()
            ds = simulate(Parameters.from_overrides({**cell.overrides, **base}), seed)
            rows.append(per_memory(ds))
            print(f"{name} {cell.path} seed {seed} ({time.perf_counter() - t0:.1f} s)")
            print(_table(rows[-1]))
        print(f"{name} {cell.path}: mean over seeds {seeds}")
        print(_table(np.mean(rows, axis=0)))


def _table(rows: np.ndarray) -> str:
    lines = ["  memory  cued  age  ripples  intact  lesioned  deficit (Hz)"]
    for m, (cued, age, won, intact, lesioned, deficit) in enumerate(rows):
        lines.append(
            f"  {m:6d} {cued:5.1f} {age:4.1f} {won:8.1f} {intact:7.1f} {lesioned:9.1f} "
            f"{deficit:8.1f}"
        )
    return "\n".join(lines)


def diagnose(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        prog="consolidation-diagnose", description=__doc__.split("\n\n")[1]
    )
    ap.add_argument("overrides", nargs="*", help="dotted.key=value (YAML value)")
    ap.add_argument(
        "--seeds",
        type=int,
        nargs="+",
        default=list(TUNING_SEEDS[:4]),
        help="default: tuning seeds, which no shipped config's claims run on",
    )
    ap.add_argument("--conditions", nargs="+", default=list(CONDITIONS))
    ap.add_argument("--study", help="per-memory recall for each grid cell of this study")
    ap.add_argument("--config", type=Path, nargs="+", default=[Path("config/config.yaml")])
    args = ap.parse_args(argv)
    base = {k: yaml.safe_load(v) for k, v in (o.split("=", 1) for o in args.overrides)}
    if args.study:
        diagnose_study(args.config, args.study, base, args.seeds)
        return
    lesioned = {c: [] for c in args.conditions}
    for seed in args.seeds:
        for cond in args.conditions:
            t0 = time.perf_counter()
            ds = simulate(Parameters.from_overrides({**base, **CONDITIONS[cond]}), seed)
            print(f"seed {seed} {cond} ({time.perf_counter() - t0:.1f} s)")
            print(summarize(ds))
            lesioned[cond].append(
                ds.recall.isel(probe=-1).sel(hippocampus="lesioned").mean().item()
            )
    print("\nlesioned recall at the last probe, mean over memories, per seed:")
    for cond, values in lesioned.items():
        print(f"  {cond:10s} {np.round(values, 2)}  mean {np.mean(values):.2f}")


def verify(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="consolidation-verify",
        description="Re-run random cells of a results folder and compare them bit for bit with "
        "the stored ones. Exit status: 0 all identical, 1 any mismatch, 2 nothing to verify.",
    )
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
        files = check.cell_files(args.results)
        seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
        chosen = random.Random(seed).sample(files, min(args.n, len(files)))
        print(f"verify: {len(chosen)} of {len(files)} cells of {args.results} (--seed {seed})")
    if not chosen:
        print("verify: no cell files to verify", file=sys.stderr)
        return 2

    failures = 0
    for path in chosen:
        bad, stored, fresh = check.verify_cell(path)
        if bad:
            failures += 1
            print(f"MISMATCH {path}: " + ", ".join(bad))
            for note in check.provenance_notes(stored.attrs) if stored is not None else []:
                print(f"    {note}")
        else:
            print(f"ok       {path} (bit-identical, {fresh.attrs['wall_time_s']:.1f} s)")
    print(f"verify: {len(chosen) - failures} identical, {failures} mismatched")
    return 1 if failures else 0


def report(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="consolidation-report",
        description="Write the HTML report of a results folder, complete or partial: studies "
        "whose dataset, figures or claims are missing are named in it. Never simulates.",
    )
    parser.add_argument("results", nargs="?", default="results", help="results folder")
    parser.add_argument(
        "--configfile",
        nargs="+",
        default=["config/config.yaml"],
        help="config file(s) of the run, merged in order (default: config/config.yaml)",
    )
    parser.add_argument("-o", "--output", help="HTML file (default: RESULTS/report.html)")
    args = parser.parse_args(argv)
    try:
        page = report_of_folder(args.results, args.configfile)
    except (OSError, ConfigError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    out = Path(args.output) if args.output else Path(args.results) / "report.html"
    write_text(out, page)
    incomplete = re.search(r"Partial report: (\d+) of (\d+)", page)
    status = (
        f"{incomplete.group(1)} of {incomplete.group(2)} studies incomplete"
        if incomplete
        else "complete"
    )
    print(f"wrote {out} ({len(page) / 1e6:.1f} MB; {status})")
    return 0
