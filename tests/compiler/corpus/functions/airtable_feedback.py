"""Airtable: survey feedback as rows of a table."""

from urllib.parse import quote

from segfn.runtime import RetryError, Setting, fetch

KIND = "destination"
NAME = "Airtable Feedback"
SETTINGS = [Setting("appId", label="Base ID", required=True),
            Setting("apiKey", label="API key", required=True, sensitive=True),
            Setting("table", label="Table name")]

COLUMNS = {"additionalNotes": "Additional Notes", "name": "Name", "email": "Email",
           "recommendToAnother": "Recommend to another?", "usage": "Usage (# Weeks)"}


def features(value) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def row(props: dict) -> dict:
    fields = {column: props[key] for key, column in COLUMNS.items() if key in props}
    fields["Favorite Features"] = features(props.get("favoriteFeatures"))
    fields["Least Favorite Features"] = features(props.get("leastFavoriteFeatures"))
    return {"fields": fields}


async def on_track(event, settings):
    if event.get("event") != "Feedback Added":
        return None
    table = quote(settings.get("table") or "General User Survey")
    res = await fetch(f"https://api.airtable.com/v0/{settings['appId']}/{table}", method="POST",
                      headers={"Authorization": f"Bearer {settings['apiKey']}"},
                      json=row(event.get("properties") or {}))
    if res.status in (429, 503):
        raise RetryError(f"Airtable answered {res.status}")
    return await res.json()
