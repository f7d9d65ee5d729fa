"""Print the numbers the model is tuned by: python -m consolidation.diagnose [key=value ...]

Runs one cell per seed for sleep, wake and disrupted sleep and prints recall, replay content
and weights, e.g. ``python -m consolidation.diagnose network.scale=0.5 --seeds 0 1``.

``--study NAME`` instead runs each grid cell of a study of a workflow config (``--config``,
default ``config/config.yaml``; several files merge as snakemake merges them) with the config's
and the study's ``fixed`` settings, then the ``key=value`` overrides, and prints recall per
memory: its age in nights, intact and lesioned recall and the lesion deficit, per seed and as
the mean over seeds. That is the view behind the Ribot gradient, e.g.
``python -m consolidation.diagnose --study ribot --seeds 0 1 2``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import yaml

from consolidation.grid import load_studies
from consolidation.parameters import Parameters
from consolidation.simulate import simulate

CONDITIONS = {
    "sleep": {"schedule.offline": "sleep"},
    "wake": {"schedule.offline": "wake"},
    "disrupted": {"schedule.offline": "sleep", "sleep.disruption": 1.0},
    "high_ach": {"schedule.offline": "sleep", "neuromod.ach_sleep": 1.0},
}


def summarize(ds) -> str:
    rec = ds.recall
    lines = []
    for probe in rec.probe.values:
        r = rec.sel(probe=probe)
        lines.append(
            f"  recall[{probe}] intact {r.sel(hippocampus='intact').values.round(1)}"
            f"  lesioned {r.sel(hippocampus='lesioned').values.round(1)}"
        )
    if ds.sizes.get("swr", 0):
        clear = ds.swr_purity > 0.5
        seeded = ds.swr_seed_memory >= 0
        match = (ds.swr_memory == ds.swr_seed_memory).where(seeded).mean().item()
        lines.append(
            f"  swr n={ds.sizes['swr']} clear={clear.mean().item():.2f} "
            f"purity={ds.swr_purity.mean().item():.2f} "
            f"completion={ds.swr_completion.mean().item():.2f} seed-match={match:.2f} "
            f"ctx-match={(ds.swr_cortex_memory == ds.swr_memory).mean().item():.2f} "
            f"replays/memory={ds.replay_count.values}"
        )
    for phase in ds.phase.values:
        d = ds.sel(phase=phase)
        lines.append(
            f"  {phase:14s} w_in {d.weight_within.mean().item():.3f} "
            f"w_btw {d.weight_between.item():.3f} hpc_in {d.hpc_weight_within.mean().item():.2f} "
            f"bind {d.binding_weight.mean().item():.2f} rates "
            f"{np.round(d.phase_rate.values, 1)}"
        )
    lines.append(
        f"  max rate {ds.max_population_rate.item():.0f} Hz, wall {ds.attrs['wall_time_s']:.1f} s"
    )
    return "\n".join(lines)


def per_memory(ds) -> np.ndarray:
    """Rows of (age, intact, lesioned, deficit) per memory at the last probe."""
    recall = ds.recall.isel(probe=-1)
    return np.column_stack(
        [
            ds.memory_age.values,
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
    lines = ["  memory  age  intact  lesioned  deficit (Hz)"]
    for m, (age, intact, lesioned, deficit) in enumerate(rows):
        lines.append(f"  {m:6d} {age:4.1f} {intact:7.1f} {lesioned:9.1f} {deficit:8.1f}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("overrides", nargs="*", help="dotted.key=value (YAML value)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--conditions", nargs="+", default=list(CONDITIONS))
    ap.add_argument("--study", help="per-memory recall for each grid cell of this study")
    ap.add_argument("--config", type=Path, nargs="+", default=[Path("config/config.yaml")])
    args = ap.parse_args()
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


if __name__ == "__main__":
    main()
