"""A data engineer's insert function: route and tidy events with pattern matching.

Identify traits are cleaned (emails lower case, empty values dropped, a plan tier from the plan name);
track events are renamed from a mapping, with their first product's category; screens become pages."""

from segfn.runtime import DropEvent, Setting

KIND = "insert"
NAME = "Event Router"
SETTINGS = [Setting("renames", label="Event renames", type="map"),
            Setting("blockedEvents", label="Blocked events", type="array")]

TIERS = {"free": 0, "starter": 1, "pro": 2, "team": 2, "enterprise": 3}
INTERNAL = str.maketrans({" ": "_", "-": "_", ".": "_"})


def tier(plan) -> int:
    match plan:
        case str(name) if (key := name.strip().lower().split(" ")[0]) in TIERS:
            return TIERS[key]
        case {"name": str(name)}:
            return tier(name)
        case int(level) if 0 <= level <= 3:
            return level
        case _:
            return -1


def clean_traits(traits: dict) -> dict:
    out = {}
    for key, value in traits.items():
        match value:
            case None | "" | [] | {}:
                continue
            case str(text) if key == "email":
                out[key] = text.strip().lower()
            case [first, *rest] if all(isinstance(v, str) for v in value):
                out[key] = sorted({first, *rest})
            case _:
                out[key] = value
    return out


def category(products) -> str | None:
    return next((p["category"] for p in products or [] if isinstance(p, dict) and p.get("category")), None)


async def on_identify(event, settings):
    traits = clean_traits(event.get("traits") or {})
    traits["tier"] = tier(traits.get("plan"))
    return {**event, "traits": traits}


async def on_track(event, settings):
    name = event.get("event") or ""
    blocked = set(settings.get("blockedEvents") or [])
    if name in blocked or {name.lower()} & {b.lower() for b in blocked}:
        raise DropEvent(f"{name} is blocked")
    renames = settings.get("renames") or {}
    props = dict(event.get("properties") or {})
    if (found := category(props.get("products"))) is not None:
        props["category"] = found
    props["internal_name"] = name.lower().translate(INTERNAL)
    return {**event, "event": renames.get(name, name), "properties": props}


async def on_screen(event, settings):
    match event:
        case {"name": str(name), "properties": {"title": title}}:
            return {**event, "type": "page", "name": name, "properties": {**event["properties"], "title": str(title)}}
        case {"name": str(name)}:
            return {**event, "type": "page", "name": name}
    return event
