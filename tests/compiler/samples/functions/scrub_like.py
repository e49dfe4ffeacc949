"""Insert function: removes PII (emails, phones, IPs) before events reach the destination."""

import copy
import hashlib
import re

from segfn.runtime import Setting

KIND = "insert"
NAME = "Scrub PII (sample)"
SETTINGS = [Setting("salt", label="Salt", type="string", sensitive=True, required=True)]
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"\+?\d[\d\s().-]{7,}\d")
PII_KEYS = {"email", "phone", "ssn", "address", "ip"}


def hashed(value, salt):
    return hashlib.sha256((salt + value).encode("utf-8")).hexdigest()[:16]


def scrub(value, salt, depth=0):
    if depth > 10:
        return value
    if isinstance(value, dict):
        out = {}
        for key, inner in value.items():
            if key.lower() in PII_KEYS and isinstance(inner, str):
                out[key] = hashed(inner, salt)
            else:
                out[key] = scrub(inner, salt, depth + 1)
        return out
    if isinstance(value, list):
        return [scrub(v, salt, depth + 1) for v in value]
    if isinstance(value, str):
        return PHONE.sub("[phone]", EMAIL.sub("[email]", value))
    return value


def handle(event, settings):
    event = copy.deepcopy(event)
    salt = settings["salt"]
    for field in ("traits", "properties", "context"):
        if field in event:
            event[field] = scrub(event[field], salt)
    if isinstance(event.get("context"), dict):
        event["context"].pop("ip", None)
    return event


async def on_identify(event, settings):
    return handle(event, settings)


async def on_track(event, settings):
    return handle(event, settings)


async def on_page(event, settings):
    return handle(event, settings)


async def on_group(event, settings):
    return handle(event, settings)
