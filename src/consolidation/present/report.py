"""The summary report: one self-contained HTML page that reads top-down.

1. A header: what was run (config file and hash, studies, simulations, date, code revision), the
   verdicts at a glance, and which studies are missing if the results folder is partial.
2. The claims table: every claim computed by rule claims (``results/<study>/claims.json``), its
   effect with 95% CI, effect size, seeds (and seeds for 80% power), one-sided p-value raw and
   Holm-adjusted over every claim of the run, and the verdict from the adjusted p-value (the
   one to quote) as a coloured badge; each claim links to its study's section
   (:mod:`consolidation.present.sections`).
3. One section per study: the question (its description), its claims, its figures (alt text,
   caption; click one to see it full size), the numbers with 95% Student t intervals over seeds
   (:mod:`consolidation.present.numbers`), and the parameters varied (grid) and fixed.
4. Provenance: config files and hashes, code revisions, package versions, hosts, runtimes, the
   config itself (:mod:`consolidation.present.provenance`).

A contents sidebar links to every section. The page loads nothing: figures are data URIs
(:mod:`consolidation.present.html`), the style and the few lines of script are inline, and a
Content-Security-Policy forbids any other source, so it opens offline from a copied folder or an
email attachment.

A partial results folder is reported, not refused: a study whose dataset, figures or claims are
missing gets a section saying what is missing and the header lists it
(:mod:`consolidation.present.inputs`). The workflow's rule report always has every input; for a
partial folder run ``consolidation-report results``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from consolidation.present.html import escape, section_id, verdict_badge
from consolidation.present.inputs import (
    NOT_COMPUTED,
    is_file,
    open_datasets,
    read_benchmarks,
    read_claims,
)
from consolidation.present.provenance import (
    config_sha256,
    now_utc,
    provenance_section,
    revision_label,
)
from consolidation.present.robustness import robustness_section, split_copies
from consolidation.present.sections import claims_section, study_section
from consolidation.studies.neighbourhood import original_of
from consolidation.studies.verdicts import VERDICTS, adjust

# Nothing may be fetched: images only from data: URIs, style and script only inline.
CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'"
)

STYLE = (files(__package__) / "report.css").read_text(encoding="utf-8")

# Click (or Enter on) a figure: show it full size in an overlay; click or Escape closes it.
SCRIPT = (files(__package__) / "report.js").read_text(encoding="utf-8")


def _cells_done(studies: Sequence[Mapping[str, Any]], opened: Mapping[str, xr.Dataset]) -> str:
    """How many simulations the datasets hold, and of how many the config asks for if fewer."""
    expected = sum(
        int(np.prod([len(v) for v in s.get("grid", {}).values()])) * len(s.get("seeds", []))
        for s in studies
    )
    done = sum(int(ds.attrs.get("cell_count", 0)) for ds in opened.values())
    if done != expected:
        return f"{done} of {expected} simulations (grid cells × seeds)"
    return f"{done} simulations (grid cells × seeds)"


def _study_link(name: str) -> str:
    return f'<a href="#{escape(section_id(name))}">{escape(name)}</a>'


def _partial_notice(studies: Sequence[Mapping[str, Any]], missing: Mapping[str, list[str]]) -> str:
    items = "".join(
        f"<li>{_study_link(n)}: {escape('; '.join(why))}</li>" for n, why in missing.items()
    )
    return (
        f'<div class="partial" id="missing"><strong>Partial report: {len(missing)} of '
        f"{len(studies)} studies incomplete.</strong><ul>{items}</ul>Run the workflow "
        "(<code>snakemake</code>) to finish them; then the report is rebuilt.</div>"
    )


def _header(
    studies: Sequence[Mapping[str, Any]],
    opened: Mapping[str, xr.Dataset],
    missing: Mapping[str, list[str]],
    computed: Sequence[Mapping[str, Any]],
    config: Mapping[str, Any],
    configfiles: Sequence[str],
) -> str:
    files = ", ".join(f"<code>{escape(f)}</code>" for f in configfiles) or "(command line)"
    names = ", ".join(_study_link(s["name"]) for s in studies)
    counts = {v: sum(r["verdict"] == v for r in computed) for v in (*VERDICTS, NOT_COMPUTED)}
    chips = " ".join(f"{verdict_badge(v)}&nbsp;×&nbsp;{n}" for v, n in counts.items() if n)
    parts = [
        '<header id="top">',
        "<h1>Sleep replay and cortical consolidation</h1>",
        '<p class="lede">Workflow report. Outcome: recall with the hippocampus lesioned at the '
        "last test probe, what the cortex has consolidated (STDP-window studies: the weight "
        "change per spike pair of one synapse; working-memory studies: the items held through "
        "a delay); grids of model parameters over seeds.</p>",
        '<dl class="run">',
        f"<dt>config</dt><dd>{files} (sha256 <code>{config_sha256(config)[:12]}</code>)</dd>",
        f"<dt>written</dt><dd>{now_utc()}</dd>",
        f"<dt>studies</dt><dd>{len(studies)}: {names}</dd>",
        f"<dt>code</dt><dd><code>{escape(revision_label(short=True))}</code></dd>",
        f"<dt>cells</dt><dd>{escape(_cells_done(studies, opened))}</dd>",
        "</dl>",
    ]
    if chips:
        parts.append(f'<p class="glance">Claims: {chips}</p>')
    if missing:
        parts.append(_partial_notice(studies, missing))
    parts.append("</header>")
    return "\n".join(parts)


def _toc(studies: Sequence[Mapping[str, Any]], missing: Mapping[str, Any], robust: bool) -> str:
    items = "".join(
        f"<li>{_study_link(s['name'])}"
        + (' <span class="note">(incomplete)</span>' if s["name"] in missing else "")
        + "</li>"
        for s in studies
    )
    robustness = '<li><a href="#robustness">Robustness</a></li>' if robust else ""
    return (
        '<nav id="toc" aria-label="Contents"><h2>Contents</h2><ol>'
        f'<li><a href="#top">Run</a></li><li><a href="#claims">Claims</a></li>{robustness}'
        f'<li><a href="#studies">Studies</a><ol>{items}</ol></li>'
        '<li><a href="#provenance">Provenance</a></li></ol></nav>'
    )


def _page(toc: str, body: Sequence[str]) -> str:
    """The document around the contents and the body: policy, style and script inline."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        "<title>Consolidation workflow report</title>"
        f'<style>{STYLE}</style></head><body>\n<div class="layout">\n'
        + toc
        + "\n<main>\n"
        + "\n".join(body)
        + f"\n</main>\n</div>\n<script>{SCRIPT}</script>\n</body></html>\n"
    )


def _missing_parts(
    dataset: str | None, claims: str | None, figures: Mapping[str, str | Path]
) -> list[str]:
    """Why a study's section is incomplete: its dataset, its claims, its undrawn figures."""
    reasons = [why for why in (dataset, claims) if why is not None]
    undrawn = [k for k, p in figures.items() if not is_file(p)]
    if undrawn:
        where = Path(figures[undrawn[0]]).parent
        reasons.append(f"figures not drawn: {', '.join(undrawn)} ({where}/)")
    return reasons


def build_report(
    studies: Sequence[Mapping[str, Any]],
    datasets: Mapping[str, str | Path | None],
    figures: Mapping[str, Mapping[str, str]],
    captions: Mapping[str, str],
    config: Mapping[str, Any],
    benchmarks: Sequence[str | Path],
    claims: Mapping[str, str | Path | None] | None = None,
    configfiles: Sequence[str] = (),
) -> str:
    """The whole page.

    ``datasets``/``figures``/``claims`` map study name to paths (claims default to
    ``claims.json`` beside each dataset, as rule claims writes them); captions are rst text;
    ``configfiles`` name the config file(s) in the header. Any of these files may be missing:
    the page then says which (a partial results folder), it does not fail.
    """
    paths = {s["name"]: datasets.get(s["name"]) for s in studies}
    claims = claims or {
        n: str(Path(p).parent / "claims.json") if p is not None else None for n, p in paths.items()
    }
    computed, no_claims = read_claims(studies, claims)
    # a neighbourhood's copies of the studies only feed the robustness section
    studies = [s for s in studies if original_of(s["name"]) is None]
    opened, no_dataset = open_datasets({s["name"]: paths[s["name"]] for s in studies})
    computed, copies = split_copies(computed)
    # every claim of the run is one family: the verdicts shown are after Holm's adjustment over
    # all of them (each claims.json adjusted over its own study's claims only)
    computed = adjust(computed, "run")
    sections, missing = [], {}
    for study in studies:
        name = study["name"]
        figs = figures.get(name, {})
        reasons = _missing_parts(no_dataset.get(name), no_claims.get(name), figs)
        if reasons:
            missing[name] = reasons
        ours = [r for r in computed if r["study"] == name]
        sections.append(study_section(study, opened.get(name), figs, captions, ours, reasons))
    body = [
        _header(studies, opened, missing, computed, config, configfiles),
        claims_section(computed),
        robustness_section(computed, copies),
        '<div id="studies">',
        *sections,
        "</div>",
        provenance_section(config, opened, read_benchmarks(benchmarks), configfiles),
    ]
    return _page(_toc(studies, missing, bool(copies)), body)
