"""The report's HTML pieces: escaping, numbers as text, tables, verdict badges, figures.

A figure is embedded as a data URI, so the page needs no file beside it.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from consolidation.present.inputs import is_file
from consolidation.studies.config import format_value
from consolidation.studies.verdicts import VERDICTS

FIGURE_TITLES = {
    "main_effect": "Main effect on recall",
    "per_memory": "Recall per memory",
    "sleep_raster": "An example night",
    "weight_change": "Cortical weights after each phase",
    "stdp_window": "The STDP window against Bi & Poo",
    "wm_raster": "Items held through the delay",
    "wm_capacity": "Items held against items cued",
    "wm_facilitation": "Facilitation of each item",
}


def escape(text: Any) -> str:
    return html.escape(str(text))


def ci_text(m: float, lo: float, hi: float, digits: int = 2) -> str:
    """'mean [low, high]'; 'mean (one seed: no interval)' without bounds; 'n/a' for a mean
    that could not be computed."""
    if not np.isfinite(m):
        return "n/a"
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return f"{m:.{digits}f} (one seed: no interval)"
    return f"{m:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}]"


def value_text(v: Any) -> str:
    """A parameter value as the config writes it (strings as they are)."""
    return format_value(v) if not isinstance(v, str) else v


def caption_html(rst: str) -> str:
    """A one-paragraph rst caption as HTML (``literal`` and *emphasis* only)."""
    text = escape(" ".join(rst.split()))
    text = re.sub(r"``(.+?)``", r"<code>\1</code>", text)
    return re.sub(r"\*(.+?)\*", r"<em>\1</em>", text)


def plain_caption(rst: str) -> str:
    """A one-paragraph rst caption as plain text (for alt text)."""
    text = " ".join(rst.split()).replace("``", "")
    return re.sub(r"\*(.+?)\*", r"\1", text)


def text_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A table of text cells (escaped)."""
    return html_table(header, [[escape(c) for c in row] for row in rows])


def html_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    row_classes: Sequence[str] | None = None,
    cls: str = "",
) -> str:
    """A table whose cells are HTML already."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    classes = row_classes or [""] * len(rows)
    body = "".join(
        (f'<tr class="{c}">' if c else "<tr>")
        + "".join(f'<td class="num">{cell}</td>' for cell in row)
        + "</tr>"
        for row, c in zip(rows, classes, strict=True)
    )
    attr = f' class="{cls}"' if cls else ""
    table = f"<table{attr}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f'<div class="scroll">{table}</div>'


def section_id(study: str) -> str:
    """The anchor of a study's section (study names are letters, digits, '_' and '-')."""
    return f"study-{study}"


def verdict_kind(verdict: str) -> str:
    """The verdict's style: its own for a computed verdict, 'missing' for any other."""
    return verdict if verdict in VERDICTS else "missing"


def verdict_badge(verdict: str) -> str:
    return f'<span class="verdict v-{verdict_kind(verdict)}">{escape(verdict)}</span>'


def png_uri(png: bytes) -> str:
    """A PNG as a data URI, so the page needs no file beside it."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def figure(study: str, kind: str, png: str | Path | None, caption: str) -> str:
    """A figure as an inline image with its caption, or a note that it has not been drawn."""
    title = FIGURE_TITLES.get(kind, kind.replace("_", " "))
    cap = f"<figcaption><strong>{escape(title)}.</strong> {caption_html(caption)}</figcaption>"
    if not is_file(png):
        return (
            f'<figure class="figure" data-kind="{escape(kind)}"><p class="missing">Figure '
            f"<code>{escape(kind)}</code> is missing: <code>{escape(png)}</code> has not been "
            f"drawn.</p>{cap}</figure>"
        )
    first = plain_caption(caption).split(". ")[0].rstrip(".")
    alt = f"{title}, study {study}" + (f": {first}." if first else ".")
    anchor = f"{escape(section_id(study))}-{escape(kind)}"
    return (
        f'<figure class="figure" data-kind="{escape(kind)}" id="{anchor}">'
        f'<img alt="{escape(alt)}" src="{png_uri(Path(png).read_bytes())}">{cap}</figure>'
    )
