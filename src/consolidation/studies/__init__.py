"""Studies: config checks, grid expansion, claims and their statistics."""
