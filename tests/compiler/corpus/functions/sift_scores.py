"""Sift: account and login events, scores written back to Segment as traits."""

import base64

from segfn.runtime import InvalidEventPayload, RetryError, Setting, fetch

KIND = "destination"
NAME = "Sift Scores"
SETTINGS = [Setting("apiKey", label="Sift API key", required=True, sensitive=True),
            Setting("writeKey", label="Segment write key", required=True, sensitive=True)]

ENDPOINT = "https://api.sift.com/v205/events"
EVENT_TYPES = {"Signed Up": "$create_account", "Signed In": "$login"}


def browser(event):
    return {"$user_agent": (event.get("context") or {}).get("userAgent", "")}


def fields_for_track(event, settings):
    props = event.get("properties") or {}
    kind = EVENT_TYPES.get(event.get("event"))
    if kind is None:
        return None
    fields = {"$type": kind, "$user_id": event.get("userId"), "$ip": (event.get("context") or {}).get("ip"),
              "$browser": browser(event), "$api_key": settings["apiKey"]}
    if kind == "$create_account":
        fields.update({"$name": props.get("name"), "$user_email": props.get("email"), "$phone": props.get("phone")})
    else:
        fields.update({"$login_status": "$success", "$username": props.get("username")})
    return fields


async def write_back(user_id, traits, settings):
    token = base64.b64encode(f"{settings['writeKey']}:".encode()).decode()
    res = await fetch("https://api.segment.io/v1/identify", method="POST",
                      headers={"Authorization": f"Basic {token}"},
                      json={"userId": user_id, "traits": traits})
    return await res.json()


async def call_sift(fields, settings):
    res = await fetch(f"{ENDPOINT}?return_score=true", method="POST", json=fields)
    if res.status >= 500:
        raise RetryError(f"Sift answered {res.status}")
    answer = await res.json()
    if answer.get("status", -1) != 0:
        raise InvalidEventPayload(answer.get("error_message") or f"Sift status {answer.get('status')}")
    scores = answer.get("score_response", {}).get("scores", {})
    traits = {f"{name.replace('_a', 'A')}Score": round(value.get("score", 0), 3)
              for name, value in scores.items() if isinstance(value, dict)}
    if not traits:
        return answer
    return await write_back(fields["$user_id"], traits, settings)


async def on_track(event, settings):
    fields = fields_for_track(event, settings)
    if fields is None:
        return None
    return await call_sift(fields, settings)


async def on_identify(event, settings):
    if not event.get("userId"):
        return None
    traits = event.get("traits") or {}
    fields = {"$type": "$update_account", "$user_id": event["userId"], "$name": traits.get("name"),
              "$user_email": traits.get("email"), "$phone": traits.get("phone"),
              "$ip": (event.get("context") or {}).get("ip"), "$browser": browser(event),
              "$api_key": settings["apiKey"]}
    return await call_sift(fields, settings)
