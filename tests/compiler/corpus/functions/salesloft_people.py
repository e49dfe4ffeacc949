"""SalesLoft: identify calls as people (a name split into first and last, email renamed)."""

from segfn.runtime import EventNotSupported, RetryError, Setting, fetch

KIND = "destination"
NAME = "SalesLoft People"
SETTINGS = [Setting("apiKey", label="API key", required=True, sensitive=True)]


def person(traits: dict) -> dict:
    out = dict(traits)
    name = out.get("name")
    if not out.get("first_name") and not out.get("last_name") and isinstance(name, str) and " " in name.strip():
        first, _, last = name.strip().partition(" ")
        out["first_name"], out["last_name"] = first, last.strip()
        del out["name"]
    if out.get("email"):
        out["email_address"] = out.pop("email")
    if not out.get("email_address") and not (out.get("last_name") and out.get("phone")):
        raise EventNotSupported("must be created with a valid email address or partial name and phone number")
    return out


async def on_identify(event, settings):
    res = await fetch("https://api.salesloft.com/v2/people.json", method="POST",
                      headers={"Authorization": "Bearer " + settings["apiKey"]},
                      json=person(event.get("traits") or {}))
    if res.status >= 500:
        raise RetryError(f"SalesLoft answered {res.status}")
    body = await res.json()
    return body.get("data", {}).get("id") if isinstance(body.get("data"), dict) else None
