"""Insert function: runs before the destination function and may change or drop each event (an example).

- events from your own team (``context.traits.email`` or ``traits.email`` ending with one of the
  ``internalDomains`` setting's domains) are dropped: Segment shows them "Filtered at insert function";
- ``context.ip`` is removed from every event that goes on.
"""

from segfn.runtime import DropEvent, Setting

KIND = "insert"
NAME = "Example insert"
DESCRIPTION = "Drops events from internal users and removes the IP address."
SETTINGS = [
    Setting("internalDomains", label="Internal email domains", type="array",
            description="Events from users whose email ends with @<domain> are dropped."),
]


def email_of(event):
    for holder in (event.get("traits"), (event.get("context") or {}).get("traits")):
        if isinstance(holder, dict) and isinstance(holder.get("email"), str):
            return holder["email"].lower()
    return None


def clean(event, settings):
    email = email_of(event)
    domains = settings.get("internalDomains") or []
    for domain in domains:
        if email is not None and email.endswith("@" + domain.lower()):
            raise DropEvent(f"internal user (@{domain})")
    context = event.get("context")
    if isinstance(context, dict) and "ip" in context:
        event["context"] = {key: value for key, value in context.items() if key != "ip"}
    return event


async def on_identify(event, settings):
    return clean(event, settings)


async def on_track(event, settings):
    return clean(event, settings)


async def on_page(event, settings):
    return clean(event, settings)


async def on_screen(event, settings):
    return clean(event, settings)


async def on_group(event, settings):
    return clean(event, settings)


async def on_alias(event, settings):
    return clean(event, settings)


async def on_delete(event, settings):
    return event  # a deletion request always goes on
