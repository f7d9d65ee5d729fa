"""Snakemake entry point of rule report: datasets, figures, claims, benchmarks -> report.html.

The rule has every input, so the page is complete; `consolidation-report results` also reports
a partial results folder, naming what is missing.
"""

import contextlib

from consolidation.present.report import build_report
from consolidation.results.io import write_text


def main(smk) -> None:
    with (
        open(smk.log[0], "w") as log,
        contextlib.redirect_stdout(log),
        contextlib.redirect_stderr(log),
    ):
        captions = dict(smk.params.captions)  # figure kind -> caption text
        studies = smk.params.studies
        names = [s["name"] for s in studies]
        html = build_report(
            studies=studies,
            datasets=dict(zip(names, smk.input.datasets, strict=True)),
            figures=smk.params.figures,
            captions=captions,
            config=smk.params.config,
            benchmarks=list(smk.input.benchmarks),
            claims=dict(zip(names, smk.input.claims, strict=True)),
            configfiles=list(smk.params.configfiles),
        )
        write_text(smk.output[0], html)
        print(f"wrote {smk.output[0]} ({len(html) / 1e6:.1f} MB)")


main(snakemake)  # noqa: F821 (the script directive defines `snakemake`)
