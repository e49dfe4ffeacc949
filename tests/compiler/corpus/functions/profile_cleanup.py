"""A data engineer's insert function: tidy identify traits before they reach every destination.

Birthdays in whatever format a form sent become ISO dates, phone numbers E.164, names title case,
UTM parameters are lifted from the page URL, and emails are hashed for the ad destinations."""

import hashlib
import re
from datetime import datetime, timezone
from enum import Enum
from urllib.parse import parse_qsl, urlsplit

from segfn.runtime import DropEvent, Setting

KIND = "insert"
NAME = "Profile Cleanup"
SETTINGS = [Setting("defaultCountryCode", label="Country calling code for national numbers"),
            Setting("hashEmails", label="Add a SHA-256 of the email", type="boolean"),
            Setting("dropTestUsers", label="Drop @example.com users", type="boolean")]

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%m-%d-%Y", "%d %B %Y", "%B %d, %Y", "%Y%m%d")
NON_DIGITS = re.compile(r"[^\d]")
SPACES = re.compile(r"\s+")


class Gender(Enum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"

    @classmethod
    def parse(cls, raw):
        value = str(raw or "").strip().lower()
        aliases = {"f": cls.FEMALE, "w": cls.FEMALE, "woman": cls.FEMALE, "m": cls.MALE, "man": cls.MALE}
        if value in aliases:
            return aliases[value]
        return next((g for g in cls if g.value == value), cls.OTHER if value else None)


class CleanupError(ValueError):
    def __init__(self, field, value, reason="unparseable"):
        super().__init__(f"{field}: {reason} ({value!r})")
        self.field = field


def iso_date(raw):
    text = SPACES.sub(" ", str(raw)).strip()
    for fmt in DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if not 1900 <= parsed.year <= datetime.now(timezone.utc).year:
            raise CleanupError("birthday", raw, "out of range")
        return parsed.date().isoformat()
    raise CleanupError("birthday", raw)


def e164(raw, country):
    text = str(raw).strip()
    digits = NON_DIGITS.sub("", text)
    if text.startswith("+"):
        number = digits
    elif digits.startswith("00"):
        number = digits[2:]
    elif len(digits) == 10 and country:
        number = country + digits
    else:
        raise CleanupError("phone", raw, "no country code")
    if not 8 <= len(number) <= 15:
        raise CleanupError("phone", raw, f"{len(number)} digits")
    return "+" + number


def utm(url):
    params = {k.lower(): v for k, v in parse_qsl(urlsplit(url or "").query) if k.lower().startswith("utm_")}
    return {k[4:]: v.strip().lower() for k, v in sorted(params.items()) if v.strip()}


def cleaned(traits, settings, *, page_url=None):
    out, problems = {}, []
    country = NON_DIGITS.sub("", str(settings.get("defaultCountryCode") or ""))
    steps = {"birthday": iso_date, "phone": lambda v: e164(v, country)}
    for key, value in traits.items():
        try:
            if key in steps and value not in (None, ""):
                out[key] = steps[key](value)
            elif key in ("firstName", "lastName", "name") and isinstance(value, str):
                out[key] = " ".join(part.capitalize() for part in SPACES.split(value.strip()))
            elif key == "gender":
                gender = Gender.parse(value)
                out[key] = gender.value if gender else None
            elif key == "email" and isinstance(value, str):
                out[key] = value.strip().lower()
            else:
                out[key] = value
        except CleanupError as error:
            problems.append(str(error))
            out[key] = value
    if settings.get("hashEmails") and out.get("email"):
        out["email_sha256"] = hashlib.sha256(out["email"].encode()).hexdigest()
    campaign = utm(page_url)
    if campaign:
        out["first_touch"] = {**campaign, **out.get("first_touch", {})} if isinstance(out.get("first_touch"), dict) else campaign
    if problems:
        out["cleanup_problems"] = sorted(problems)
    return out


async def on_identify(event, settings):
    traits = event.get("traits") or {}
    email = str(traits.get("email") or "")
    if settings.get("dropTestUsers") and email.strip().lower().endswith("@example.com"):
        raise DropEvent("test user")
    page = (event.get("context") or {}).get("page") or {}
    return {**event, "traits": cleaned(traits, settings, page_url=page.get("url"))}


async def on_track(event, settings):
    return event
