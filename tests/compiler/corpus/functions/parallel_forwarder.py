"""A data engineer's batch forwarder: each event of a batch goes to the team's collector, a few at a
time with asyncio.gather, and every delivery is logged as it starts and ends (Segment's function logs
are where the team looks first when a delivery fails)."""

import asyncio
import logging

from segfn.runtime import FetchError, RetryError, Setting, fetch

KIND = "destination"
NAME = "Parallel Forwarder"
SETTINGS = [Setting("collectorUrl", label="Collector URL", required=True),
            Setting("token", label="Collector token", required=True, sensitive=True),
            Setting("concurrency", label="Requests at a time (1-10)")]

log = logging.getLogger(__name__)


async def deliver(event: dict, url: str, token: str) -> int:
    ident = event.get("messageId") or "?"
    log.warning("delivering %s (%s)", ident, event.get("type"))
    try:
        res = await fetch(url, method="POST", json=event, headers={"Authorization": f"Bearer {token}"})
    except FetchError as error:
        log.error("delivery of %s failed: %s", ident, error)
        return 0
    if res.status == 429 or res.status >= 500:
        log.error("collector answered %d for %s", res.status, ident)
        return res.status
    text = await res.text()
    log.warning("delivered %s: %d %s", ident, res.status, text[:40])
    return res.status


def concurrency(settings) -> int:
    try:
        return max(1, min(10, int(settings.get("concurrency") or 3)))
    except ValueError:
        return 3


async def on_batch(events, settings):
    size = concurrency(settings)
    statuses = []
    for start in range(0, len(events), size):
        part = events[start:start + size]
        statuses += await asyncio.gather(*[deliver(e, settings["collectorUrl"], settings["token"]) for e in part])
    failed = [s for s in statuses if s == 0 or s == 429 or s >= 500]
    if failed and len(failed) == len(statuses):
        raise RetryError(f"all {len(failed)} deliveries failed")
    return {"delivered": len(statuses) - len(failed), "failed": len(failed)}


async def on_track(event, settings):
    return await on_batch([event], settings)

on_identify = on_page = on_screen = on_track
