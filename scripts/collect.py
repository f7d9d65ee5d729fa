"""Snakemake entry point of rule collect: a study's cell files -> the study dataset."""

import contextlib

from consolidation.collect import collect_study
from consolidation.io import read_netcdf, write_netcdf


def main(smk) -> None:
    with (
        open(smk.log[0], "w") as log,
        contextlib.redirect_stdout(log),
        contextlib.redirect_stderr(log),
    ):
        study, table = smk.params.study, smk.params.cells
        cells = [
            (row["values"], row["seed"], read_netcdf(path))
            for row, path in zip(table, smk.input, strict=True)
        ]
        ds = collect_study(cells, study["grid"], study)
        write_netcdf(ds, smk.output[0])
        print(ds)


main(snakemake)  # noqa: F821 (the script directive defines `snakemake`)
