"""The report of a results folder as its config describes it, complete or not: what is
missing is named in the page (``consolidation-report``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from consolidation.present.html import FIGURE_TITLES
from consolidation.present.report import build_report
from consolidation.studies.grid import load_studies

# The figure captions of the workflow (present when the package runs from the repository).
CAPTIONS = Path(__file__).resolve().parents[3] / "workflow" / "report"


def load_config(configfiles: Sequence[str | Path]) -> dict[str, Any]:
    """Config files merged in order, later keys winning (nested mappings merged, as snakemake)."""

    def merge(a: dict, b: Mapping) -> dict:
        for k, v in b.items():
            a[k] = merge(dict(a.get(k) or {}), v) if isinstance(v, Mapping) else v
        return a

    config: dict[str, Any] = {}
    for path in configfiles:
        merge(config, yaml.safe_load(Path(path).read_text()) or {})
    return config


def report_of_folder(
    results: str | Path,
    configfiles: Sequence[str | Path],
    captions_dir: str | Path = CAPTIONS,
) -> str:
    """The report of a results folder as the config describes it; missing files are named."""
    results = Path(results)
    config = load_config(configfiles)
    studies = load_studies(config)
    summaries = [
        {**s.summary(), "claims": [c.to_dict() for c in s.claims]} for s in studies.values()
    ]
    captions = {
        kind: (Path(captions_dir) / f"{kind}.rst").read_text()
        for kind in FIGURE_TITLES
        if (Path(captions_dir) / f"{kind}.rst").exists()
    }
    return build_report(
        studies=summaries,
        datasets={n: results / n / f"{n}.nc" for n in studies},
        figures={
            n: {k: results / n / "figures" / f"{k}.png" for k in s.figures}
            for n, s in studies.items()
        },
        captions=captions,
        config=config,
        benchmarks=sorted((results / "benchmarks" / "simulate").rglob("*.tsv")),
        claims={n: results / n / "claims.json" for n in studies},
        configfiles=[str(f) for f in configfiles],
    )
