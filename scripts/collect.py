"""Snakemake entry point of rule collect: a study's cell files -> the study dataset, and the
study's index of its cells (results/<study>/cells.tsv: grid values, seed, cell file).

Each cell file is checked first (it opens, holds the summary variables, and records the seed and
parameters of its path); a bad one stops the job with one message naming the file.
"""

import contextlib
import csv
import os
import sys

from consolidation.results.collect import (
    CellFileError,
    check_shared_parameters,
    collect_study,
    read_cell,
)
from consolidation.results.io import write_netcdf


def missing_batched(table) -> None:
    """A batched cell file deleted after its batch finished: say how to make it again."""
    for row in table:
        made_by = row.get("made_by", row["file"])
        if made_by != row["file"] and not os.path.exists(row["file"]):
            raise CellFileError(
                f"cell file {row['file']}: missing, though its batch's marker {made_by} is "
                "there. Delete the marker: the batch then simulates only its missing seeds."
            )


def main(smk) -> None:
    with (
        open(smk.log[0], "w") as log,
        contextlib.redirect_stdout(log),
        contextlib.redirect_stderr(log),
    ):
        study, table = smk.params.study, smk.params.cells
        # a row's file, not smk.input: a batched cell's input is its batch's marker
        files = [row["file"] for row in table]
        try:
            missing_batched(table)
            cells = [
                (
                    row["values"],
                    row["seed"],
                    read_cell(path, row["values"], row["seed"], study),
                )
                for row, path in zip(table, files, strict=True)
            ]
            check_shared_parameters(files, [c[2] for c in cells], list(study["grid"]))
        except CellFileError as err:
            print(f"collect {study['name']}: {err}")
            print(f"collect {study['name']}: {err}", file=sys.__stderr__)
            sys.exit(1)
        ds = collect_study(cells, study["grid"], study, config=smk.config, files=files)
        write_netcdf(ds, smk.output.dataset)
        write_index(smk.output.index, list(study["grid"]), table)
        print(ds)


def write_index(path: str, axes: list[str], table) -> None:
    """The study's readable view of its cells: which file holds which grid cell and seed."""
    with open(path, "w", newline="") as f:
        out = csv.writer(f, delimiter="\t", lineterminator="\n")
        out.writerow([*axes, "seed", "file"])
        for row in table:
            out.writerow([*(row["values"][a] for a in axes), row["seed"], row["file"]])


main(snakemake)  # noqa: F821 (the script directive defines `snakemake`)
