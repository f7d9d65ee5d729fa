"""Claims: what a study expects of its dataset, validated against the study before any job runs.

A claim (``studies.<name>.claims`` in the config; keys in config/README.md) names a data
variable of the study dataset, fixed coordinates (``select``), what is compared and the
expected direction:

- a **contrast** is the paired difference ``a - b`` within each seed, either between two values
  along a dimension (``axis``: a grid axis such as ``schedule.offline``, or ``probe``, ...) or
  between two groups of memories given by a per-memory variable (``by``, e.g. ``cued``), or of
  a working-memory study's items given by a per-item variable (e.g. ``held``);
- a **trend** is the Spearman rank correlation of the variable with a numeric dimension
  (``axis``, e.g. ``sleep.swr_rate``) or with a per-memory variable (``by``, e.g. ``memory_age``);
- a **level** is the variable itself against a number (``than``), e.g. the weight change of
  pre-before-post pairs against 0;
- a **match** is the variable against a published value within a relative ``tolerance``, e.g. the
  fitted decay of an STDP window against Bi & Poo's 16.8 ms within 20%.

How a claim is computed over seeds and given a verdict: :mod:`consolidation.studies.verdicts`.

Claims are validated with the config (:func:`parse_claims`, called by
:func:`consolidation.studies.grid.expand_study`), before any job runs: the variable must be one that
study datasets hold (the model's table, :mod:`consolidation.model.variables`, so a new
per-memory variable there is usable at once), and every axis and coordinate value must exist in
the study (grid axes from its grid; probe labels from its schedule's test labels; ...). A study of
kind ``stdp_window`` has the window's variables and the offsets of its cells' ``stdp.offsets``;
one of kind ``working_memory`` the per-item and per-cell variables of its cells and ``item``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from consolidation.model import variables
from consolidation.model.controls import CONDITIONS
from consolidation.model.measure import POPULATIONS
from consolidation.model.parameters import Parameters
from consolidation.model.schedule import expand
from consolidation.studies.comparisons import comparison, coordinate
from consolidation.studies.config import ClaimError, format_value, show

# expected direction -> sign of the effect that reproduces the claim
# (a match has no sign: its verdict asks whether the CI lies within the published interval)
EXPECT = {
    "contrast": {"greater": 1, "less": -1},
    "trend": {"increasing": 1, "decreasing": -1},
    "level": {"greater": 1, "less": -1},
    "match": {"within": 0},
}
CLAIM_KINDS = tuple(EXPECT)
CLAIM_KEYS = ("name", "variable", "select", *CLAIM_KINDS, "expect", "reference")


@dataclass(frozen=True)
class Claim:
    """One validated claim. ``axis`` or ``by`` says along what; ``a``/``b`` only for contrasts;
    ``than`` only for a level; ``value`` and ``tolerance`` (relative) only for a match."""

    name: str
    variable: str
    kind: str  # one of CLAIM_KINDS
    expect: str
    select: dict[str, Any] = field(default_factory=dict)
    axis: str | None = None
    by: str | None = None
    a: Any = None
    b: Any = None
    reference: str = ""
    than: float | None = None
    value: float | None = None
    tolerance: float | None = None

    @property
    def sign(self) -> int:
        return EXPECT[self.kind][self.expect]

    @property
    def interval(self) -> tuple[float, float]:
        """A match's accepted range: the published value ± the relative tolerance."""
        ends = (self.value * (1 - self.tolerance), self.value * (1 + self.tolerance))
        return min(ends), max(ends)

    def to_dict(self) -> dict[str, Any]:
        # the fields of levels and matches only where they are used (other claims' params and
        # claims.json stay as they were)
        return {
            k: v
            for k, v in asdict(self).items()
            if v is not None or k not in ("than", "value", "tolerance")
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Claim:
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})

    def describe(self) -> str:
        """One line, e.g. 'recall (probe=post): schedule.offline sleep − wake > 0'."""
        sel = ", ".join(f"{k}={format_value(v)}" for k, v in self.select.items())
        head = self.variable + (f" ({sel})" if sel else "")
        along = self.axis if self.axis is not None else self.by
        if self.kind == "contrast":
            side = ">" if self.sign > 0 else "<"
            if isinstance(self.a, Mapping):
                a, b = (
                    "(" + ", ".join(f"{k}={format_value(v)}" for k, v in p.items()) + ")"
                    for p in (self.a, self.b)
                )
                return f"{head}: {a} − {b} {side} 0"
            what = f"{along} {format_value(self.a)} − {format_value(self.b)} {side} 0"
        elif self.kind == "level":
            what = f"{'>' if self.sign > 0 else '<'} {format_value(self.than)}"
        elif self.kind == "match":
            what = f"within {format_value(self.value)} ± {self.tolerance:.0%}"
        else:
            what = f"{self.expect} with {along}"
        return f"{head}: {what}"


# --- what a study dataset holds, known before any job runs ---------------------------------


def study_variables(study_kind: str = "network") -> dict[str, tuple[str, ...]]:
    """Data variable -> its dimensions besides the grid axes and ``seed``, in a study dataset
    (from the model's table of variables, :mod:`consolidation.model.variables`)."""
    return variables.study_variables(study_kind)


def coordinate_labels(
    cells: Sequence[Mapping[str, Any]], study_kind: str = "network"
) -> dict[str, list[Any]]:
    """Labels of the model's own dimensions over a study's cells (each a dict of overrides).

    ``probe``: the schedule's test labels; ``memory``: 0..memory.count-1; ``phase``: one label
    per schedule position as collect writes it (``'2:sleep'``, or ``'2:sleep|wake'`` where the
    cells differ); ``hippocampus`` and ``population`` as measure writes them. For a study of
    kind ``stdp_window``: ``offset``, every cell's ``stdp.offsets`` in ascending order; of kind
    ``working_memory``: ``item``, 0..working_memory.items-1.
    """
    if study_kind == "stdp_window":
        offsets = {float(o) for c in cells for o in Parameters.from_overrides(c)["stdp.offsets"]}
        return {"offset": sorted(offsets)}
    if study_kind == "working_memory":
        items = max(Parameters.from_overrides(c)["working_memory.items"] for c in cells)
        return {"item": list(range(items))}

    probes: dict[str, None] = {}
    kinds: list[dict[str, None]] = []
    n_memories = 0
    for overrides in cells:
        params = Parameters.from_overrides(overrides)
        phases = expand(params)
        n_memories = max(n_memories, params["memory.count"])
        for i, phase in enumerate(phases):
            if phase["phase"] == "test":
                probes.setdefault(phase["label"], None)
            while len(kinds) <= i:
                kinds.append({})
            kinds[i].setdefault(phase["name"].removeprefix(f"{i}:"), None)
    return {
        "probe": list(probes),
        "memory": list(range(n_memories)),
        "phase": [f"{i}:" + "|".join(k) for i, k in enumerate(kinds)],
        "hippocampus": list(CONDITIONS),
        "population": list(POPULATIONS),
    }


# --- validation ------------------------------------------------------------------------------


def parse_claims(
    study: str,
    spec: Any,
    axes: Mapping[str, Sequence[Any]],
    cells: Sequence[Mapping[str, Any]],
    study_kind: str = "network",
) -> list[Claim]:
    """Validate a study's ``claims`` list against its grid ``axes`` and cells' overrides."""
    if spec is None:
        return []
    where = f"study {show(study)} 'claims'"
    if not isinstance(spec, list):
        raise ClaimError(f"{where}: expected a list of claims, got {show(spec)}")
    coords = {**{a: list(v) for a, v in axes.items()}, **coordinate_labels(cells, study_kind)}
    variables = study_variables(study_kind)
    out: list[Claim] = []
    for i, item in enumerate(spec):
        claim = _parse_claim(study, i, item, axes, coords, variables)
        if any(c.name == claim.name for c in out):
            raise ClaimError(
                f"study {show(study)} claim {show(claim.name)} 'name': used by two claims"
            )
        out.append(claim)
    return out


def _parse_claim(
    study: str,
    i: int,
    item: Any,
    axes: Mapping[str, Sequence[Any]],
    coords: Mapping[str, list[Any]],
    variables: Mapping[str, tuple[str, ...]],
) -> Claim:
    where = f"study {show(study)} 'claims' '{i}'"  # as the schema's errors name it
    if not isinstance(item, Mapping):
        raise ClaimError(f"{where}: expected a mapping with keys {', '.join(CLAIM_KEYS)}")
    name = _name(where, item)
    where = f"study {show(study)} claim {show(name)}"
    unknown = sorted(map(str, set(item) - set(CLAIM_KEYS)))
    if unknown:
        raise ClaimError(
            f"{where}: unknown key(s) {show(unknown)}; allowed: {', '.join(CLAIM_KEYS)}"
        )
    variable = _variable(where, item, variables)
    dims = [*axes, *variables[variable]]  # besides seed
    kind, expect = _kind_and_expect(where, item)
    reference = item.get("reference", "")
    if not isinstance(reference, str):
        raise ClaimError(f"{where} 'reference': expected text, got {show(reference)}")
    select = _select(where, item.get("select") or {}, variable, dims, coords)
    compared = comparison(
        f"{where} {show(kind)}", kind, item[kind], variable, variables, dims, select, coords
    )
    return Claim(
        name=name.strip(),
        variable=variable,
        kind=kind,
        expect=expect,
        select=select,
        reference=reference.strip(),
        **compared,
    )


def _name(where: str, item: Mapping[str, Any]) -> str:
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ClaimError(f"{where} 'name': expected a short label, got {show(name)}")
    return name


def _variable(where: str, item: Mapping[str, Any], variables: Mapping[str, tuple[str, ...]]) -> str:
    variable = item.get("variable")
    if not isinstance(variable, str) or variable not in variables:
        raise ClaimError(
            f"{where} 'variable': {show(variable)} is not a variable of the study dataset; "
            f"allowed: {', '.join(sorted(variables))}"
        )
    return variable


def _kind_and_expect(where: str, item: Mapping[str, Any]) -> tuple[str, str]:
    kinds = [k for k in CLAIM_KINDS if k in item]
    if len(kinds) != 1:
        raise ClaimError(f"{where}: give exactly one of 'level', 'match', 'contrast' or 'trend'")
    kind = kinds[0]
    expect = item.get("expect")
    if expect not in EXPECT[kind]:
        raise ClaimError(
            f"{where} 'expect': {show(expect)} is not allowed for a {kind}; allowed: "
            + ", ".join(EXPECT[kind])
        )
    return kind, expect


def _select(
    where: str,
    select_spec: Any,
    variable: str,
    dims: Sequence[str],
    coords: Mapping[str, list[Any]],
) -> dict[str, Any]:
    """Dimension -> the coordinate value (or a tuple of values: a subset) the claim fixes."""
    if not isinstance(select_spec, Mapping):
        raise ClaimError(f"{where} 'select': expected a mapping of dimension -> value")
    select = {}
    for dim, value in select_spec.items():
        here = f"{where} 'select' {show(dim)}"
        if dim not in dims:
            raise ClaimError(
                f"{here}: {variable} has no dimension {show(dim)}; its dimensions: "
                + ", ".join(dims)
                + " (seed is what the statistic runs over)"
            )
        if isinstance(value, list):  # a subset, averaged like any dimension not compared
            if not value:
                raise ClaimError(f"{here}: an empty list selects nothing")
            select[dim] = tuple(coordinate(here, dim, v, coords) for v in value)
        else:
            select[dim] = coordinate(here, dim, value, coords)
    return select
