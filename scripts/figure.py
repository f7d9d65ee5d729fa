"""Snakemake entry point of the figure rules: the rule's name is the figure kind."""

import contextlib

from consolidation.present import plots
from consolidation.results.io import read_netcdf


def main(smk) -> None:
    with (
        open(smk.log[0], "w") as log,
        contextlib.redirect_stdout(log),
        contextlib.redirect_stderr(log),
    ):
        data = read_netcdf(smk.input.cell if smk.rule == "sleep_raster" else smk.input.study)
        fig = plots.FIGURES[smk.rule](data, smk.params.plots)
        plots.save(fig, smk.output.png, smk.output.svg, smk.params.plots)
        print(f"{smk.rule}: wrote {smk.output.png} and {smk.output.svg}")


main(snakemake)  # noqa: F821 (the script directive defines `snakemake`)
