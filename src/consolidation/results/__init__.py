"""Results on disk: atomic netCDF I/O, collecting cells into study datasets, verification."""
