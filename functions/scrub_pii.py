"""Insert function: remove personal data Sprig does not need before the event reaches it.

Each entry of the ``fields`` setting is a dot path into the event (``context.ip``,
``properties.email``); the field is removed where it exists, and nothing else changes. Without the
setting, ``DEFAULT_FIELDS`` apply. ``traits.email`` is not in the defaults: the Sprig function sends it
as the user's ``emailAddress``. Only field names are logged, never values.
"""

from segfn.runtime import Setting

KIND = "insert"
NAME = "Scrub PII"
DESCRIPTION = "Removes configurable personal fields (IP address, phone numbers, addresses, ...) from events."
SETTINGS = [
    Setting("fields", label="Fields to remove", type="array",
            description="Dot paths to remove, e.g. context.ip or properties.email. "
                        "Empty: the defaults (IP, phone, address, birthday, SSN, emails in properties)."),
]

DEFAULT_FIELDS = (
    "context.ip",
    "context.traits.phone",
    "context.traits.address",
    "traits.phone",
    "traits.address",
    "traits.birthday",
    "traits.ssn",
    "properties.email",
    "properties.phone",
    "properties.ssn",
)


def fields_of(settings):
    fields = settings.get("fields")
    if isinstance(fields, list) and fields:
        return [f for f in fields if isinstance(f, str) and f != ""]
    return list(DEFAULT_FIELDS)


def holds(value, parts):
    """Whether the event has a field at ``parts``."""
    for part in parts:
        if not isinstance(value, dict) or part not in value:
            return False
        value = value[part]
    return True


def without(value, parts):
    """``value`` with the field at ``parts`` removed (``holds(value, parts)`` is true); containers on
    the path are copied, not changed."""
    if len(parts) == 1:
        return {key: inner for key, inner in value.items() if key != parts[0]}
    return {**value, parts[0]: without(value[parts[0]], parts[1:])}


def scrub(event, settings):
    removed = []
    for field in fields_of(settings):
        parts = field.split(".")
        if holds(event, parts):
            removed.append(field)
            event = without(event, parts)
    if removed:
        print(f"scrub_pii: removed {', '.join(removed)}")
    return event


async def on_identify(event, settings):
    return scrub(event, settings)


async def on_track(event, settings):
    return scrub(event, settings)


async def on_page(event, settings):
    return scrub(event, settings)


async def on_screen(event, settings):
    return scrub(event, settings)


async def on_group(event, settings):
    return scrub(event, settings)


async def on_alias(event, settings):
    return scrub(event, settings)


async def on_delete(event, settings):
    return event
