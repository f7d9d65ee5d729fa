"""Presentation: figures (plots) and the HTML report, drawn from study datasets."""
