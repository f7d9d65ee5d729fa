"""Snakemake entry point of the figure rules: params.kind is the figure kind (the rule's name in
this workflow, but a module may rename rules)."""

import contextlib

from consolidation.present import plots
from consolidation.results.io import read_netcdf
from consolidation.studies.kinds import CELL_FIGURES


def main(smk) -> None:
    with (
        open(smk.log[0], "w") as log,
        contextlib.redirect_stdout(log),
        contextlib.redirect_stderr(log),
    ):
        kind = smk.params.kind
        # a raster draws one cell file (its input may be the marker of the cell's batch)
        data = read_netcdf(smk.params.cell if kind in CELL_FIGURES else smk.input.study)
        fig = plots.FIGURES[kind](data, smk.params.plots)
        plots.save(fig, smk.output.png, smk.output.svg, smk.params.plots)
        print(f"{kind}: wrote {smk.output.png} and {smk.output.svg}")


main(snakemake)  # noqa: F821 (the script directive defines `snakemake`)
