"""Destination filters: the seam the pipeline calls. The FQL engine (identical to @segment/tsub)
replaces this module; until then a destination may have no filters."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class FilterDecision:
    index: int
    title: str
    matched: bool
    actions: tuple[str, ...]
    dropped: bool


@dataclass(frozen=True)
class FilterResult:
    event: dict | None
    decisions: tuple[FilterDecision, ...]


class DestinationFilters:
    def __init__(self, filters: list[dict]) -> None:
        self.filters = list(filters)

    def apply(self, event: dict, rng: random.Random) -> FilterResult:
        return FilterResult(event, ())


def check_filters(filters: list, path: str = "filters") -> list[str]:
    return [f"{path}[{i}]: destination filters are not supported yet" for i, _ in enumerate(filters)]
