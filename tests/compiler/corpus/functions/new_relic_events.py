"""New Relic: track calls as custom events (Insights insert API), retried on 5xx and 429."""

from segfn.runtime import FetchError, RetryError, Setting, fetch

KIND = "destination"
NAME = "New Relic Events"
SETTINGS = [Setting("accountId", label="Account ID", required=True),
            Setting("insertKey", label="Insert key", required=True, sensitive=True),
            Setting("useEuRegionEndpoint", label="EU region", type="boolean")]


def endpoint(settings: dict) -> str:
    host = "insights-collector.eu01.nr-data.net" if settings.get("useEuRegionEndpoint") else \
        "insights-collector.newrelic.com"
    return f"https://{host}/v1/accounts/{settings['accountId']}/events"


def flat(properties: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in properties.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flat(value, name + "."))
        elif isinstance(value, (str, int, float, bool)):
            out[name] = value
    return out


async def on_track(event, settings):
    payload = {"event": event.get("event"), "eventType": "Segment", **flat(event.get("properties") or {})}
    try:
        res = await fetch(endpoint(settings), method="POST", headers={"X-Insert-Key": settings["insertKey"]},
                          json=payload)
    except FetchError as error:
        raise RetryError(str(error)) from error
    if res.status >= 500 or res.status == 429:
        raise RetryError(f"Failed with {res.status}")
    return None
