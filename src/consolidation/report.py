"""The summary report: one self-contained HTML page (figures embedded as base64 PNG).

Top-down: the claims table, then one section per study (the question, the figures, the numbers
with 95% bootstrap CIs over seeds, the parameters), then provenance (config, package versions,
git revision, cell count and runtimes read from the snakemake benchmark files).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import itertools
import json
import re
from collections.abc import Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
import yaml

from consolidation.claims import format_effect
from consolidation.collect import flagged_runs, recall_outcome
from consolidation.io import read_netcdf
from consolidation.provenance import code_revision
from consolidation.stats import bootstrap_ci

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

STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#222;line-height:1.45}
h1{border-bottom:2px solid #444}h2{border-bottom:1px solid #bbb;margin-top:2.5rem}
table{border-collapse:collapse;margin:0.8rem 0}td,th{border:1px solid #ccc;padding:0.25rem 0.6rem;
text-align:left;vertical-align:top}th{background:#f3f3f3}
figure{margin:1.2rem 0}figure img{max-width:100%;border:1px solid #eee}
figcaption{font-size:0.92rem;color:#444}pre{background:#f6f6f6;padding:0.8rem;overflow-x:auto;
font-size:0.85rem}.warn{color:#a33}.num{font-variant-numeric:tabular-nums}
"""


def _e(text: Any) -> str:
    return html.escape(str(text))


def _fmt(m: float, lo: float, hi: float, digits: int = 2) -> str:
    if not np.isfinite(m):
        return "n/a"
    return f"{m:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}]"


def caption_html(rst: str) -> str:
    """A one-paragraph rst caption as HTML (``literal`` and *emphasis* only)."""
    text = _e(" ".join(rst.split()))
    text = re.sub(r"``(.+?)``", r"<code>\1</code>", text)
    return re.sub(r"\*(.+?)\*", r"<em>\1</em>", text)


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f'<td class="num">{_e(c)}</td>' for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def grid_axes(ds: xr.Dataset) -> list[str]:
    return [d for d in ds["recall"].dims if d not in ("seed", "probe", "memory", "hippocampus")]


def cell_numbers(ds: xr.Dataset) -> list[dict[str, Any]]:
    """Per grid cell: recall with the hippocampus lesioned and intact, replay, runaway runs."""
    axes = grid_axes(ds)
    lesioned, intact = recall_outcome(ds, "lesioned"), recall_outcome(ds, "intact")
    replay = ds["replay_count"].sum("memory") if "replay_count" in ds else None
    rows = []
    for combo in itertools.product(*(range(ds.sizes[a]) for a in axes)):
        sel = dict(zip(axes, combo, strict=True))
        row = {a: ds[a].values[i] for a, i in sel.items()}
        row["lesioned"] = bootstrap_ci(lesioned.isel(sel).values)
        row["intact"] = bootstrap_ci(intact.isel(sel).values)
        row["replay"] = float(replay.isel(sel).mean()) if replay is not None else np.nan
        row["runaway"] = int(ds["runaway"].isel(sel).sum()) if "runaway" in ds else 0
        row["seeds"] = int(lesioned.isel(sel).count())
        rows.append(row)
    return rows


def claim_rows(results: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    """One table row per computed claim (``claims.json`` of rule claims): what, effect, verdict."""
    rows = []
    for r in results:
        verdict = r["verdict"] + (f" ({'; '.join(r['notes'])})" if r.get("notes") else "")
        rows.append(
            [
                r["study"],
                f"{r['name']}: {r['description']}",
                r.get("reference") or "",
                format_effect(r),
                str(r["n_seeds"]),
                verdict,
            ]
        )
    return rows


def read_benchmarks(paths: Sequence[str | Path]) -> pd.DataFrame:
    """Snakemake benchmark files (tab-separated, column ``s`` in seconds), one row per job."""
    frames = [pd.read_csv(p, sep="\t").assign(file=str(p)) for p in paths if Path(p).exists()]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({"s": []})


def package_versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_revision(where: str | Path = ".") -> str:
    rev, dirty = code_revision(Path(where).resolve())
    if rev == "unknown":
        return "unknown (not a git checkout)"
    return rev + (" (uncommitted changes)" if dirty else "")


def _img(path: str | Path) -> str:
    data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    return f'<img alt="{_e(Path(path).stem)}" src="data:image/png;base64,{data}">'


def study_section(
    study: Mapping[str, Any], ds: xr.Dataset, figures: Mapping[str, str], captions: Mapping
) -> str:
    name = study["name"]
    axes = grid_axes(ds)
    parts = [f'<section id="study-{_e(name)}" class="study">', f"<h2>Study: {_e(name)}</h2>"]
    parts.append(f"<p><strong>Question.</strong> {_e(study.get('description', ''))}</p>")
    for kind, png in figures.items():
        parts.append(
            f'<figure class="figure" data-kind="{_e(kind)}">{_img(png)}'
            f"<figcaption><strong>{_e(kind)}.</strong> {caption_html(captions.get(kind, ''))}"
            "</figcaption></figure>"
        )
    probe = ds["probe"].values[-1]
    rows = [
        [
            *(r[a] for a in axes),
            _fmt(*r["lesioned"]),
            _fmt(*r["intact"]),
            f"{r['replay']:.1f}",
            f"{r['runaway']}/{r['seeds']}",
        ]
        for r in cell_numbers(ds)
    ]
    parts.append(
        f"<h3>Key numbers</h3><p>Recall (Hz) at probe <code>{_e(probe)}</code>, averaged over "
        "memories: mean [95% bootstrap CI over seeds]. With the hippocampus lesioned at test it "
        "measures what the cortex recalls on its own (consolidation).</p>"
    )
    parts.append(
        _table(
            [
                *axes,
                "recall, lesioned (Hz)",
                "recall, intact (Hz)",
                "SWR replays (mean)",
                "runaway runs",
            ],
            rows,
        )
    )
    flagged = flagged_runs(ds)
    if flagged:
        parts.append(
            '<p class="warn">Flagged runs, left out of every number and figure above (runaway: '
            "a population rate above simulation.max_rate; non_finite: NaN or infinite state): "
            + "; ".join(map(_e, flagged))
            + ".</p>"
        )
    params = [[k, json.dumps(v)] for k, v in study["fixed"].items()]
    params += [[k, "grid: " + ", ".join(map(str, v))] for k, v in study["grid"].items()]
    params.append(["seeds", ", ".join(map(str, study["seeds"]))])
    parts.append("<h3>Parameters</h3>")
    parts.append(
        "<p>Overrides of the model defaults (every parameter is in the attributes of the "
        f"study dataset <code>results/{_e(name)}/{_e(name)}.nc</code>).</p>"
    )
    parts.append(_table(["parameter", "value"], params))
    parts.append("</section>")
    return "\n".join(parts)


def provenance_section(
    config: Mapping[str, Any], datasets: Mapping[str, xr.Dataset], bench: pd.DataFrame
) -> str:
    n_cells = sum(int(ds.attrs.get("cell_count", 0)) for ds in datasets.values())
    seconds = bench["s"].astype(float) if len(bench) else pd.Series(dtype=float)
    runtime = [
        ["cells simulated", n_cells],
        ["benchmark files read", len(bench)],
        ["total simulation runtime (s)", f"{seconds.sum():.1f}"],
        ["per-cell runtime, mean (s)", f"{seconds.mean():.1f}" if len(seconds) else "n/a"],
        [
            "per-cell runtime, min-max (s)",
            f"{seconds.min():.1f}-{seconds.max():.1f}" if len(seconds) else "n/a",
        ],
    ]
    cell_revisions = sorted(
        {
            rev
            for ds in datasets.values()
            for rev in str(ds.attrs.get("code_revision", "")).split(",")
        }
    )
    revisions = [
        ["workflow checkout", git_revision(Path(__file__).resolve().parent)],
        ["model code of the cells", ", ".join(cell_revisions)],
        ["report written", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")],
    ]
    versions = [[k, v] for k, v in package_versions().items()]
    return "\n".join(
        [
            '<section id="provenance"><h2>Provenance</h2>',
            "<h3>Runtime</h3>",
            _table(["", ""], runtime),
            "<h3>Code</h3>",
            _table(["", ""], revisions),
            "<h3>Package versions</h3>",
            _table(["package", "version"], versions),
            "<h3>Config</h3>",
            f"<pre>{_e(yaml.safe_dump(dict(config), sort_keys=False))}</pre>",
            "</section>",
        ]
    )


def build_report(
    studies: Sequence[Mapping[str, Any]],
    datasets: Mapping[str, str],
    figures: Mapping[str, Mapping[str, str]],
    captions: Mapping[str, str],
    config: Mapping[str, Any],
    benchmarks: Sequence[str],
    claims: Mapping[str, str] | None = None,
) -> str:
    """The whole page. ``datasets``/``figures``/``claims`` map study name to paths (claims
    default to ``claims.json`` beside each dataset, as rule claims writes them); captions are
    rst text."""
    opened = {name: read_netcdf(path) for name, path in datasets.items()}
    claims = claims or {
        name: str(Path(path).parent / "claims.json") for name, path in datasets.items()
    }
    computed = [
        result
        for study in studies
        for result in json.loads(Path(claims[study["name"]]).read_text())["claims"]
    ]
    body = [
        "<h1>Sleep replay and cortical consolidation: workflow report</h1>",
        "<p>Each study runs a grid of model parameters over several seeds. The outcome is "
        "recall with the hippocampus lesioned at the last test probe: what the cortex has "
        "consolidated.</p>",
        '<section id="claims"><h2>Claims</h2>',
        "<p>Each study's claims (config <code>studies.&lt;name&gt;.claims</code>), computed from "
        "its dataset over seeds. A contrast is the difference a − b paired within each seed, in "
        "the variable's units; a trend is the Spearman rank correlation ρ within each seed, with "
        "the change from the lowest to the highest value along it. Effect: mean over seeds [95% "
        "bootstrap CI]. Verdict: <em>reproduced</em> if the CI excludes 0 in the expected "
        "direction, <em>contradicted</em> if it excludes 0 in the other, else "
        "<em>inconclusive</em>.</p>",
        _table(
            ["study", "claim", "reference", "effect [95% CI]", "seeds", "verdict"],
            claim_rows(computed),
        )
        if computed
        else "<p>No study declares claims.</p>",
        "</section>",
    ]
    for study in studies:
        body.append(study_section(study, opened[study["name"]], figures[study["name"]], captions))
    body.append(provenance_section(config, opened, read_benchmarks(benchmarks)))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Consolidation workflow report</title>"
        f"<style>{STYLE}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )
