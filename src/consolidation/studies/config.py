"""The vocabulary of config checks: the errors, how a value is shown and formatted, the schema.

The JSON schema of the workflow config ships with the package (``config.schema.yaml`` beside
this module): the workflow validates against it and so does :func:`check`.
"""

from __future__ import annotations

import math
import reprlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

SCHEMA = Path(__file__).resolve().parent / "config.schema.yaml"


class ConfigError(ValueError):
    """The workflow config is invalid; the message names the study and the key."""


class ClaimError(ConfigError):
    """A claim cannot be read or computed; the message names the study, the claim and the key."""


_short = reprlib.Repr(maxstring=60, maxother=60, maxlist=6, maxdict=4, maxlevel=2)


def show(value: Any) -> str:
    """A value for an error message: short, on one line."""
    return " ".join(_short.repr(value).split())


def format_value(value: Any) -> str:
    """One stable text form per value: 0.5 -> '0.5', 2.0 -> '2', True -> 'true', [0, 2] -> '0,2'."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return np.format_float_positional(float(value), unique=True, trim="-")
    if isinstance(value, list | tuple):
        return ",".join(format_value(v) for v in value) if value else "none"
    return str(value)


def plain(value: Any) -> Any:
    """A numpy scalar or array (a netCDF attribute, a coordinate label) as plain Python."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


def plain_tree(tree: Any) -> Any:
    """Mappings and lists (snakemake's config types included) as plain dicts and lists."""
    if isinstance(tree, Mapping):
        return {str(k): plain_tree(v) for k, v in tree.items()}
    if isinstance(tree, list | tuple):
        return [plain_tree(v) for v in tree]
    return plain(tree)


def check(config: Any, schema: str | Path | None = SCHEMA) -> None:
    """Numbers finite, then the JSON schema (filling in its defaults, as snakemake's ``validate``
    does). Raises :class:`ConfigError` with one paragraph naming the key."""
    import jsonschema

    if not isinstance(config, Mapping):
        raise ConfigError(f"config: expected a mapping of keys, got {show(config)}")
    bad = non_finite(config, [])
    if bad is not None:
        raise ConfigError(f"{where(bad)}: a number must be finite, not NaN or infinity")
    if schema is not None:
        if not Path(schema).exists():
            raise ConfigError(f"config schema {schema}: no such file")
        errors = list(schema_validator(schema).iter_errors(config))
        if errors:
            raise ConfigError(schema_message(jsonschema.exceptions.best_match(errors)))


def schema_validator(schema_path: Path):
    """A draft 2020-12 validator that also fills in the schema's defaults (as snakemake does)."""
    import jsonschema
    import yaml

    schema = yaml.safe_load(Path(schema_path).read_text())
    base = jsonschema.Draft202012Validator

    def set_defaults(validator, properties, instance, schema):
        for prop, sub in properties.items():
            if isinstance(instance, dict) and isinstance(sub, dict) and "default" in sub:
                instance.setdefault(prop, sub["default"])
        yield from base.VALIDATORS["properties"](validator, properties, instance, schema)

    extended = jsonschema.validators.extend(base, {"properties": set_defaults})
    return extended(schema)


def where(path: list[Any]) -> str:
    """'study 's1' 'seeds'' or 'config 'plots' 'dpi'' from a JSON-schema error path."""
    if len(path) >= 2 and path[0] == "studies":
        head, rest = f"study {show(path[1])}", path[2:]
    else:
        head, rest = "config", path
    return " ".join([head, *(show(str(p)) for p in rest)])


def schema_message(error) -> str:
    """One paragraph for a JSON-schema error: where, what was given, what is allowed."""
    path = list(error.absolute_path)
    kind, allowed = error.validator, error.validator_value
    schema = error.schema if isinstance(error.schema, dict) else {}
    if kind == "additionalProperties":
        extra = sorted(map(str, set(error.instance) - set(schema.get("properties", {}))))
        what = f"unknown key(s) {show(extra)}"
        hint = "allowed: " + ", ".join(schema.get("properties", {}))
    elif kind == "required":
        what, hint = error.message, ""
    elif kind in ("type", "enum", "oneOf", "anyOf", "pattern", "const"):
        what = f"{show(error.instance)} is not allowed"
        hint = ""
        if kind == "type":
            types = [allowed] if isinstance(allowed, str) else list(allowed)
            hint = "expected " + " or ".join(map(str, types))
        elif kind == "enum":
            hint = "allowed: " + ", ".join(map(str, allowed))
        if kind == "pattern" and len(path) == 1 and path[0] == "studies":
            path = [*path, error.instance]  # a study name (propertyNames)
            what = "is not allowed as a study name"
            hint = "1-64 letters, digits, '_' and '-', starting with a letter or digit"
        hint = "; ".join(t for t in (hint, schema.get("description", "")) if t)
    elif kind == "propertyNames":
        what, hint = f"{show(error.instance)} has an invalid name", ""
    else:
        what = " ".join(str(error.message).split())
        hint = schema.get("description", "") if path else ""
    if len(what) > 300:
        what = what[:300] + "..."
    hint = " ".join(str(hint).split())
    return f"{where(path)}: {what}" + (f" ({hint})" if hint else "")


def non_finite(tree: Any, path: list[Any]) -> list[Any] | None:
    """The path of the first NaN or infinite number in a config, if any."""
    if isinstance(tree, float) and not math.isfinite(tree):
        return path
    items = (
        tree.items()
        if isinstance(tree, Mapping)
        else enumerate(tree)
        if isinstance(tree, list)
        else ()
    )
    for key, value in items:
        found = non_finite(value, [*path, key])
        if found is not None:
            return found
    return None
