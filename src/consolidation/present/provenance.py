"""The report's provenance section: config files and hashes, code revisions, package versions,
hosts and runtimes, and the config itself."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
import yaml

from consolidation.backends.provenance import code_revision, installed_versions
from consolidation.present.html import escape, text_table
from consolidation.studies.config import plain_tree

# The whole pipeline's stack (plotting, workflow), where a cell records only what it simulated with.
PACKAGES = (
    "consolidation",
    "brian2",
    "numpy",
    "scipy",
    "xarray",
    "h5netcdf",
    "h5py",
    "pandas",
    "matplotlib",
    "seaborn",
    "snakemake",
)
STUDY_HEADER = [
    "study",
    "cells",
    "config sha256",
    "model code",
    "collect code",
    "hosts",
    "wall time (s)",
]


def config_sha256(config: Mapping[str, Any]) -> str:
    """The hash collect records as ``config_sha256`` (of the config as YAML)."""
    text = yaml.safe_dump(plain_tree(config), sort_keys=False)
    return hashlib.sha256(text.encode()).hexdigest()


def revision_label(short: bool = False) -> str:
    """The revision of the code writing the report, noting uncommitted changes."""
    rev, dirty = code_revision()
    if rev == "unknown":
        return "not a git checkout" if short else "unknown (not a git checkout)"
    return (rev[:12] if short else rev) + (" (uncommitted changes)" if dirty else "")


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _short(rev: str) -> str:
    """Comma-separated revisions, each cut to 12 characters."""
    return ", ".join(r[:12] for r in str(rev).split(",") if r)


def _run_rows(
    config: Mapping[str, Any], datasets: Mapping[str, xr.Dataset], configfiles: Sequence[str]
) -> list[list[Any]]:
    """Config files and hash, the code writing the report and the code of the cells."""
    cell_revisions = sorted(
        {
            rev
            for ds in datasets.values()
            for rev in str(ds.attrs.get("code_revision", "")).split(",")
            if rev
        }
    )
    return [
        ["config file(s)", ", ".join(map(str, configfiles)) or "(given on the command line)"],
        ["config sha256", config_sha256(config)],
        ["workflow checkout", revision_label()],
        ["model code of the cells", ", ".join(cell_revisions) or "n/a"],
        ["report written", now_utc()],
    ]


def _config_match(recorded: str, sha: str) -> str:
    if not recorded:
        return "not recorded"
    if recorded == sha:
        return "same as this report's config"
    return "differs from this report's config"


def _study_rows(datasets: Mapping[str, xr.Dataset], sha: str) -> list[list[str]]:
    """What collect recorded in each study dataset, its config hash against this report's."""
    rows = []
    for name, ds in datasets.items():
        a = ds.attrs
        recorded = str(a.get("config_sha256", ""))
        rows.append(
            [
                name,
                str(a.get("cell_count", "")),
                (recorded[:16] + "… " if recorded else "") + f"({_config_match(recorded, sha)})",
                _short(a.get("code_revision", ""))
                + (" (dirty)" if int(a.get("code_dirty", 0)) else ""),
                _short(a.get("collect_code_revision", "")) or "n/a",
                str(a.get("host", "")),
                f"{float(a.get('wall_time_s', np.nan)):.1f}",
            ]
        )
    return rows


def _runtime_rows(datasets: Mapping[str, xr.Dataset], bench: pd.DataFrame) -> list[list[Any]]:
    n_cells = sum(int(ds.attrs.get("cell_count", 0)) for ds in datasets.values())
    seconds = bench["s"].astype(float) if len(bench) else pd.Series(dtype=float)
    some = len(seconds) > 0
    return [
        ["cells simulated", n_cells],
        ["benchmark files read", len(bench)],
        ["total simulation runtime (s)", f"{seconds.sum():.1f}"],
        ["per-cell runtime, mean (s)", f"{seconds.mean():.1f}" if some else "n/a"],
        [
            "per-cell runtime, min-max (s)",
            f"{seconds.min():.1f}-{seconds.max():.1f}" if some else "n/a",
        ],
    ]


def _version_rows(datasets: Mapping[str, xr.Dataset]) -> list[list[str]]:
    """Package versions here, then as each dataset recorded them (packages only they name last)."""
    here = installed_versions(PACKAGES)
    recorded_only = {
        k.removeprefix("version_")
        for ds in datasets.values()
        for k in ds.attrs
        if k.startswith("version_") and k.removeprefix("version_") not in here
    }
    return [
        [n, here.get(n, ""), *(str(ds.attrs.get(f"version_{n}", "")) for ds in datasets.values())]
        for n in [*here, *sorted(recorded_only)]
    ]


def provenance_section(
    config: Mapping[str, Any],
    datasets: Mapping[str, xr.Dataset],
    bench: pd.DataFrame,
    configfiles: Sequence[str] = (),
) -> str:
    """Config files and hashes, code revisions, versions, hosts and runtimes, the config."""
    studies = _study_rows(datasets, config_sha256(config))
    return "\n".join(
        [
            '<section id="provenance"><h2>Provenance</h2>',
            "<h3>Run</h3>",
            text_table(["", ""], _run_rows(config, datasets, configfiles)),
            "<h3>Studies</h3>",
            "<p>Recorded by collect in each study dataset: the config hash at collect time "
            "(a later change to <code>plots</code> alone changes it, not the data), the code "
            "revision of the simulations and of collect, hosts and summed wall time.</p>",
            text_table(STUDY_HEADER, studies) if studies else "<p>No study dataset.</p>",
            "<h3>Runtime</h3>",
            text_table(["", ""], _runtime_rows(datasets, bench)),
            "<h3>Package versions</h3>",
            "<p>Of the environment that wrote this report, and as recorded in each study "
            "dataset (blank: not recorded).</p>",
            text_table(["package", "report", *datasets], _version_rows(datasets)),
            "<h3>Config</h3>",
            "<details><summary>The config this report was made with (YAML)</summary>",
            f"<pre>{escape(yaml.safe_dump(plain_tree(config), sort_keys=False))}</pre></details>",
            "</section>",
        ]
    )
