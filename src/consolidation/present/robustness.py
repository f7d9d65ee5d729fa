"""The report's robustness section: each claim at the tuned point and over its neighbourhood.

A config with a ``neighbourhood`` (config/robustness.yaml) runs copies of its studies at points
around the tuned model (:mod:`consolidation.studies.neighbourhood`). Their claims are a separate
analysis: they stay out of the run's Holm family and its claims table, and each copy's verdict is
its own study's (Holm over that copy's claims, as its ``claims.json`` has it). A claim reproduced
at the tuned point but in fewer than half of the points around it holds only where the model
was tuned, and is flagged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from consolidation.present.claims_plot import VERDICT_COLOURS, png_bytes  # noqa: E402
from consolidation.present.html import (  # noqa: E402
    escape,
    html_table,
    png_uri,
    section_id,
    verdict_badge,
)
from consolidation.studies.neighbourhood import original_of  # noqa: E402

FRAGILE = 0.5  # below this share of reproduced points a tuned-point success is flagged


def split_copies(
    computed: Sequence[Mapping[str, Any]],
) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    """(the claims of the config's own studies, those of neighbourhood copies)."""
    copies = [r for r in computed if original_of(r["study"]) is not None]
    return [r for r in computed if original_of(r["study"]) is None], copies


def robustness_rows(
    tuned: Sequence[Mapping[str, Any]], copies: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Per claim of a copied study: its tuned-point verdict, how many points reproduce it."""
    around: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in copies:
        around[original_of(r["study"]), r["name"]].append(r["verdict"])
    rows = []
    for r in tuned:
        verdicts = around.get((r["study"], r["name"]))
        if verdicts:
            share = verdicts.count("reproduced") / len(verdicts)
            rows.append(
                {
                    "study": r["study"],
                    "name": r["name"],
                    "tuned": r["verdict"],
                    "reproduced": verdicts.count("reproduced"),
                    "contradicted": verdicts.count("contradicted"),
                    "points": len(verdicts),
                    "share": share,
                    "fragile": r["verdict"] == "reproduced" and share < FRAGILE,
                }
            )
    return rows


def robustness_png(rows: Sequence[Mapping[str, Any]]) -> bytes:
    """A bar per claim: the share of its neighbourhood that reproduces it (green) and that
    contradicts it (red), the claim's label coloured by its tuned-point verdict."""
    fig, ax = plt.subplots(figsize=(7.0, 0.5 + 0.28 * len(rows)))
    y = range(len(rows))[::-1]
    shares = [r["share"] for r in rows]
    against = [r["contradicted"] / r["points"] for r in rows]
    ax.barh(y, shares, color=VERDICT_COLOURS["reproduced"], height=0.6)
    ax.barh(y, against, left=shares, color=VERDICT_COLOURS["contradicted"], height=0.6)
    ax.axvline(FRAGILE, color="0.4", lw=0.8, ls="--")
    ax.set_yticks(list(y), [f"{r['study']}: {r['name']}" for r in rows], fontsize=6.5)
    for label, r in zip(ax.get_yticklabels(), rows, strict=True):
        label.set_color(VERDICT_COLOURS.get(r["tuned"], "0.2"))
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of the neighbourhood's points", fontsize=7)
    ax.tick_params(axis="x", labelsize=6.5)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return png_bytes(fig)


def robustness_section(
    tuned: Sequence[Mapping[str, Any]], copies: Sequence[Mapping[str, Any]]
) -> str:
    """The section (empty text when the run has no neighbourhood)."""
    rows = robustness_rows(tuned, copies)
    if not rows:
        return ""
    cells = [
        [
            f'<a href="{escape("#" + section_id(r["study"]))}">{escape(r["study"])}</a>',
            escape(r["name"]),
            verdict_badge(r["tuned"]),
            f"{r['reproduced']} of {r['points']} ({r['share']:.0%})"
            + (f"; {r['contradicted']} contradicted" if r["contradicted"] else ""),
            "<strong>only at the tuned point</strong>" if r["fragile"] else "",
        ]
        for r in rows
    ]
    classes = ["fragile" if r["fragile"] else "" for r in rows]
    return "\n".join(
        [
            '<section id="robustness"><h2>Robustness</h2>',
            "<p>Each claim at the tuned model and at the points of its neighbourhood (the "
            "config's <code>neighbourhood</code>: a Latin hypercube of its parameters around "
            "the tuned values). A point's verdict is its copy's own (Holm over that copy's "
            "claims); the copies are not in the claims table above nor in its Holm family. "
            f"Flagged: reproduced at the tuned point, in under {FRAGILE:.0%} of the points.</p>",
            html_table(
                ["study", "claim", "tuned point", "reproduced around it", "flag"], cells, classes
            ),
            '<figure class="figure"><img alt="Per claim, the share of the neighbourhood that '
            f'reproduces and that contradicts it." src="{png_uri(robustness_png(rows))}">'
            "<figcaption><strong>Claims around the tuned point.</strong> Green: the share of "
            "points that reproduce the claim; red: that contradict it; dashed: the flag's "
            "threshold; a label's colour is the claim's verdict at the tuned point."
            "</figcaption></figure>",
            "</section>",
        ]
    )
