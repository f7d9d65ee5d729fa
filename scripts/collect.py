"""Snakemake entry point of rule collect: a study's cell files -> the study dataset.

Each cell file is checked first (it opens, holds the summary variables, and records the seed and
parameters of its path); a bad one stops the job with one message naming the file.
"""

import contextlib
import sys

from consolidation.results.collect import (
    CellFileError,
    check_shared_parameters,
    collect_study,
    read_cell,
)
from consolidation.results.io import write_netcdf


def main(smk) -> None:
    with (
        open(smk.log[0], "w") as log,
        contextlib.redirect_stdout(log),
        contextlib.redirect_stderr(log),
    ):
        study, table = smk.params.study, smk.params.cells
        files = list(smk.input)
        try:
            cells = [
                (
                    row["values"],
                    row["seed"],
                    read_cell(path, row["values"], row["seed"], study, row.get("simulated_by")),
                )
                for row, path in zip(table, files, strict=True)
            ]
            check_shared_parameters(files, [c[2] for c in cells], list(study["grid"]))
        except CellFileError as err:
            print(f"collect {study['name']}: {err}")
            print(f"collect {study['name']}: {err}", file=sys.__stderr__)
            sys.exit(1)
        ds = collect_study(cells, study["grid"], study, config=smk.config, files=files)
        write_netcdf(ds, smk.output[0])
        print(ds)


main(snakemake)  # noqa: F821 (the script directive defines `snakemake`)
