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


_MOMENTS = st.datetimes(min_value=datetime.datetime(1971, 1, 1), max_value=datetime.datetime(2099, 12, 31))
_STYLES = st.sampled_from(["Z", "ms", "offset", "naive", "date", "garbage"])
_OFFSETS = st.sampled_from(["+00:00", "+05:30", "-08:00"])


@st.composite
def iso_timestamps(draw):
    moment = draw(_MOMENTS)
    style = draw(_STYLES)
    if style == "Z":
        return moment.strftime("%Y-%m-%dT%H:%M:%S") + "Z"
    if style == "ms":
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    if style == "offset":
        return moment.isoformat() + draw(_OFFSETS)
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


# -- realistic messages: what Segment's libraries send -----------------------------------------

# (library name, version, platform) of every library Segment documents; the HTTP API sends none.
LIBRARIES = [
    ("analytics.js", "2.11.1", "web"), ("analytics-next", "1.70.0", "web"),
    ("analytics-ios", "4.1.8", "ios"), ("analytics-swift", "1.5.11", "ios"),
    ("analytics-android", "4.11.3", "android"), ("com.segment.analytics.kotlin.android", "1.16.3", "android"),
    ("analytics-react-native", "2.19.2", "ios"), ("analytics-node", "2.1.2", "server"),
    ("analytics-python", "2.3.2", "server"), ("analytics-go", "3.3.0", "server"),
    ("analytics-ruby", "2.4.3", "server"), (None, None, "server"),
]
PAGE_LIBRARIES = [lib for lib in LIBRARIES if lib[2] == "web"] * 3 + [lib for lib in LIBRARIES if lib[2] == "server"]
SCREEN_LIBRARIES = [lib for lib in LIBRARIES if lib[2] in ("ios", "android")] * 2 + [
    lib for lib in LIBRARIES if lib[2] == "server"]
BROWSER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
]
MOBILE_AGENTS = ["Dalvik/2.1.0 (Linux; U; Android 14; Pixel 8 Build/AP2A.240805.005)", "Acme/5.11 CFNetwork/1494 Darwin/23.4.0"]
TIMEZONES = ["America/New_York", "Europe/Berlin", "Asia/Kolkata", "UTC", "Australia/Lord_Howe"]
CURRENCIES = ["USD", "EUR", "JPY", "usd", ""]
WORDS = ["home", "pricing", "Checkout", "Ünïcödé", "日本語", "emoji 😀", "a,b", " padded ", "0", "10", "-3.5"]
BIG = [2 ** 53 + 1, -(2 ** 53) - 3, 2 ** 64, 12345678901234567890]


NUMERIC_STRINGS = st.one_of(st.integers(-10 ** 6, 10 ** 6).map(str),
                            st.floats(-1e6, 1e6, allow_nan=False).map(lambda f: f"{f:.2f}"),
                            st.sampled_from(["0", "00", "1e3", " 42", "4.20", "-0", "NaN", "12,50"]))
MONEY = st.one_of(st.integers(0, 10 ** 5), st.floats(0, 1e5, allow_nan=False).map(lambda f: round(f, 2)),
                  NUMERIC_STRINGS, st.sampled_from(BIG), st.none())


def realistic_messages(constants=(), keys=(), user_ids=("user-1", "42", 90210)):
    """A message as one of Segment's libraries sends it: the library's ``context``, e-commerce
    properties, numeric strings and numeric-string keys, unicode, integers past 2**53, nulls and
    missing fields; ``constants`` and ``keys`` (harvested from the module) fill values and names.
    (Every sub-strategy is built once, here: hypothesis validates each new strategy it meets.)"""
    strings = sorted({c for c in constants if isinstance(c, str)})
    plain = [st.sampled_from(WORDS), text]
    words = st.one_of(*plain, *([st.sampled_from(strings)] * 2 if strings else []))
    numbers = sorted(c for c in constants if not isinstance(c, str)) or [0]
    names = st.sampled_from(sorted(set(keys) | {"0", "10", "plan", "email", "name"}))
    values = st.one_of(words, NUMERIC_STRINGS, st.sampled_from(BIG), json_value, st.none(), st.sampled_from(numbers))
    bag = st.dictionaries(names, values, max_size=6)
    stamp = iso_timestamps()
    product = st.fixed_dictionaries({}, optional={
        "product_id": st.one_of(text, NUMERIC_STRINGS, st.integers(0, 10 ** 9)), "sku": words, "name": words,
        "price": MONEY, "quantity": st.one_of(st.integers(0, 20), NUMERIC_STRINGS), "category": words,
        "url": st.just("https://shop.example.com/p/1")})
    # an e-commerce event (v2 spec): its order and its money, which libraries send as numbers or as
    # strings ("12.50"), then what else it may carry
    commerce = st.fixed_dictionaries({"order_id": st.one_of(text, NUMERIC_STRINGS),
                                      "revenue": st.one_of(MONEY, NUMERIC_STRINGS)},
                                     optional={"total": MONEY, "currency": st.sampled_from(CURRENCIES),
                                               "products": st.lists(product, max_size=4), "coupon": words})
    optional = {
        "ip": st.sampled_from(["203.0.113.7", "2001:db8::1", "10.0.0.1"]),
        "locale": st.sampled_from(["en-US", "de-DE", "pt_BR", "ja"]),
        "timezone": st.sampled_from(TIMEZONES),
        "traits": st.dictionaries(st.sampled_from(["email", "name", "plan", "phone", "address"]), json_value, max_size=3),
        "location": st.fixed_dictionaries({}, optional={
            "city": words, "country": st.sampled_from(["United States", "Deutschland", ""]),
            "latitude": st.floats(-90, 90), "longitude": st.floats(-180, 180)}),
        "network": st.fixed_dictionaries({}, optional={"wifi": st.booleans(), "carrier": text, "cellular": st.booleans()}),
    }
    web = st.fixed_dictionaries({
        "path": st.sampled_from(["/", "/pricing", "/checkout/step-2", "/\u00fcn\u00ef"]),
        "query": st.sampled_from(["", "?utm_source=newsletter&utm_medium=email&utm_campaign=spring",
                                  "?q=%C3%BCber&page=2", "?gclid=abc123"]),
        "title": words, "referrer": st.sampled_from(["", "https://www.google.com/"]),
        "userAgent": st.one_of(st.sampled_from(BROWSER_AGENTS), words),
    })
    mobile = st.fixed_dictionaries({
        "device": st.fixed_dictionaries({"id": text, "manufacturer": st.sampled_from(["Apple", "Google", "Cubot"]),
                                         "model": st.sampled_from(["iPhone15,2", "Pixel 8"])},
                                        optional={"adTrackingEnabled": st.booleans()}),
        "version": st.sampled_from(["5.11.2", "6.0", ""]), "os": st.sampled_from(["17.4", "14", ""]),
        "userAgent": st.sampled_from(MOBILE_AGENTS + [None]),
    })
    extra = st.fixed_dictionaries({}, optional=optional)
    user = st.one_of(st.sampled_from(list(user_ids)), words)
    integrations = st.dictionaries(st.sampled_from(["All", "Sprig", "Sprig Cloud"]), st.booleans())
    emails = st.sampled_from(["ann@example.com", " ann@example.com ", "not-an-email", "a@b@c"])
    events = st.one_of(st.sampled_from(EVENTS), words)

    def context(draw, platform, library):
        name, version = library
        parts = dict(draw(extra))
        if name:
            parts["library"] = {"name": name, "version": version}
        if platform == "web":
            w = draw(web)
            parts["page"] = {"path": w["path"], "url": f"https://www.example.com{w['path']}{w['query']}",
                             "search": w["query"], "title": w["title"], "referrer": w["referrer"]}
            parts["userAgent"] = w["userAgent"]
            if "utm_" in w["query"]:
                parts["campaign"] = {"source": "newsletter", "medium": "email", "name": "spring"}
        elif platform in ("ios", "android"):
            m = draw(mobile)
            parts["app"] = {"name": "Acme", "version": m["version"], "build": "51102"}
            parts["device"] = {**m["device"], "type": platform}
            parts["os"] = {"name": "iOS" if platform == "ios" else "Android", "version": m["os"]}
            parts["screen"] = {"width": 1179, "height": 2556, "density": 3}
            if m["userAgent"] is not None:
                parts["userAgent"] = m["userAgent"]
        return parts

    presence = st.sampled_from(["set", "set", "set", "null", "missing"])

    def opt(draw, strategy=None, value=None):
        how = draw(presence)
        if how == "missing":
            return MISSING
        if how == "null":
            return None
        return draw(strategy) if strategy is not None else value

    ids = st.uuids().map(str)

    @st.composite
    def message(draw):
        kind = draw(st.sampled_from(TYPES))
        # page calls come from the browser, screen calls from the apps (and both, now and then, from a server)
        library = draw(st.sampled_from(PAGE_LIBRARIES if kind == "page" else SCREEN_LIBRARIES if kind == "screen"
                                       else LIBRARIES))
        parts = {
            "type": kind, "messageId": draw(ids), "userId": opt(draw, user),
            "anonymousId": opt(draw, ids), "timestamp": opt(draw, stamp),
            "originalTimestamp": opt(draw, stamp), "receivedAt": opt(draw, stamp), "sentAt": opt(draw, stamp),
            "context": context(draw, library[2], library[:2]), "integrations": opt(draw, integrations),
        }
        if kind == "track":
            parts["event"] = opt(draw, events)
            properties = dict(draw(bag))
            if draw(st.booleans()):  # an e-commerce event
                properties.update(draw(commerce))
            if draw(st.booleans()):  # with its cart (properties.products)
                properties["products"] = draw(st.lists(product, min_size=1, max_size=4))
            parts["properties"] = opt(draw, value=properties)
        elif kind in ("identify", "group"):
            traits = draw(bag)
            if draw(st.booleans()):
                traits["address"] = {"city": draw(words), "street": draw(text)}
            if draw(st.booleans()):
                traits["email"] = draw(emails)
            parts["traits"] = opt(draw, value=traits)
            if kind == "group":
                parts["groupId"] = opt(draw, words)
        elif kind in ("page", "screen"):
            parts["name"] = opt(draw, words)
            if kind == "page":
                parts["category"] = opt(draw, words)
            properties = dict(draw(bag))
            page = parts["context"].get("page")
            if kind == "page" and page:  # analytics.js: the page's own properties
                properties.update({k: page[k] for k in ("path", "url", "search", "title", "referrer")})
            for key in ("name", "category") if kind == "page" else ("name",):
                # analytics.js copies name and category into properties; an HTTP API caller may send
                # them there only
                given = parts.get(key)
                how = draw(st.sampled_from(["copy", "own", "none"]))
                if how == "copy" and isinstance(given, str):
                    properties[key] = given
                elif how == "own":
                    properties[key] = draw(words)
            parts["properties"] = opt(draw, value=properties)
        elif kind == "alias":
            parts["previousId"] = opt(draw, words)
        return _assemble(parts)

    return message()
