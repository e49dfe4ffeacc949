"""Pipedrive: identify calls as persons."""

from segfn.runtime import EventNotSupported, RetryError, Setting, ValidationError, fetch

KIND = "destination"
NAME = "Pipedrive Persons"
SETTINGS = [Setting("apiKey", label="API token", required=True, sensitive=True),
            Setting("companyDomain", label="Company domain", required=True)]


async def on_track(event, settings):
    raise EventNotSupported("The track method is not supported.")


async def on_identify(event, settings):
    domain = (settings.get("companyDomain") or "").strip()
    if not domain:
        raise EventNotSupported("companyDomain is required before sending events to Pipedrive")
    traits = event.get("traits") or {}
    emails = [e for e in (traits.get("email"), event.get("email")) if e]
    person = {"name": traits.get("name") or " ".join(filter(None, [traits.get("firstName"), traits.get("lastName")])),
              "email": emails[:1], "id": traits.get("id", event.get("userId"))}
    if not person["name"]:
        raise ValidationError("a Pipedrive person needs a name")
    res = await fetch(f"https://{domain}.pipedrive.com/v1/persons?api_token={settings['apiKey']}",
                      method="POST", json=person)
    if res.status >= 500:
        raise RetryError(f"Pipedrive answered {res.status}")
    answer = await res.json()
    if not answer.get("success"):
        raise ValidationError(answer.get("error") or "Pipedrive refused the person")
    return answer.get("data", {}).get("id")
