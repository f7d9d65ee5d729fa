"""What a claim compares, checked against its study: the mapping under ``contrast``, ``trend``,
``level`` or ``match`` (:mod:`consolidation.studies.claims`), and every coordinate value a claim
names, against the dimensions and coordinate labels the study dataset will have.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from consolidation.studies.config import ClaimError, format_value, plain, show

# The dimensions a ``by`` variable groups: memories (network studies), items (working memory).
GROUPED_DIMS = ("memory", "item")
COMPARE_KEYS = {
    "contrast": ("axis", "by", "a", "b"),
    "trend": ("axis", "by"),
    "level": ("than",),
    "match": ("value", "tolerance"),
}


def coordinate_position(values: Sequence[Any], value: Any) -> int | None:
    """Position of ``value`` among coordinate ``values``, compared in their one text form."""
    labels = [format_value(v) for v in values]
    want = format_value(value)
    return labels.index(want) if want in labels else None


def coordinate(where: str, dim: str, value: Any, coords: Mapping[str, list[Any]]) -> Any:
    """The coordinate value of ``dim`` that ``value`` names (0 and 0.0 are the same value)."""
    values = coords.get(dim, [])
    pos = coordinate_position(values, value) if _scalar(value) else None
    if pos is None:
        raise ClaimError(
            f"{where}: {show(value)} is not a value of {dim}; allowed: "
            + ", ".join(format_value(v) for v in values)
        )
    return plain(values[pos])


def grouped_dim(dims: Sequence[str]) -> str:
    """The dimension a ``by`` variable with these dimensions groups (memory or item)."""
    return next(d for d in GROUPED_DIMS if d in dims)


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool | np.generic)


def _numeric(values: Sequence[Any]) -> bool:
    return all(isinstance(v, int | float | np.number) and not isinstance(v, bool) for v in values)


def comparison(
    here: str,
    kind: str,
    compare: Any,
    variable: str,
    variables: Mapping[str, tuple[str, ...]],
    dims: Sequence[str],
    select: Mapping[str, Any],
    coords: Mapping[str, list[Any]],
) -> dict[str, Any]:
    """The Claim fields of what a claim compares: axis/by/a/b, than, or value/tolerance."""
    if not isinstance(compare, Mapping):
        raise ClaimError(f"{here}: expected a mapping with keys {', '.join(COMPARE_KEYS[kind])}")
    unknown = sorted(map(str, set(compare) - set(COMPARE_KEYS[kind])))
    if unknown:
        raise ClaimError(
            f"{here}: unknown key(s) {show(unknown)}; allowed: {', '.join(COMPARE_KEYS[kind])}"
        )
    cells = (
        kind == "contrast"
        and "axis" not in compare
        and "by" not in compare
        and all(isinstance(compare.get(k), Mapping) for k in ("a", "b"))
    )
    if kind in ("level", "match"):
        return _reference_value(here, kind, compare)
    if cells:  # two points of the grid, each a mapping of dimension -> value
        return {
            "a": _point(f"{here} 'a'", compare["a"], dims, select, coords),
            "b": _point(f"{here} 'b'", compare["b"], dims, select, coords),
        }
    along = _along(here, kind, compare, variable, variables, dims, select, coords)
    return dict(zip(("axis", "by", "a", "b"), along, strict=True))


def _along(
    here: str,
    kind: str,
    compare: Mapping[str, Any],
    variable: str,
    variables: Mapping[str, tuple[str, ...]],
    dims: Sequence[str],
    select: Mapping[str, Any],
    coords: Mapping[str, list[Any]],
) -> tuple[str | None, str | None, Any, Any]:
    """(axis, by, a, b) of a claim compared along a dimension or a per-memory (per-item)
    variable."""
    if ("axis" in compare) == ("by" in compare):
        raise ClaimError(
            f"{here}: give exactly one of 'axis' (a dimension) or 'by' (a variable), or give "
            "'a' and 'b' as mappings of dimension -> value (two points of the grid)"
        )
    if kind == "contrast":
        for key in ("a", "b"):
            if key not in compare or not _scalar(compare[key]):
                raise ClaimError(
                    f"{here} {show(key)}: expected one value, got {show(compare.get(key))}"
                )
    if "axis" in compare:
        a, b = _along_axis(here, kind, compare, variable, dims, select, coords)
        return compare["axis"], None, plain(a), plain(b)
    a, b = _along_by(here, kind, compare, variable, variables, select)
    return None, compare["by"], plain(a), plain(b)


def _along_axis(
    here: str,
    kind: str,
    compare: Mapping[str, Any],
    variable: str,
    dims: Sequence[str],
    select: Mapping[str, Any],
    coords: Mapping[str, list[Any]],
) -> tuple[Any, Any]:
    """(a, b) of a contrast along a dimension (None, None for a trend), checked."""
    axis = compare["axis"]
    if not isinstance(axis, str) or axis not in dims:
        raise ClaimError(
            f"{here} 'axis': {show(axis)} is not a dimension of {variable}; allowed: "
            + ", ".join(dims)
        )
    if axis in select:
        raise ClaimError(f"{here} 'axis': {axis} is also fixed in 'select'")
    if kind != "contrast":
        values = coords[axis]
        if not _numeric(values) or len(values) < 2:
            raise ClaimError(
                f"{here} 'axis': a trend needs at least two numbers along {axis}, it has "
                f"{show(values)} (compare two values with a contrast instead)"
            )
        return None, None
    a = coordinate(f"{here} 'a'", axis, compare["a"], coords)
    b = coordinate(f"{here} 'b'", axis, compare["b"], coords)
    if format_value(a) == format_value(b):
        raise ClaimError(f"{here} 'b': compares {axis}={format_value(a)} with itself")
    return a, b


def _along_by(
    here: str,
    kind: str,
    compare: Mapping[str, Any],
    variable: str,
    variables: Mapping[str, tuple[str, ...]],
    select: Mapping[str, Any],
) -> tuple[Any, Any]:
    """(a, b) of a contrast between groups of memories or items (None, None for a trend),
    checked."""
    by = compare["by"]
    by_dims = variables.get(by) if isinstance(by, str) else None
    if by_dims is None or not set(GROUPED_DIMS) & set(by_dims):
        grouping = sorted(k for k, d in variables.items() if set(GROUPED_DIMS) & set(d))
        raise ClaimError(
            f"{here} 'by': {show(by)} is not a per-memory (or per-item) variable of the study "
            f"dataset; allowed: {', '.join(grouping)}"
        )
    if not set(by_dims) <= set(variables[variable]):
        raise ClaimError(
            f"{here} 'by': {variable} has no dimension(s) "
            f"{', '.join(sorted(set(by_dims) - set(variables[variable])))} that {by} has"
        )
    grouped = grouped_dim(by_dims)
    if grouped in select:
        raise ClaimError(f"{here} 'by': groups {grouped}s, so 'select' cannot fix {grouped}")
    if kind != "contrast":
        return None, None
    a, b = compare["a"], compare["b"]
    if format_value(a) == format_value(b):
        raise ClaimError(f"{here} 'b': compares {by}={format_value(a)} with itself")
    return a, b


def _reference_value(here: str, kind: str, compare: Mapping[str, Any]) -> dict[str, float]:
    """``than`` of a level, or ``value`` and ``tolerance`` of a match, checked."""
    out = {}
    for key in COMPARE_KEYS[kind]:
        number = compare.get(key)
        if (
            isinstance(number, bool)
            or not isinstance(number, int | float)
            or not math.isfinite(number)
        ):
            raise ClaimError(f"{here} {show(key)}: expected a finite number, got {show(number)}")
        out[key] = float(number)
    if kind == "match":
        if not 0 < out["tolerance"] < 1:
            raise ClaimError(
                f"{here} 'tolerance': a relative tolerance lies between 0 and 1 (0.2: ±20%), "
                f"got {show(compare['tolerance'])}"
            )
        if out["value"] == 0:
            raise ClaimError(f"{here} 'value': a relative tolerance needs a nonzero value")
    return out


def _point(
    where: str, spec: Mapping[str, Any], dims: Sequence[str], select, coords
) -> dict[str, Any]:
    """A point of a cell-vs-cell contrast: dimension -> coordinate value, validated."""
    if not spec:
        raise ClaimError(f"{where}: name at least one dimension and its value")
    point = {}
    for dim, value in spec.items():
        if dim not in dims:
            raise ClaimError(f"{where}: no dimension {show(dim)}; allowed: {', '.join(dims)}")
        if dim in select:
            raise ClaimError(f"{where}: {dim} is also fixed in 'select'")
        point[dim] = coordinate(f"{where} {show(dim)}", dim, value, coords)
    return point
