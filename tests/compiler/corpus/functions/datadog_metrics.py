"""Datadog: one count metric per message, tagged with its source, type and event."""

from datetime import datetime, timezone
from typing import Any

from segfn.runtime import RetryError, Setting, ValidationError, fetch

KIND = "destination"
NAME = "Datadog Metrics"
SETTINGS = [Setting("apiKey", label="API Key", required=True, sensitive=True),
            Setting("site", label="Site", description="datadoghq.com or datadoghq.eu")]


def epoch_seconds(timestamp: Any) -> int:
    if not isinstance(timestamp, str):
        raise ValidationError("timestamp is required")
    moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp())


def tags_of(msg: dict) -> list[str]:
    tags = [f"source:{msg.get('projectId', 'unknown')}", f"type:{msg['type']}"]
    if msg["type"] == "track":
        tags.append(f"event:{msg.get('event')}")
    library = (msg.get("context") or {}).get("library") or {}
    if library.get("name"):
        tags.append(f"library:{library['name']}")
    return tags


async def send_metric(msg, settings):
    series = [{"metric": "segment.messages", "points": [[epoch_seconds(msg.get("timestamp")), 1]],
               "type": "count", "tags": tags_of(msg)}]
    site = settings.get("site") or "datadoghq.com"
    res = await fetch(f"https://api.{site}/api/v1/series?api_key={settings['apiKey']}",
                      method="POST", json={"series": series})
    if res.status == 429 or res.status >= 500:
        raise RetryError(f"Datadog answered {res.status}")
    body = await res.json()
    if body.get("errors"):
        raise ValidationError("; ".join(body["errors"]))
    return body


on_track = on_identify = on_group = on_page = on_screen = on_alias = send_metric
