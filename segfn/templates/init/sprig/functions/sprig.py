"""Sprig destination function: Segment messages onto Sprig's public API (v2).

Every call upserts one user with ``POST {baseUrl}/v2/users`` (Sprig takes one user per request):

- identify: ``{userId, attributes, emailAddress?}``; traits flattened into dot-joined names, the way
  Sprig's own Segment action does it (Engage audience booleans are ordinary traits, so they arrive
  as boolean attributes);
- track: ``{userId, events: [{event, timestamp}]}``, timestamp in epoch milliseconds;
- screen: an event named by the screen's ``name``; page: events named by Segment's classic page
  conventions (the ``track*Pages`` settings);
- alias: ``{userId}`` (Sprig has no merge: this only makes sure the user exists);
- delete: ``POST {baseUrl}/v2/purge/visitors`` with ``{userIds: [userId]}``;
- group: not supported (Sprig has no groups).

Sprig keys users by ``userId``: a message with only an ``anonymousId`` is rejected.
See docs/semantics.md, "Sprig", for what happens to attributes Sprig cannot take.
"""

import json
import re
from datetime import datetime

from segfn.runtime import EventNotSupported, FetchError, RetryError, Setting, ValidationError, fetch

KIND = "destination"
NAME = "Sprig"
DESCRIPTION = "Sends Segment identify, track, page, screen, alias and delete calls to Sprig's v2 API."
SETTINGS = [
    Setting("apiKey", label="API Key", type="string", required=True, sensitive=True,
            description="Sprig API key (Sprig: Integrations > Sprig API). It chooses the environment."),
    Setting("authScheme", label="Authorization scheme", type="string",
            description="API-Key (Sprig's documented scheme, the default) or Bearer (what Sprig's own "
                        "Segment action sends)."),
    Setting("baseUrl", label="Base URL", type="string",
            description="Sprig API base URL; default https://api.sprig.com."),
    Setting("trackAllPages", label="Track all pages", type="boolean",
            description="Send every page call as a 'Loaded a Page' event (default off)."),
    Setting("trackNamedPages", label="Track named pages", type="boolean",
            description="Send page calls that have a name as 'Viewed {category} {name} Page', or "
                        "'Viewed {name} Page' without a category (default on)."),
    Setting("trackCategorizedPages", label="Track categorized pages", type="boolean",
            description="Send page calls that have a category as 'Viewed {category} Page' (default off)."),
]

DEFAULT_BASE_URL = "https://api.sprig.com"
MAX_LENGTH = 255  # Sprig's limit on names, values, event names and user ids
EMAIL_PATTERN = r"[^@\s]+@[^@\s]+"  # one @ between non-blank parts: the shape Sprig's schema checks


# -- building requests -----------------------------------------------------------------------


def user_id_of(event):
    """The Sprig user id: Segment's ``userId`` as a string; anonymous messages cannot be keyed."""
    user_id = event.get("userId")
    if user_id is None or user_id == "":
        raise ValidationError("Sprig keys users by userId, and this message has none "
                              "(anonymousId alone cannot be sent)")
    user_id = str(user_id)
    if len(user_id) > MAX_LENGTH:
        raise ValidationError(f"userId is {len(user_id)} characters long; Sprig takes at most {MAX_LENGTH}")
    return user_id


def flatten(value, prefix, out):
    """Nested objects become dot-joined names (``company.address.city``); other values stay."""
    for key, inner in value.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(inner, dict):
            flatten(inner, name, out)
        else:
            out[name] = inner
    return out


def is_scalar(value):
    return isinstance(value, (str, int, float, bool))


def attribute_value(value):
    """What Sprig gets for one flattened value, or None to leave the attribute out.

    Strings, numbers, booleans and null pass (null as Sprig's own action sends it); strings longer
    than 255 characters are cut to 255; arrays of strings, numbers and booleans pass as they are;
    anything else (arrays holding objects, arrays or nulls) cannot be a Sprig attribute.
    """
    if value is None or isinstance(value, (bool, int, float)):
        return (True, value)
    if isinstance(value, str):
        return (True, value[:MAX_LENGTH])
    if isinstance(value, list) and all(is_scalar(item) for item in value):
        return (True, value)
    return (False, None)


def attributes_of(traits):
    """Flattened traits Sprig can hold; names Sprig reserves (``!...``) or cannot take are dropped."""
    out = {}
    dropped = []
    for name, value in flatten(traits, "", {}).items():
        keep, sent = attribute_value(value)
        if not keep or name == "" or name.startswith("!") or len(name) > MAX_LENGTH:
            dropped.append(name[:60])
            continue
        out[name] = sent
    if dropped:
        print(f"sprig: left out {len(dropped)} attribute(s) Sprig cannot take: {', '.join(dropped)}")
    return out


def email_address(value):
    """``traits.email`` as Sprig's ``emailAddress``, or None when it is not one Sprig would take.

    Surrounding whitespace (a form's trailing space) is trimmed; what is left must be one ``@``
    between non-blank parts and at most 255 characters. Anything else stays an ordinary attribute
    only: sending it would make Sprig refuse the whole identify (422).
    """
    if not isinstance(value, str):
        return None
    email = value.strip()
    if len(email) > MAX_LENGTH or re.fullmatch(EMAIL_PATTERN, email) is None:
        return None
    return email


def epoch_ms(stamp):
    """An ISO-8601 timestamp as epoch milliseconds, or None when it is not one."""
    if not isinstance(stamp, str) or stamp == "":
        return None
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    # Whole seconds and milliseconds apart: ``timestamp() * 1000`` is a float product that lands one
    # millisecond low for some instants (e.g. 2038-12-27T09:14:45.101Z).
    seconds = round(moment.timestamp() - moment.microsecond / 1000000)
    return seconds * 1000 + moment.microsecond // 1000


def timestamp_of(event):
    """``timestamp``, else ``originalTimestamp``, else ``receivedAt`` (the first that parses)."""
    for key in ("timestamp", "originalTimestamp", "receivedAt"):
        value = epoch_ms(event.get(key))
        if value is not None:
            return value
    raise ValidationError("the message has no usable timestamp (timestamp, originalTimestamp or receivedAt)")


def sprig_event(name, event):
    if not isinstance(name, str) or name.strip() == "":
        raise ValidationError(f"a {event.get('type')} call needs a name to become a Sprig event")
    if len(name) > MAX_LENGTH:
        raise ValidationError(f"event name is {len(name)} characters long; Sprig takes at most {MAX_LENGTH}")
    return {"event": name, "timestamp": timestamp_of(event)}


def page_event_names(event, settings):
    """Segment's classic page conventions (its integration framework's ``mapToTrack``): "Loaded a
    Page", "Viewed {category} {name} Page" (or "Viewed {name} Page" without a category) and
    "Viewed {category} Page"."""
    properties = event.get("properties") or {}
    name = event.get("name") or properties.get("name")
    category = event.get("category") or properties.get("category")
    if not isinstance(category, str):
        category = ""
    names = []
    if settings.get("trackAllPages"):
        names.append("Loaded a Page")
    if settings.get("trackNamedPages", True) and isinstance(name, str) and name:
        full_name = f"{category} {name}" if category else name  # analytics.js's page.fullName()
        names.append(f"Viewed {full_name} Page")
    if settings.get("trackCategorizedPages") and category:
        names.append(f"Viewed {category} Page")
    return names


# -- talking to Sprig ------------------------------------------------------------------------


def base_url(settings):
    return (settings.get("baseUrl") or DEFAULT_BASE_URL).rstrip("/")


def headers_for(settings):
    scheme = settings.get("authScheme") or "API-Key"
    if scheme not in ("API-Key", "Bearer"):
        raise ValidationError(f"authScheme must be API-Key or Bearer, not {scheme}")
    return {"Authorization": f"{scheme} {settings['apiKey']}", "Content-Type": "application/json"}


async def error_text(res):
    """Sprig's own words for a refusal: its ``{"error": ...}`` body, else the raw text. The body is
    read once (node-fetch refuses a second read) and parsed here."""
    text = await res.text()
    if text.startswith("{"):
        try:
            body = json.loads(text)
        except ValueError:
            return text
        if isinstance(body, dict) and isinstance(body.get("error"), str):
            return body["error"]
    return text


async def post(path, body, settings):
    """Send one request; 5xx, 429 and network failures retry, other 4xx reject the message."""
    url = base_url(settings) + path
    try:
        res = await fetch(url, method="POST", headers=headers_for(settings), json=body)
    except FetchError as failure:
        raise RetryError(f"Sprig could not be reached: {failure}")
    if res.status >= 500 or res.status == 429:
        raise RetryError(f"Sprig answered {res.status}: {await error_text(res)}")
    if res.status >= 400:
        raise ValidationError(f"Sprig refused the request ({res.status}): {await error_text(res)}")
    return {"status": res.status}


# -- handlers --------------------------------------------------------------------------------


async def on_identify(event, settings):
    traits = event.get("traits") or {}
    if not isinstance(traits, dict):
        raise ValidationError("traits must be an object")
    body = {"userId": user_id_of(event), "attributes": attributes_of(traits)}
    email = email_address(traits.get("email"))
    if email is not None:
        body["emailAddress"] = email
    return await post("/v2/users", body, settings)


async def on_track(event, settings):
    body = {"userId": user_id_of(event), "events": [sprig_event(event.get("event"), event)]}
    return await post("/v2/users", body, settings)


async def on_screen(event, settings):
    body = {"userId": user_id_of(event), "events": [sprig_event(event.get("name"), event)]}
    return await post("/v2/users", body, settings)


async def on_page(event, settings):
    names = page_event_names(event, settings)
    if not names:
        raise EventNotSupported("this page call matches none of trackAllPages, trackNamedPages "
                                "and trackCategorizedPages")
    user_id = user_id_of(event)
    body = {"userId": user_id, "events": [sprig_event(name, event) for name in names]}
    return await post("/v2/users", body, settings)


async def on_alias(event, settings):
    return await post("/v2/users", {"userId": user_id_of(event)}, settings)


async def on_group(event, settings):
    raise EventNotSupported("Sprig has no groups: group calls are not sent")


async def on_delete(event, settings):
    return await post("/v2/purge/visitors", {"userIds": [user_id_of(event)]}, settings)


HANDLERS = {"identify": on_identify, "track": on_track, "screen": on_screen, "page": on_page,
            "alias": on_alias, "group": on_group, "delete": on_delete}


def result_of(failure):
    """Segment's per-event batch result for a failure: 5xx retries it, 4xx does not."""
    if isinstance(failure, RetryError):
        return {"status": 500, "errormessage": str(failure)}
    if isinstance(failure, EventNotSupported):
        return {"status": 400, "errormessage": f"Unsupported Event Type: {failure}"}
    return {"status": 400, "errormessage": str(failure)}


async def on_batch(events, settings):
    """Track and screen events of one user go in one request with several events; every other
    event is sent alone. Returns one ``{status, errormessage?}`` per event, in input order."""
    results = [None] * len(events)
    grouped = {}
    order = []
    for index, event in enumerate(events):
        kind = event.get("type")
        if kind not in ("track", "screen"):
            continue
        try:
            name = event.get("event") if kind == "track" else event.get("name")
            entry = sprig_event(name, event)
            user_id = user_id_of(event)
        except ValidationError as failure:
            results[index] = result_of(failure)
            continue
        if user_id not in grouped:
            grouped[user_id] = []
            order.append(user_id)
        grouped[user_id].append((index, entry))
    for user_id in order:
        members = grouped[user_id]
        try:
            answer = await post("/v2/users", {"userId": user_id, "events": [e for _, e in members]}, settings)
            outcome = {"status": answer["status"]}
        except (RetryError, ValidationError) as failure:
            outcome = result_of(failure)
        for index, _ in members:
            results[index] = outcome
    for index, event in enumerate(events):
        if results[index] is not None:
            continue
        handler = HANDLERS.get(event.get("type"))
        try:
            if handler is None:
                raise EventNotSupported(f"{event.get('type')} calls are not sent to Sprig")
            answer = await handler(event, settings)
            results[index] = {"status": answer["status"]}
        except (RetryError, ValidationError, EventNotSupported) as failure:
            results[index] = result_of(failure)
    return results
