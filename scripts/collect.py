"""Snakemake entry point of rule collect: a study's cell files -> the study dataset, and the
study's index of its cells (results/<study>/cells.tsv: grid values, seed, cell file).

A batch's cells are read from its summaries file (results/cells/<kind>/....summaries.nc), any
other cell from its cell file. Each is checked first (it opens, holds the summary variables, and
records the seed and parameters of its path); a bad one stops the job with one message naming
the file.
"""

import contextlib
import csv
import json
import os
import sys

from consolidation.results.cells import (
    CellFileError,
    check_shared_parameters,
    read_batch,
    read_cell,
)
from consolidation.results.collect import collect_groups
from consolidation.results.io import write_netcdf
from consolidation.results.summary import stack_seeds


def missing_batched(table) -> None:
    """A batched cell file deleted after its batch finished: say how to make it again."""
    for row in table:
        if row["read_from"] != row["file"] and not os.path.exists(row["file"]):
            raise CellFileError(
                f"cell file {row['file']}: missing, though its batch's summaries "
                f"{row['read_from']} are there. Delete them: the batch then simulates only its "
                "missing cells."
            )


def read_groups(table, study) -> tuple[list, list[str], list[str]]:
    """The study's cells as groups (grid values, summaries of its seeds) in table order, with
    where each group came from and each cell's file. A batched cell is read from its batch's
    summaries file, one group per grid cell; any other from its cell file."""
    rows_of: dict[str, dict[str, list]] = {}  # source -> grid cell -> its rows
    for row in table:
        grid_cell = json.dumps(row["values"], sort_keys=True)
        rows_of.setdefault(row["read_from"], {}).setdefault(grid_cell, []).append(row)
    groups, sources, files = [], [], []
    for source, cells in rows_of.items():
        rows = list(cells.values())
        if source != rows[0][0]["file"]:  # a batch's summaries file
            wanted = [(r[0]["cell"], r[0]["values"], [row["seed"] for row in r]) for r in rows]
            read = read_batch(source, wanted, study)
        else:  # a cell made by its own job
            ((row,),) = rows
            read = [stack_seeds([read_cell(row["file"], row["values"], row["seed"], study)])]
        groups += [(r[0]["values"], group) for r, group in zip(rows, read, strict=True)]
        sources += [source] * len(read)
        files += [row["file"] for r in rows for row in r]
    return groups, sources, files


def main(smk) -> None:
    with (
        open(smk.log[0], "w") as log,
        contextlib.redirect_stdout(log),
        contextlib.redirect_stderr(log),
    ):
        study, table = smk.params.study, smk.params.cells
        try:
            missing_batched(table)
            groups, sources, files = read_groups(table, study)
            check_shared_parameters(sources, [g for _, g in groups], list(study["grid"]))
        except CellFileError as err:
            print(f"collect {study['name']}: {err}")
            print(f"collect {study['name']}: {err}", file=sys.__stderr__)
            sys.exit(1)
        ds = collect_groups(groups, study["grid"], study, config=smk.config, files=files)
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
