"""SendGrid: identify calls as marketing contacts (PUT /v3/marketing/contacts)."""

from typing import Any, Optional

from segfn.runtime import EventNotSupported, RetryError, Setting, ValidationError, fetch

KIND = "destination"
NAME = "SendGrid Contacts"
SETTINGS = [Setting("apiKey", label="API key", required=True, sensitive=True),
            Setting("listIds", label="List IDs", type="array")]

FIELDS = {"street": "address_line_1", "city": "city", "postalCode": "postal_code",
          "state": "state_province_region", "country": "country", "email": "email",
          "firstName": "first_name", "lastName": "last_name"}


def contact(traits: dict[str, Any]) -> dict[str, Any]:
    address = traits.get("address") if isinstance(traits.get("address"), dict) else {}
    merged = {**address, **traits}
    out = {column: merged[key] for key, column in FIELDS.items() if merged.get(key) not in (None, "")}
    if "email" not in out:
        raise ValidationError("SendGrid contacts need an email")
    out["email"] = str(out["email"]).strip().lower()
    return out


def first_error(answer: Any) -> Optional[str]:
    errors = answer.get("errors") if isinstance(answer, dict) else None
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return errors[0].get("message")
    return None


async def on_track(event, settings):
    raise EventNotSupported("The track method is not supported.")


async def on_identify(event, settings):
    body: dict[str, Any] = {"contacts": [contact(event.get("traits") or {})]}
    if settings.get("listIds"):
        body["list_ids"] = list(settings["listIds"])
    res = await fetch("https://api.sendgrid.com/v3/marketing/contacts", method="PUT",
                      headers={"Authorization": f"Bearer {settings['apiKey']}"}, json=body)
    if res.status == 429 or res.status >= 500:
        raise RetryError(f"SendGrid answered {res.status}")
    answer = await res.json()
    if (message := first_error(answer)) is not None:
        raise ValidationError(message)
    return answer.get("job_id")
