"""A Sprig-like destination: maps Segment identify/track/page to Sprig's API (a realistic sample the
compiler must handle before the real functions/sprig.py lands)."""


from segfn.runtime import RetryError, Setting, ValidationError, fetch
from functions.sample_helpers import MappingError, flatten, to_epoch_ms

KIND = "destination"
NAME = "Sprig-like sample"
SETTINGS = [
    Setting("apiKey", label="API Key", type="string", required=True, sensitive=True),
    Setting("environment", label="Environment", type="string", description="production or development"),
    Setting("sendPageViews", label="Send page views", type="boolean"),
]
BASE = "https://api.sprig.com/v2"
RESERVED = {"email": "!email", "userId": "!userId"}
MAX_ATTRIBUTES = 100


def headers(settings):
    return {"Authorization": f"API-Key {settings['apiKey']}", "Content-Type": "application/json",
            "X-Environment": settings.get("environment") or "production"}


def user_id(event):
    uid = event.get("userId")
    if uid is None or uid == "":
        anon = event.get("anonymousId")
        if not anon:
            raise ValidationError("Sprig needs a userId or an anonymousId")
        return None, str(anon)
    return str(uid), None


def attributes(traits):
    out = {}
    for key, value in flatten(traits or {}).items():
        if key in RESERVED:
            key = RESERVED[key]
        if isinstance(value, bool) or value is None:
            out[key] = value
        elif isinstance(value, (int, float)):
            out[key] = round(value, 4) if isinstance(value, float) else value
        elif isinstance(value, str):
            out[key] = value.strip()[:255]
        else:
            out[key] = str(value)
        if len(out) >= MAX_ATTRIBUTES:
            break
    return out


async def send(path, body, settings):
    try:
        res = await fetch(BASE + path, method="POST", headers=headers(settings), json=body)
    except Exception as exc:
        raise RetryError(f"network error: {exc}")
    if res.status >= 500 or res.status == 429:
        raise RetryError(f"Sprig answered {res.status}")
    if res.status >= 400:
        raise ValidationError(f"Sprig rejected the request ({res.status})")
    return res.status


async def on_identify(event, settings):
    uid, anon = user_id(event)
    traits = event.get("traits") or (event.get("context") or {}).get("traits") or {}
    if not isinstance(traits, dict):
        raise ValidationError("traits must be an object")
    body = {"userId": uid, "anonymousId": anon, "attributes": attributes(traits)}
    email = traits.get("email")
    if isinstance(email, str) and "@" in email:
        body["emailAddress"] = email.lower()
    return await send("/users", body, settings)


async def on_track(event, settings):
    uid, anon = user_id(event)
    name = event.get("event")
    if not isinstance(name, str) or not name.strip():
        raise ValidationError("track needs an event name")
    props = event.get("properties") or {}
    try:
        ts = to_epoch_ms(event.get("timestamp"))
    except MappingError as e:
        ts = None
        print("bad timestamp", e.field, str(e))
    revenue = props.get("revenue") if isinstance(props, dict) else None
    details = {
        "event": name.strip(),
        "timestamp": ts,
        "properties": {k: v for k, v in sorted(flatten(props).items()) if not k.startswith("$")} if isinstance(props, dict) else {},
        "label": f"{name.strip()[:20]:<20}|{len(props) if isinstance(props, dict) else 0:03d}",
    }
    if isinstance(revenue, (int, float)) and not isinstance(revenue, bool):
        details["revenue"] = f"{revenue:,.2f}"
        details["bucket"] = "high" if revenue >= 100 else "low" if revenue > 0 else "none"
    tags = [t.lower() for t in props.get("tags", []) if isinstance(t, str)] if isinstance(props, dict) and isinstance(props.get("tags"), list) else []
    if tags:
        details["tags"] = ",".join(sorted(set(tags)))
    return await send("/users/events", {"userId": uid, "anonymousId": anon, "events": [details]}, settings)


async def on_page(event, settings):
    if not settings.get("sendPageViews"):
        return None
    page = (event.get("context") or {}).get("page") or {}
    props = event.get("properties") or {}
    url = props.get("url") if isinstance(props, dict) else None
    url = url or (page.get("url") if isinstance(page, dict) else None) or ""
    name = event.get("name") or "Page Viewed"
    return await on_track({**event, "type": "track", "event": f"Viewed {name}",
                           "properties": {"url": url, "path": url.split("?")[0] if isinstance(url, str) else url}},
                          settings)
