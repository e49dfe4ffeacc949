"""Injected failures: a seeded share of error answers, dropped connections and latency, for the mock
Sprig (``--sprig-faults``, ``POST /__segfn__/sprig/faults``) and for any host (``--faults``).

``Faults`` is one host's settings. ``HostFaults`` maps hosts (``"*"`` for every host) to them, and
``inject`` applies them in front of any transport. A request's draw is seeded by the fault's seed, the
host, the delivery that sends it and how many requests that delivery sent the host before, so a replay
with faults repeats exactly whatever order (or process) its messages run in.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from typing import Any, Mapping
from urllib.parse import urlsplit

from segfn.runtime import FetchError, Headers, Request, Response, Transport


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

    def reseed(self, key: str) -> None:
        """Draw keyless draws from a sequence of their own for ``key`` (replay: the messageId), so what
        a message meets does not depend on which messages came before it."""
        self._rng = random.Random(f"{self.seed}:{key}")

    def draw(self, key: str | None = None) -> str | None:
        """``"drop"``, ``"error"`` or None for this request. With ``key`` (what identifies the request:
        host, delivery, count) the draw depends on the seed and the key only; without, on the order of
        draws."""
        roll = self._rng.random() if key is None else random.Random(f"{self.seed}:{key}").random()
        if roll < self.drop_rate:
            return "drop"
        if roll < self.drop_rate + self.error_rate:
            return "error"
        return None


class HostFaults:
    """Faults per host, from ``--faults``: ``{"api.example.com": {"error_rate": 0.5}, "*": {...}}``.

    A host's own entry wins over ``"*"``. Host names compare case-insensitively.
    """

    def __init__(self, by_host: Mapping[str, Faults] | None = None) -> None:
        self.by_host = {host.lower(): faults for host, faults in (by_host or {}).items()}

    def __bool__(self) -> bool:
        return bool(self.by_host)

    @classmethod
    def from_config(cls, config: Any) -> "HostFaults":
        """Parse the JSON object; FaultConfigError names the host whose settings are wrong."""
        if not isinstance(config, dict):
            raise FaultConfigError('faults must be a JSON object of host -> settings, such as '
                                   '{"api.example.com": {"error_rate": 0.3, "status": 503}} ("*" for every host)')
        by_host = {}
        for host, settings in config.items():
            if not host or "/" in host:
                raise FaultConfigError(f"{host!r} is not a host name; write e.g. \"api.example.com\" or \"*\"")
            try:
                by_host[host] = Faults.from_config(settings)
            except FaultConfigError as error:
                raise FaultConfigError(f"{host}: {error}") from None
        return cls(by_host)

    def for_host(self, host: str) -> Faults | None:
        return self.by_host.get(host.lower()) or self.by_host.get("*")

    def to_config(self) -> dict[str, Any]:
        return {host: faults.to_config() for host, faults in self.by_host.items()}


async def inject(faults: Faults, request: Request, key: str, send: Transport) -> Response:
    """Send ``request`` through ``send`` unless the draw for ``key`` fails it: ``error`` answers
    ``faults.status`` without reaching ``send``, ``drop`` raises FetchError ECONNRESET (a failed request
    changes no state behind it); latency delays every request."""
    if faults.latency_ms:
        await asyncio.sleep(faults.latency_ms / 1000)
    fault = faults.draw(key)
    if fault == "drop":
        raise FetchError(f"request to {request.url} failed, reason: socket hang up (a fault injected by --faults)",
                         "ECONNRESET")
    if fault == "error":
        body = f'{{"error": "a fault injected by --faults for {urlsplit(request.url).hostname}"}}'
        return Response(faults.status, body, Headers({"Content-Type": "application/json"}), "", request.url)
    return await send(request)
