"""Hypothesis strategies for Segment messages of every type, as a differential check needs them:
nested properties and traits, unicode, numbers of every size, nulls, and fields that are missing or of
the wrong type. Everything generated is JSON (what Segment delivers to a function)."""

from __future__ import annotations

import datetime

from hypothesis import strategies as st

MISSING = object()
TYPES = ["identify", "track", "page", "screen", "group", "alias", "delete"]
COMMON_KEYS = ["email", "name", "firstName", "lastName", "plan", "revenue", "price", "value", "currency", "url",
               "path", "title", "referrer", "search", "userAgent", "createdAt", "company", "id", "phone", "age",
               "country", "city", "locale", "ip", "source", "category", "label", "products", "quantity", "sku",
               "timestamp", "userId", "anonymousId", "", "0", "10", "__proto__", "constructor", "toString"]
EVENTS = ["Survey Shown", "Order Completed", "Signed Up", "Page Viewed", "Product Added", "", "ünïcödé 😀"]
AGENTS = ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Safari/605.1.15",
          "Googlebot/2.1 (+http://www.google.com/bot.html)", "curl/8.4.0", "python-requests/2.31",
          "Mozilla/5.0 (compatible; bingbot/2.0)", "HeadlessChrome/120.0", ""]

text = st.text(max_size=16)
numbers = st.one_of(st.integers(-1000, 1000), st.integers(-(2 ** 53), 2 ** 53),
                    st.floats(allow_nan=False, allow_infinity=False), st.sampled_from([0, -1, 0.5, 1e-7, 1e21, 2.675]))
leaf = st.one_of(st.none(), st.booleans(), numbers, text, st.sampled_from(["", " ", "a@b.co", "2024-03-05T10:20:30Z"]))
keys = st.one_of(st.sampled_from(COMMON_KEYS), st.text(max_size=8))
json_value = st.recursive(leaf, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
                          max_leaves=10)
props = st.dictionaries(keys, json_value, max_size=6)


@st.composite
def iso_timestamps(draw):
    moment = draw(st.datetimes(min_value=datetime.datetime(1971, 1, 1), max_value=datetime.datetime(2099, 12, 31)))
    style = draw(st.sampled_from(["Z", "ms", "offset", "naive", "date", "garbage"]))
    if style == "Z":
        return moment.strftime("%Y-%m-%dT%H:%M:%S") + "Z"
    if style == "ms":
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    if style == "offset":
        return moment.isoformat() + draw(st.sampled_from(["+00:00", "+05:30", "-08:00"]))
    if style == "naive":
        return moment.isoformat()
    if style == "date":
        return moment.date().isoformat()
    return draw(text)


def maybe(strategy, *, missing: bool = True, wrong: bool = True):
    options = [strategy, strategy, strategy, st.none()]
    if missing:
        options.append(st.just(MISSING))
    if wrong:
        options.append(json_value)
    return st.one_of(*options)


def _assemble(parts: dict) -> dict:
    return {k: v for k, v in parts.items() if v is not MISSING}


@st.composite
def contexts(draw):
    return _assemble({
        "ip": draw(maybe(st.sampled_from(["8.8.8.8", "::1", "10.0.0.1"]))),
        "userAgent": draw(maybe(st.sampled_from(AGENTS) | text)),
        "locale": draw(maybe(st.sampled_from(["en-US", "fr-FR", ""]))),
        "page": draw(maybe(st.fixed_dictionaries({}, optional={"url": text, "path": text, "title": text,
                                                                "referrer": text}))),
        "traits": draw(maybe(props)),
        "library": draw(maybe(st.fixed_dictionaries({"name": text, "version": text}))),
    })


@st.composite
def messages(draw, types=None):
    """One Segment message (of a type in ``types``, default all), possibly malformed."""
    kind = draw(st.sampled_from(types or TYPES))
    parts = {
        "type": kind,
        "messageId": draw(maybe(text, wrong=False)),
        "userId": draw(maybe(st.one_of(text, st.sampled_from(["user-1", "42"])))),
        "anonymousId": draw(maybe(text)),
        "timestamp": draw(maybe(iso_timestamps())),
        "sentAt": draw(maybe(iso_timestamps(), wrong=False)),
        "receivedAt": draw(maybe(iso_timestamps(), wrong=False)),
        "context": draw(maybe(contexts())),
        "integrations": draw(maybe(st.dictionaries(st.sampled_from(["All", "Sprig"]), st.booleans()), wrong=False)),
    }
    if kind == "track":
        parts["event"] = draw(maybe(st.sampled_from(EVENTS) | text))
        parts["properties"] = draw(maybe(props))
    elif kind in ("identify", "group"):
        parts["traits"] = draw(maybe(props))
        if kind == "group":
            parts["groupId"] = draw(maybe(text))
    elif kind in ("page", "screen"):
        parts["name"] = draw(maybe(text))
        parts["properties"] = draw(maybe(props))
        if kind == "page":
            parts["category"] = draw(maybe(text))
    elif kind == "alias":
        parts["previousId"] = draw(maybe(text))
    return _assemble(parts)


def batches(max_size: int = 4):
    return st.lists(messages(), min_size=1, max_size=max_size)
