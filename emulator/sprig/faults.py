"""Failures the mock Sprig injects on request, per run: a seeded share of error answers, dropped
connections and latency, so a replay with faults repeats exactly."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any


class FaultConfigError(ValueError):
    """Fault settings the mock cannot take (the control API answers 400 with this message)."""


@dataclass
class Faults:
    """A share of requests answered ``status`` (default 500), a share whose connection drops
    (in-process: ``fetch`` raises FetchError ECONNRESET), and latency in milliseconds. ``seed`` makes
    the draws repeat."""

    error_rate: float = 0.0
    status: int = 500
    drop_rate: float = 0.0
    latency_ms: float = 0.0
    seed: int = 0
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        for name in ("error_rate", "drop_rate"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"Faults.{name} must be between 0 and 1, not {getattr(self, name)!r}")
        if not 400 <= self.status <= 599:
            raise ValueError(f"Faults.status must be an HTTP error status (400-599), not {self.status!r}")
        self._rng = random.Random(self.seed)

    @classmethod
    def from_config(cls, config: Any) -> "Faults":
        """Faults from a JSON object (the control API's body); FaultConfigError says what is wrong."""
        if not isinstance(config, dict):
            raise FaultConfigError('faults must be a JSON object such as {"error_rate": 0.3, "status": 500}')
        known = ("error_rate", "status", "drop_rate", "latency_ms", "seed")
        unknown = sorted(set(config) - set(known))
        if unknown:
            raise FaultConfigError(f"unknown fault setting(s) {', '.join(unknown)}; known: {', '.join(known)}")
        for name in ("error_rate", "drop_rate"):
            value = config.get(name, 0.0)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise FaultConfigError(f"{name} must be a number from 0 to 1")
        status = config.get("status", 500)
        if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
            raise FaultConfigError("status must be an HTTP error status (400-599)")
        latency = config.get("latency_ms", 0.0)
        if isinstance(latency, bool) or not isinstance(latency, (int, float)) or not 0 <= latency <= 60_000:
            raise FaultConfigError("latency_ms must be a number from 0 to 60000")
        seed = config.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise FaultConfigError("seed must be an integer")
        return cls(float(config.get("error_rate", 0.0)), status, float(config.get("drop_rate", 0.0)),
                   float(latency), seed)

    def to_config(self) -> dict:
        return {"error_rate": self.error_rate, "status": self.status, "drop_rate": self.drop_rate,
                "latency_ms": self.latency_ms, "seed": self.seed}

    def draw(self) -> str | None:
        """``"drop"``, ``"error"`` or None for this request."""
        roll = self._rng.random()
        if roll < self.drop_rate:
            return "drop"
        if roll < self.drop_rate + self.error_rate:
            return "error"
        return None
