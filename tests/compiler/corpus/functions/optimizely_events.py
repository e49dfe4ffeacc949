"""Optimizely: conversions from track calls, resolved against the project's datafile."""

from datetime import datetime, timezone

from segfn.runtime import EventNotSupported, RetryError, Setting, fetch

KIND = "destination"
NAME = "Optimizely Events"
SETTINGS = [Setting("sdkKey", label="SDK key", required=True),
            Setting("sendKnownId", label="Send userId", type="boolean"),
            Setting("sendAnonId", label="Send anonymousId", type="boolean")]


def event_ids(datafile: dict) -> dict[str, str]:
    return {e["key"]: e["id"] for e in datafile.get("events", []) if "key" in e and "id" in e}


def tags(properties: dict) -> tuple[dict, dict]:
    extra, out = {}, {}
    for key, value in properties.items():
        if value is None:
            continue
        if key == "revenue":
            extra["revenue"] = round(float(value) * 100)
        elif key == "value":
            extra["value"] = value
        out[key] = value
    return extra, out


def epoch_millis(timestamp: str) -> int:
    moment = datetime.fromisoformat(timestamp)
    return int(moment.replace(tzinfo=moment.tzinfo or timezone.utc).timestamp() * 1000)


def visitor(visitor_id, event, entity_id, datafile) -> dict:
    extra, event_tags = tags(event.get("properties") or {})
    attributes = []
    if isinstance(datafile.get("botFiltering"), bool):
        attributes.append({"entity_id": "$opt_bot_filtering", "key": "$opt_bot_filtering", "type": "custom",
                           "value": datafile["botFiltering"]})
    conversion = {"key": event["event"], "entity_id": entity_id, "uuid": event.get("messageId"),
                  "timestamp": epoch_millis(event["timestamp"]),
                  "tags": event_tags, **extra}
    return {"visitor_id": visitor_id, "attributes": attributes,
            "snapshots": [{"decisions": [], "events": [conversion]}]}


async def on_track(event, settings):
    res = await fetch(f"https://cdn.optimizely.com/datafiles/{settings['sdkKey']}.json")
    if res.status >= 500:
        raise RetryError(f"datafile answered {res.status}")
    datafile = await res.json()
    entity_id = event_ids(datafile).get(event.get("event"))
    if entity_id is None:
        raise EventNotSupported(f"{event.get('event')!r} is not in the datafile")
    visitors = []
    if settings.get("sendKnownId") and event.get("userId"):
        visitors.append(visitor(event["userId"], event, entity_id, datafile))
    if settings.get("sendAnonId") and event.get("anonymousId"):
        visitors.append(visitor(event["anonymousId"], event, entity_id, datafile))
    payload = {"revision": datafile.get("revision"), "account_id": datafile.get("accountId"),
               "visitors": visitors, "anonymize_ip": datafile.get("anonymizeIP", True),
               "client_name": "segfn/optimizely", "client_version": "1.0.0", "enrich_decisions": True,
               "project_id": datafile.get("projectId")}
    sent = await fetch("https://logx.optimizely.com/v1/events", method="POST", json=payload)
    return await sent.text()
