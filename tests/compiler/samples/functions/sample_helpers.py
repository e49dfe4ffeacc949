"""Helpers shared by the sample functions: bundled into each function's single file."""

from datetime import datetime


class MappingError(Exception):
    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


def flatten(value, prefix="", sep="."):
    out = {}
    if isinstance(value, dict):
        for key, inner in value.items():
            name = f"{prefix}{sep}{key}" if prefix else str(key)
            if isinstance(inner, dict) and inner:
                out.update(flatten(inner, name, sep=sep))
            elif isinstance(inner, list):
                out[name] = ",".join(str(v) for v in inner)
            else:
                out[name] = inner
    return out


def to_epoch_ms(stamp):
    if stamp is None:
        return None
    if not isinstance(stamp, str):
        raise MappingError(f"timestamp must be a string, not {type(stamp).__name__}", field="timestamp")
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError as e:
        raise MappingError(str(e), field="timestamp")
    if moment.tzinfo is None:
        raise MappingError("timestamp has no offset", field="timestamp")
    return int(moment.timestamp() * 1000)
