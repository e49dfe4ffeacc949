"""Zendesk: a high-priority internal ticket when an application is submitted."""

from segfn.runtime import RetryError, Setting, ValidationError, fetch

KIND = "destination"
NAME = "Zendesk Tickets"
SETTINGS = [Setting("subdomain", label="Zendesk subdomain", required=True),
            Setting("credentials", label="Base64 of email/token:api_token", required=True, sensitive=True),
            Setting("tags", label="Extra tags", type="array")]


def ticket(event: dict, extra_tags: list) -> dict:
    props = event.get("properties") or {}
    body = (f"Type: {props.get('component_type', 'unknown')}\n"
            f"App ID: {props.get('app_name', '')}\n"
            f"UserID: {event.get('userId')}\n"
            "Review the submitted application.")
    tags = ["application-support", *[str(t).lower().replace(" ", "_") for t in extra_tags or []]]
    return {"ticket": {"subject": f"Application Review: {props.get('display_name', 'unnamed')}",
                       "comment": {"body": body, "public": False},
                       "priority": "high", "tags": sorted(set(tags))}}


async def on_track(event, settings):
    if event.get("event") != "Application Submitted":
        return None
    res = await fetch(f"https://{settings['subdomain']}.zendesk.com/api/v2/tickets.json", method="POST",
                      headers={"Authorization": f"Basic {settings['credentials']}"},
                      json=ticket(event, settings.get("tags") or []))
    if res.status == 422:
        details = (await res.json()).get("details", {})
        raise ValidationError(", ".join(f"{k}: {len(v)} problem(s)" for k, v in sorted(details.items())))
    if res.status >= 500 or res.status == 429:
        raise RetryError(f"Zendesk answered {res.status}")
    created = await res.json()
    return created.get("ticket", {}).get("id")
