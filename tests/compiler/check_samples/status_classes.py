"""A CRM destination in the style of Segment's template: 2xx done, 429 and 5xx retried (honouring
Retry-After), 401/403 a settings problem, other 4xx rejected with the API's own error text, which may
or may not be JSON; a network failure is retried."""

import json

from segfn.runtime import FetchError, RetryError, Setting, ValidationError, fetch

KIND = "destination"
NAME = "Status classes"
SETTINGS = [Setting("apiKey", label="API key", type="string", required=True, sensitive=True)]


def reason(text):
    try:
        body = json.loads(text)
    except ValueError:
        return text[:80] or "no body"
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return body["message"]
    return "unexplained"


async def on_identify(event, settings):
    try:
        res = await fetch("https://crm.example.com/v1/contacts", method="PUT",
                          headers={"Authorization": f"Bearer {settings['apiKey']}"},
                          json={"id": event.get("userId"), "traits": event.get("traits") or {}})
    except FetchError as failure:
        raise RetryError(f"network failure: {failure}")
    if res.status == 429:
        wait = res.headers.get("Retry-After")
        raise RetryError(f"rate limited, retry after {wait} s")
    if res.status >= 500:
        raise RetryError(f"server error {res.status}")
    text = await res.text()
    if res.status in (401, 403):
        raise ValidationError(f"check the API key: {reason(text)}")
    if res.status >= 400:
        raise ValidationError(f"rejected ({res.status}): {reason(text)}")
    if res.status == 204 or text == "":
        return {"created": False}
    body = json.loads(text)
    return {"created": res.status == 201, "id": body.get("id") if isinstance(body, dict) else None}
