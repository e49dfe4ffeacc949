"""Durations as people write them in ``workspace.toml`` and on the command line: ``250ms``, ``10s``,
``5m``, ``4h``, or a bare number of seconds."""

from __future__ import annotations

import re
from typing import Any

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}


def parse_duration(value: Any) -> float:
    """Seconds in ``value`` (a number of seconds, or text such as ``250ms``, ``10s``, ``5m``, ``4h``).

    Raises ``ValueError`` saying what a duration looks like; a boolean or a negative number is not one.
    """
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a duration; write e.g. \"250ms\", \"10s\", \"5m\" or \"4h\"")
    if isinstance(value, (int, float)):
        if value < 0:
            raise ValueError(f"{value!r} is not a duration: it is negative")
        return float(value)
    match = _DURATION.match(str(value))
    if not match:
        raise ValueError(f"{value!r} is not a duration; write e.g. \"250ms\", \"10s\", \"5m\" or \"4h\"")
    return float(match.group(1)) * _UNITS[match.group(2)]
