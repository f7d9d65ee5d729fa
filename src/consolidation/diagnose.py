"""Print the numbers the model is tuned by: python -m consolidation.diagnose [key=value ...]

Runs one cell per seed for sleep, wake and disrupted sleep and prints recall, replay content
and weights, e.g. ``python -m consolidation.diagnose network.scale=0.5 --seeds 0 1``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import yaml

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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("overrides", nargs="*", help="dotted.key=value (YAML value)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--conditions", nargs="+", default=list(CONDITIONS))
    args = ap.parse_args()
    base = {k: yaml.safe_load(v) for k, v in (o.split("=", 1) for o in args.overrides)}
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
