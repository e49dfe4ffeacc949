"""An insert function that turns "array-like" objects (keys "0", "1", ... as some SDKs send lists)
back into lists, and counts numeric-string prices as numbers."""

from segfn.runtime import Setting

KIND = "insert"
NAME = "Numeric keys"
SETTINGS = [Setting("field", label="Field", type="string")]


def as_list(value):
    if isinstance(value, dict) and value and all(key.isdigit() for key in value):
        return [value[key] for key in sorted(value, key=int)]
    return value


def number(value):
    if isinstance(value, str) and value.replace(".", "", 1).isdigit():
        return float(value)
    return value


async def on_track(event, settings):
    properties = event.get("properties")
    if not isinstance(properties, dict):
        return event
    out = {}
    for key, value in properties.items():
        if key.isdigit():
            out["item_" + key] = as_list(value)
        else:
            out[key] = number(as_list(value))
    return {**event, "properties": out}
