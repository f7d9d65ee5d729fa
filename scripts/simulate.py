"""Snakemake entry point of rule simulate: one grid cell and seed -> one netCDF file."""

import contextlib

from consolidation.io import write_netcdf
from consolidation.simulate import simulate


def main(smk) -> None:
    with (
        open(smk.log[0], "w") as log,
        contextlib.redirect_stdout(log),
        contextlib.redirect_stderr(log),
    ):
        print(f"cell {smk.wildcards.cell}, seed {smk.wildcards.seed}: {smk.params.overrides}")
        ds = simulate(dict(smk.params.overrides), int(smk.wildcards.seed))
        ds.attrs.update({"study": smk.wildcards.study, "cell": smk.wildcards.cell})
        write_netcdf(ds, smk.output[0])
        print(f"wall time {ds.attrs['wall_time_s']:.1f} s")


main(snakemake)  # noqa: F821 (the script directive defines `snakemake`)
