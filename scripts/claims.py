"""Snakemake entry point of rule claims: a study dataset -> its claims computed (claims.json)."""

import contextlib

from consolidation.results.io import read_netcdf, write_text
from consolidation.studies.summaries import format_effect
from consolidation.studies.verdicts import dumps, evaluate_study


def main(smk) -> None:
    with (
        open(smk.log[0], "w") as log,
        contextlib.redirect_stdout(log),
        contextlib.redirect_stderr(log),
    ):
        results = evaluate_study(
            read_netcdf(smk.input.study), smk.params.claims, smk.wildcards.study
        )
        write_text(smk.output[0], dumps(results))
        for r in results["claims"]:
            print(f"{r['name']}: {format_effect(r)}, {r['n_seeds']} seeds, {r['verdict']}")


main(snakemake)  # noqa: F821 (the script directive defines `snakemake`)
