"""Backends run a planned cell on a brian2 device; :mod:`.driver` picks one by name."""
